"""The patient's own requests to amend their record, on the portal: /p/<token>/record/.

Reached from a questionnaire link whose date of birth this browser has confirmed (the portal's own
check, ``remit.measures.views_portal``), until the link expires, even after the questionnaire is sent;
a locked, expired or unknown link, or another browser, gets the portal's closed page or the date of
birth check. The patient sees their requests, the decisions and the reasons, asks for a new
amendment, and adds a statement of disagreement to a denied request.

Nothing here reads ``request.user``: every audit row says "patient portal".
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from remit.amendments import actions, parts
from remit.amendments.forms import RequestForm, StatementForm
from remit.amendments.models import AmendmentRequest
from remit.measures.actions_portal import find_link, record_portal_view
from remit.measures.models import PortalLink
from remit.measures.views_portal import verified_for
from remit.pages.forms import apply_validation_error

CLOSED = (
    "This page is not available",
    "To ask your clinic to correct your record, open the latest link your clinic sent you and confirm "
    "your date of birth, or contact your clinic.",
)


def _link(request: HttpRequest, token: str) -> tuple[PortalLink | None, HttpResponse | None]:
    link = find_link(token)
    if link is None or link.locked_at is not None or link.expires_at <= timezone.now():
        record_portal_view(link, "record closed", request)
        title, message = CLOSED
        return None, render(
            request,
            "portal/closed.html",
            {"title": title, "message": message},
            status=404 if link is None else 410,
        )
    if not verified_for(request, link):
        if link.state() == "open":
            return None, redirect("portal:open", token=token)
        record_portal_view(link, "record closed", request)
        title, message = CLOSED
        return None, render(request, "portal/closed.html", {"title": title, "message": message}, status=410)
    return link, None


@require_http_methods(["GET", "POST"])
def record(request: HttpRequest, token: str) -> HttpResponse:
    link, closed = _link(request, token)
    if closed is not None:
        return closed
    assert link is not None
    patient = link.questionnaire_request.patient
    form = RequestForm(request.POST or None, choices=parts.choices(patient, clinical=True))
    sent = None
    if request.method == "POST" and form.is_valid():
        try:
            sent = actions.request_amendment(
                patient, part=form.cleaned_data["part"], text=form.cleaned_data["text"], request=request
            )
        except ValidationError as error:
            apply_validation_error(form, error)
        else:
            return redirect(f"{reverse('portal_record:record', kwargs={'token': token})}?sent={sent.pk}")
    rows = list(AmendmentRequest.objects.filter(patient=patient).order_by("-requested_at", "-id")[:100])
    record_portal_view(link, "record", request, requests=len(rows))
    return render(
        request,
        "amendments/portal_record.html",
        {
            "form": form,
            "rows": rows,
            "token": token,
            "sent": request.GET.get("sent"),
            "due_on": actions.due_date(timezone.localdate()),
        },
        status=400 if form.errors else 200,
    )


@require_http_methods(["GET", "POST"])
def disagree(request: HttpRequest, token: str, pk: int) -> HttpResponse:
    link, closed = _link(request, token)
    if closed is not None:
        return closed
    assert link is not None
    amendment = AmendmentRequest.objects.filter(pk=pk, patient=link.questionnaire_request.patient).first()
    back = reverse("portal_record:record", kwargs={"token": token})
    if amendment is None or not amendment.may_disagree:
        return redirect(back)
    form = StatementForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            actions.add_disagreement(amendment, text=form.cleaned_data["text"], request=request)
        except ValidationError as error:
            apply_validation_error(form, error)
        else:
            return redirect(f"{back}#amendment-{amendment.pk}")
    record_portal_view(link, "record disagreement", request, amendment=amendment.pk)
    return render(
        request,
        "amendments/portal_disagree.html",
        {"form": form, "amendment": amendment, "back": back},
        status=400 if form.errors else 200,
    )
