"""The audit report for clinic administrators: who did what, to which patient, from where.

A page of the shell, not of the audit app: the audit app records and verifies the trail and
imports no other app, while this page reads staff and patients to filter it.
"""

from __future__ import annotations

import csv
from datetime import datetime, time, timedelta
from typing import Any
from urllib.parse import urlencode

from django import forms
from django.core.paginator import Paginator
from django.db import transaction
from django.db.models import OuterRef, Q, QuerySet, Subquery
from django.http import Http404, HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from remit.accounts.decorators import recent_auth_required, staff_required
from remit.accounts.models import User
from remit.audit import actions as audit
from remit.audit.models import AuditEvent
from remit.pages import searches
from remit.patients.models import EmergencyAccess, Patient
from remit.web.audit_words import action_words, object_words

PAGE_SIZE = 50
ACTION_CHOICES = [("", "Any action")] + sorted(
    (
        (name, action_words(name))
        for name in {
            audit.VIEW,
            audit.SEARCH,
            audit.CREATE,
            audit.UPDATE,
            audit.VOID,
            *audit.DISCLOSURE_ACTIONS,
        }
        | audit.SECURITY_ACTIONS
    ),
    key=lambda choice: choice[1],
)


# Each data element of an entry (45 CFR 170.210(e): date and time, user, action, the data
# accessed, the patient) sorts the report, both ways; ties keep the trail's own order.
SORTS: dict[str, tuple[str, tuple[str, ...]]] = {
    "when": ("When", ("seq",)),
    "who": ("Who", ("actor_label", "seq")),
    "action": ("Action", ("action", "seq")),
    "what": ("What", ("object_type", "object_id", "seq")),
    "patient": ("Patient", ("patient_mrn", "seq")),
    "from": ("From", ("ip", "seq")),
}
DEFAULT_SORT = "-when"
SORT_CHOICES = [("-when", "Newest first"), ("when", "Oldest first")] + [
    choice
    for key, (label, _) in SORTS.items()
    if key != "when"
    for choice in ((key, f"{label}, A to Z"), (f"-{key}", f"{label}, Z to A"))
]


def sort_key(value: str | None) -> str:
    """The asked sort if it is one of the report's columns (``who`` or ``-who``), else newest first."""
    if value and value.lstrip("-") in SORTS:
        return value
    return DEFAULT_SORT


def _ordered(events: QuerySet[AuditEvent], key: str) -> QuerySet[AuditEvent]:
    descending = key.startswith("-")
    fields = SORTS[key.lstrip("-")][1]
    if "patient_mrn" in fields:
        mrn = Patient.objects.filter(pk=OuterRef("patient_id")).values("mrn")[:1]
        events = events.annotate(patient_mrn=Subquery(mrn))
    return events.order_by(*(f"-{f}" if descending else f for f in fields))


class AuditFilterForm(forms.Form):
    patient = forms.CharField(required=False, label="Patient MRN", max_length=40)
    user = forms.CharField(required=False, label="Staff username", max_length=150)
    action = forms.ChoiceField(required=False, choices=ACTION_CHOICES)
    date_from = forms.DateField(required=False, label="From", widget=forms.DateInput(attrs={"type": "date"}))
    date_to = forms.DateField(required=False, label="To", widget=forms.DateInput(attrs={"type": "date"}))
    # The column headings sort too; this is for a phone, where the table is shown as cards.
    sort = forms.ChoiceField(required=False, label="Sort by", choices=SORT_CHOICES)
    emergency = forms.BooleanField(required=False, label="Emergency access only")

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("date_from"), data.get("date_to")
        if start and end and start > end:
            self.add_error("date_to", "The end date is before the start date.")
        return data


def events_for(user: Any) -> QuerySet[AuditEvent]:
    """Events of the clinics whose audit trail ``user`` may read, and security events (sign-ins, ...)
    that belong to no clinic, of those clinics' staff."""
    clinic_ids = user.clinic_ids("audit.view")
    staff_ids = User.objects.filter(clinics__in=clinic_ids).values("id")
    return AuditEvent.objects.filter(
        Q(clinic_id__in=clinic_ids) | Q(clinic_id__isnull=True, actor_id__in=staff_ids)
    )


def _kept_terms(form: AuditFilterForm) -> dict[str, str]:
    """A valid filter's values as text, to keep in the session (``remit.pages.searches``)."""
    return {
        name: value.isoformat() if hasattr(value, "isoformat") else str(value)
        for name, value in form.cleaned_data.items()
        if value
    }


