"""The alert inbox, an alert's page with the acknowledgement form, and the clinic's escalation list.

Thin views: forms parse, ``remit.alerts.actions`` validates, writes and
audits.  Alerts are looked up through ``Alert.objects.visible_to(user)``, so
another clinic's alert is a 404.  The inbox writes one audit ``view`` row; an
alert's page writes one for its patient; a rejected submission writes none.
"""

from __future__ import annotations

import re
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import NoReverseMatch, reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from remit.accounts.decorators import recent_auth_required, staff, staff_required, view_clinic_ids
from remit.accounts.models import Clinic
from remit.alerts import actions
from remit.alerts.forms import AcknowledgeForm, EscalationContactForm, InboxFilterForm
from remit.alerts.models import Alert, EscalationContact
from remit.audit import actions as audit
from remit.pages import searches, words
from remit.pages.forms import apply_validation_error

PAGE_SIZE = 25


def patient_url(patient_id: int) -> str:
    """The patient's chart, when the registry's pages are installed; else no link."""
    try:
        return reverse("patients:detail", args=[patient_id])
    except NoReverseMatch:
        return ""


def _visible_alert(request: HttpRequest, pk: int) -> Alert:
    alerts = Alert.objects.visible_to(request.user).select_related("patient", "clinic", "acknowledged_by")
    return get_object_or_404(alerts, pk=pk)


# --- inbox ------------------------------------------------------------------


MAX_LISTED = 1000  # alerts grouped for one inbox page; more than this and a filter narrows them
CSSRS_NEXT = ("suicidal_ideation",)  # kinds whose next step is the C-SSRS screen


def tel_link(phone: str) -> str:
    """A ``tel:`` address for a phone number as typed (digits and a leading +), or nothing."""
    digits = re.sub(r"[^\d+]", "", phone or "")
    return f"tel:{digits}" if len(digits) >= 3 else ""


def next_step_url(alert: Alert) -> str:
    """For a suicidal-ideation alert, the clinician-rated C-SSRS screen for the patient (when installed)."""
    if alert.kind not in CSSRS_NEXT:
        return ""
    try:
        return reverse("measures:rate", args=[alert.patient_id, "cssrs_screen"])
    except NoReverseMatch:
        return ""


def _filtered(alerts: Any, terms: dict[str, Any]) -> Any:
    if terms.get("kind"):
        alerts = alerts.filter(kind=terms["kind"])
    if terms.get("severity"):
        alerts = alerts.filter(severity=terms["severity"])
    if terms.get("clinic"):
        alerts = alerts.filter(clinic_id=terms["clinic"])
    for word in str(terms.get("patient") or "").split():
        alerts = alerts.filter(
            Q(patient__given_name__icontains=word)
            | Q(patient__family_name__icontains=word)
            | Q(patient__mrn__istartswith=word)
        )
    return alerts


def group_by_patient(alerts: list[Alert]) -> list[dict[str, Any]]:
    """One group per patient, in the order of each patient's first (most pressing) alert."""
    groups: dict[int, dict[str, Any]] = {}
    for alert in alerts:
        group = groups.get(alert.patient_id)
        if group is None:
            group = groups[alert.patient_id] = {
                "patient": alert.patient,
                "patient_url": patient_url(alert.patient_id),
                "tel": tel_link(alert.patient.phone),
                "alerts": [],
            }
        alert.next_step_url = next_step_url(alert)  # type: ignore[attr-defined]
        group["alerts"].append(alert)
    for group in groups.values():
        group["first"], group["more"] = group["alerts"][0], group["alerts"][1:]
    return list(groups.values())


def _inbox_address(handle: str, show: str) -> str:
    params = [f"search={handle}"] if handle else []
    if show == "acknowledged":
        params.append("show=acknowledged")
    return reverse("alerts:inbox") + (f"?{'&'.join(params)}" if params else "")