def _filtered(request: HttpRequest) -> tuple[AuditFilterForm, QuerySet[AuditEvent], dict[str, str] | None]:
    """The filter kept under ``?search=<handle>`` (the form posts, so an MRN is never in an address)."""
    _handle, kept = searches.recall(request, "audit")
    form = AuditFilterForm(kept)
    events = events_for(request.user)
    if form.is_bound and form.is_valid():
        data = form.cleaned_data
        if data["patient"]:
            ids = (
                Patient.objects.visible_to(request.user, "audit.view")
                .filter(mrn=data["patient"].strip())
                .values("id")
            )
            events = events.filter(patient_id__in=ids)
        if data["user"]:
            events = events.filter(actor_label=data["user"].strip())
        if data["action"]:
            events = events.filter(action=data["action"])
        if data["emergency"]:
            events = events.filter(emergency_access_rows())
        zone = timezone.get_current_timezone()
        if data["date_from"]:
            events = events.filter(at__gte=datetime.combine(data["date_from"], time.min, zone))
        if data["date_to"]:
            events = events.filter(
                at__lt=datetime.combine(data["date_to"] + timedelta(days=1), time.min, zone)
            )
    elif form.is_bound:
        events = events.none()
    asked = request.GET.get("sort") or (kept or {}).get("sort")
    return form, _ordered(events, sort_key(asked)), kept


def _columns(request: HttpRequest, current: str) -> list[dict[str, str]]:
    """Column headings as sort links: a click sorts by that column, a second click reverses it."""
    query = request.GET.copy()
    query.pop("page", None)
    columns = []
    for key, (label, _) in SORTS.items():
        state = "ascending" if current == key else "descending" if current == f"-{key}" else "none"
        query["sort"] = f"-{key}" if state == "ascending" else key
        columns.append({"label": label, "href": f"?{query.urlencode()}", "state": state})
    return columns


def emergency_access_rows() -> Q:
    """Rows written under emergency access (marked with the grant), and the grants' own searches."""
    return Q(detail__has_key=audit.EMERGENCY_ACCESS) | Q(object_type=EmergencyAccess._meta.label_lower)


def emergency_note(event: AuditEvent) -> str:
    """What an emergency access row says on the report, in words ("" for any other row)."""
    detail = event.detail if isinstance(event.detail, dict) else {}
    if event.object_type == EmergencyAccess._meta.label_lower:
        if event.action == audit.SEARCH:
            return (
                f"Emergency access search that matched no patient. Reason given: “{detail.get('reason', '')}”"
            )
        if event.action == audit.CREATE:
            return f"Emergency access opened. Reason given: “{detail.get('reason', '')}”"
        if event.action == audit.UPDATE:
            return "Emergency access ended by the clinician"
    if audit.EMERGENCY_ACCESS in detail:
        return "Read under emergency access"
    return ""


def _patient_names(events: list[AuditEvent]) -> dict[int, str]:
    ids = {e.patient_id for e in events if e.patient_id}
    return {p.id: f"{p.family_name}, {p.given_name} ({p.mrn})" for p in Patient.objects.filter(id__in=ids)}


@staff_required("audit.view")
@require_http_methods(["GET", "POST"])
def report(request: HttpRequest) -> HttpResponse:
    if request.method == "POST":
        form = AuditFilterForm(request.POST)
        if form.is_valid():
            handle = searches.remember(request, "audit", _kept_terms(form))
            return redirect(f"{reverse('audit:report')}?search={handle}")
        events, kept = events_for(request.user).none(), None  # the errors name the field to fix
    else:
        form, events, kept = _filtered(request)
    page = Paginator(events, PAGE_SIZE).get_page(request.GET.get("page"))
    rows = list(page.object_list)
    names = _patient_names(rows)
    for row in rows:
        row.patient_label = names.get(row.patient_id or 0, "")
        row.action_label = action_words(row.action)
        row.object_label = object_words(row.object_type)
        row.emergency_note = emergency_note(row)
    with transaction.atomic():
        audit.record(
            audit.VIEW,
            request=request,
            object_type="audit.report",
            detail={"filters": kept or {}, "page": page.number},
        )
    # The handle and the sort only: what was searched for stays in the session.
    query = urlencode({k: request.GET[k] for k in ("search", "sort") if request.GET.get(k)})
    return render(
        request,
        "audit/report.html",
        {
            "form": form,
            "page": page,
            "rows": rows,
            "query": query,
            "columns": _columns(request, sort_key(request.GET.get("sort") or (kept or {}).get("sort"))),
        },
    )


class _Echo:
    def write(self, value: str) -> str:
        return value