@staff_required("clinical.view")
@require_http_methods(["GET", "POST"])
def inbox(request: HttpRequest) -> HttpResponse:
    """Open alerts (or the acknowledged history), filtered, one group per patient.

    The filter form posts; its terms are kept in the session and the page redirects to
    ``?search=<handle>`` (``remit.pages.searches``), so a patient's name never reaches an address.
    """
    show = "acknowledged" if request.GET.get("show") == "acknowledged" else "open"
    clinics = list(Clinic.objects.filter(pk__in=view_clinic_ids(request)).order_by("name"))
    handle, kept = "", None
    if request.method == "POST":
        form = InboxFilterForm(request.POST, clinics=clinics)
        if form.is_valid():
            return redirect(_inbox_address(searches.remember(request, "alerts", form.terms()), show))
    else:
        handle, kept = searches.recall(request, "alerts")
        form = InboxFilterForm(kept, clinics=clinics)
    terms: dict[str, Any] = form.terms() if form.is_bound and form.is_valid() else {}
    alerts = Alert.objects.visible_to(request.user).select_related("patient", "clinic", "acknowledged_by")
    if show == "open":
        alerts = alerts.open().most_severe_first()
    else:
        alerts = alerts.acknowledged().order_by("-acknowledged_at", "-id")
    if form.is_bound and not form.is_valid():
        alerts = alerts.none()  # the errors name the filter to fix; no half-applied filter
    listed = list(_filtered(alerts, terms)[: MAX_LISTED + 1])
    groups = group_by_patient(listed[:MAX_LISTED])
    page = Paginator(groups, PAGE_SIZE).get_page(request.GET.get("page") if request.method == "GET" else 1)
    rows = [(alert, group["patient_url"]) for group in page.object_list for alert in group["alerts"]]
    audit.record(
        audit.SEARCH if terms.get("patient") else audit.VIEW,
        request=request,
        object_type="alerts.inbox",
        detail={
            "show": show,
            "page": page.number,
            "results": sum(len(g["alerts"]) for g in groups),
            "patients": sorted({g["patient"].pk for g in page.object_list}),
            **terms,
        },
    )
    query = "&".join(
        part
        for part in (
            f"search={handle}" if kept is not None else "",
            "show=acknowledged" if show == "acknowledged" else "",
        )
        if part
    )
    return render(
        request,
        "alerts/inbox.html",
        {
            "show": show,
            "page": page,
            "groups": page.object_list,
            "rows": rows,
            "form": form,
            "filtered": bool(terms),
            "expired": bool(handle) and kept is None,
            "truncated": len(listed) > MAX_LISTED,
            "many_clinics": len(clinics) > 1,
            "query": query,
            "ack_form": AcknowledgeForm(),
        },
    )


@staff_required("clinical.view")
@require_GET
def open_count(request: HttpRequest) -> HttpResponse:
    """A fragment for the navigation (htmx): how many open alerts the user's clinics have. No patient data."""
    count = Alert.objects.visible_to(request.user).open().count()
    high = Alert.objects.visible_to(request.user).open().filter(severity="high").exists() if count else False
    return render(request, "alerts/_count.html", {"count": count, "high": high})


# --- one alert --------------------------------------------------------------


def detail_facts(detail: Any) -> list[tuple[str, str, str]]:
    """An alert's stored detail as (label, words, link): codes in words, record numbers left out
    (the alert names what raised it), a stored address as a link."""
    if not isinstance(detail, dict):
        return []
    facts = []
    for key, value in sorted(detail.items()):
        if (
            value in (None, "", [], {})
            or str(key).endswith(("_id", "_ids"))
            or key in ("fingerprint", "requests")
        ):
            continue
        label = words.code_words(key)
        if str(key).endswith("_url") and isinstance(value, str) and value.startswith("/"):
            facts.append((label.removesuffix(" link"), "Open", value))
        else:
            facts.append((label, words.value_words(value), ""))
    return facts