@staff_required("audit.view")
@recent_auth_required
def export_csv(request: HttpRequest) -> StreamingHttpResponse:
    form, events, kept = _filtered(request)
    with transaction.atomic():
        audit.record(
            audit.EXPORT,
            request=request,
            object_type="audit.report",
            detail={"format": "csv", "filters": kept or {}},
        )
    writer = csv.writer(_Echo())
    columns = [
        "seq",
        "at",
        "actor",
        "action",
        "object_type",
        "object_id",
        "patient_id",
        "clinic_id",
        "ip",
        "user_agent",
        "emergency_access",
        "hash",
    ]

    def rows() -> Any:
        yield writer.writerow(columns)
        for e in events.iterator(chunk_size=2000):
            yield writer.writerow(
                [
                    e.seq,
                    e.at.isoformat(),
                    e.actor_label,
                    e.action,
                    e.object_type,
                    e.object_id,
                    e.patient_id or "",
                    e.clinic_id or "",
                    e.ip,
                    e.user_agent,
                    (e.detail or {}).get(audit.EMERGENCY_ACCESS, "") if isinstance(e.detail, dict) else "",
                    e.hash,
                ]
            )

    response = StreamingHttpResponse(rows(), content_type="text/csv")
    response["Content-Disposition"] = 'attachment; filename="remit-audit.csv"'
    return response


# Rows that announce a whole run (a bulk export): each patient of the run has its own ``disclose`` row.
RUN_ROWS = frozenset({"fhir.export", "reports.research_export"})
DISCLOSURES_PAGE = 100
RESOURCE_WORDS = {
    "Patient": "demographics (Patient)",
    "Observation": "scores and vital signs (Observation search)",
    "QuestionnaireResponse": "questionnaire answers (QuestionnaireResponse search)",
    "Condition": "diagnoses (Condition search)",
}


def describe_disclosure(event: AuditEvent) -> dict[str, str]:
    """One accounting row in plain words: when, to whom, why, what, and who released it."""
    detail = event.detail if isinstance(event.detail, dict) else {}
    recipient = str(detail.get("recipient") or "not stated")
    purpose = str(detail.get("purpose") or "not stated")
    released_by = event.actor_label or "Remit"
    if event.object_type == "fhir.api":
        resource = str(detail.get("resource", ""))
        what = f"FHIR API read of {RESOURCE_WORDS.get(resource, resource or 'the record')}"
        if detail.get("results") is not None:
            what += f": {detail['results']} record{'s' if detail['results'] != 1 else ''}"
        released_by = f"the integration's API token ({detail.get('token', '')}…)"
    elif event.object_type == "fhir.export":
        resources = detail.get("resources") or {}
        counted = ", ".join(f"{n} {kind}" for kind, n in sorted(resources.items()))
        fmt = "bulk NDJSON" if detail.get("format") == "ndjson" else "bundle"
        what = f"FHIR export ({fmt}){': ' + counted if counted else ''}"
        if released_by == "remit fhir export":
            released_by = "the remit fhir export command"
    elif event.object_type == "reports.research_export":
        what = "De-identified research export (courses, sessions and scores; no names, shifted dates)"
        if released_by == "remit export research":
            released_by = "the remit export research command"
    elif detail.get("document"):
        document = str(detail["document"])
        what = document[:1].upper() + document[1:]
    elif detail.get("what"):
        what = str(detail["what"])
        if detail.get("format"):
            what += f" ({str(detail['format']).upper()})"
    else:
        what = "Export of the record"
    return {"recipient": recipient, "purpose": purpose, "what": what, "released_by": released_by}


@staff_required("audit.view")
def disclosures(request: HttpRequest, pk: int) -> HttpResponse:
    """Accounting of disclosures: every release of one patient's data outside the clinic.

    FHIR API reads and searches by an integration's token, FHIR bundle and bulk exports, progress
    report PDFs, research exports and REMS form PDFs: one row each, with the recipient and purpose.
    """
    patient = Patient.objects.visible_to(request.user, "audit.view").filter(pk=pk).first()
    if patient is None:
        raise Http404("No such patient in your clinics.")
    events = (
        AuditEvent.objects.filter(patient_id=patient.pk, action__in=audit.DISCLOSURE_ACTIONS)
        .exclude(action=audit.EXPORT, object_type__in=RUN_ROWS)
        .order_by("-seq")
    )
    page = Paginator(events, DISCLOSURES_PAGE).get_page(request.GET.get("page"))
    rows = [{"event": e, **describe_disclosure(e)} for e in page.object_list]
    with transaction.atomic():
        audit.record(
            audit.VIEW,
            request=request,
            object_type="audit.disclosures",
            patient=patient,
            detail={"page": page.number},
        )
    return render(request, "audit/disclosures.html", {"patient": patient, "rows": rows, "page": page})