def _render_detail(
    request: HttpRequest, alert: Alert, form: AcknowledgeForm, status: int = 200
) -> HttpResponse:
    return render(
        request,
        "alerts/detail.html",
        {
            "alert": alert,
            "patient": alert.patient,
            "patient_url": patient_url(alert.patient_id),
            "detail_items": detail_facts(alert.detail),
            "form": form,
        },
        status=status,
    )


@staff_required("clinical.view")
@require_GET
def detail(request: HttpRequest, pk: int) -> HttpResponse:
    alert = _visible_alert(request, pk)
    audit.record(audit.VIEW, request=request, obj=alert, patient=alert.patient)
    return _render_detail(request, alert, AcknowledgeForm())


@staff_required("clinical.view")
@require_POST
def acknowledge(request: HttpRequest, pk: int) -> HttpResponse:
    alert = _visible_alert(request, pk)
    form = AcknowledgeForm(request.POST)
    if form.is_valid():
        try:
            actions.acknowledge_alert(
                alert, actor=staff(request), note=form.cleaned_data["note"], request=request
            )
        except ValidationError as error:
            apply_validation_error(form, error)
        else:
            if request.headers.get("HX-Request") and request.POST.get("in_place"):
                return render(request, "alerts/_acknowledged.html", {"alert": alert})
            messages.success(request, f"Alert acknowledged: {alert.kind_label}.")
            return redirect("alerts:inbox")
    if request.headers.get("HX-Request") and request.POST.get("in_place"):
        # In the inbox: the same alert again, its note's error beside the box (htmx swaps only 2xx).
        alert.next_step_url = next_step_url(alert)  # type: ignore[attr-defined]
        return render(request, "alerts/_inbox_alert.html", {"alert": alert, "ack_form": form, "show": "open"})
    return _render_detail(request, alert, form)


# --- escalation list --------------------------------------------------------


def _managed_clinics(request: HttpRequest) -> list[Clinic]:
    return list(Clinic.objects.filter(pk__in=view_clinic_ids(request)).order_by("name"))


@staff_required("users.manage")
@recent_auth_required
@require_http_methods(["GET", "POST"])
def escalation(request: HttpRequest) -> HttpResponse:
    clinics = _managed_clinics(request)
    form = EscalationContactForm(request.POST or None, clinics=clinics)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            actions.add_escalation_contact(
                actor=request.user,  # type: ignore[arg-type]
                clinic=data["clinic"],
                user=data["user"],
                order=data["order"],
                notify_by_email=data["notify_by_email"],
                notify_by_sms=data["notify_by_sms"],
                request=request,
            )
        except ValidationError as error:
            apply_validation_error(form, error)
        else:
            messages.success(request, "Added to the escalation list.")
            return redirect("alerts:escalation")
    contacts = (
        EscalationContact.objects.filter(clinic__in=clinics)
        .select_related("user", "clinic")
        .order_by("clinic__name", "order", "id")
    )
    lists: dict[int, dict[str, Any]] = {c.pk: {"clinic": c, "contacts": []} for c in clinics}
    for contact in contacts:
        lists[contact.clinic_id]["contacts"].append(contact)
    return render(
        request,
        "alerts/escalation.html",
        {
            "form": form,
            "lists": list(lists.values()),
            "many_clinics": len(clinics) > 1,
            "settings_minutes": f"{settings.REMIT_ALERT_ESCALATION_MINUTES} minutes",
        },
    )


@staff_required("users.manage")
@recent_auth_required
@require_POST
def escalation_remove(request: HttpRequest, pk: int) -> HttpResponse:
    contact = get_object_or_404(
        EscalationContact.objects.select_related("user"),
        pk=pk,
        clinic_id__in=view_clinic_ids(request),
    )
    actions.remove_escalation_contact(contact, actor=request.user, request=request)  # type: ignore[arg-type]
    messages.success(request, "Removed from the escalation list.")
    return redirect("alerts:escalation")
