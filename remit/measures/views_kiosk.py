"""Kiosk mode: a staff member starts a patient's questionnaire on a clinic tablet and hands it over.

The staff member picks the questionnaires; the visit starts under their name (audited as them, who
vouch for the patient, so no date of birth is asked), their own sign-in on the tablet ends at once
(the patient never holds a staff session), and the tablet opens the portal's first question. When the
patient finishes, the portal shows a locked screen: nothing of the patient, and a staff sign-in to
start another visit.
"""

from __future__ import annotations

from django.contrib.auth import logout as auth_logout
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from remit.accounts.decorators import staff_required
from remit.audit import actions as audit
from remit.measures import (
    actions_assessments,
    actions_portal_links,
    actions_questionnaire_requests,
    portal_session,
)
from remit.measures.forms import KioskVisitForm
from remit.pages.forms import apply_validation_error
from remit.patients.lookups import visible_patient


@staff_required("measures.rate")
@require_http_methods(["GET", "POST"])
def kiosk_visit(request: HttpRequest, pk: int) -> HttpResponse:
    patient = visible_patient(request, pk)
    if patient.is_voided:
        raise PermissionDenied(actions_assessments.VOIDED_PATIENT)
    form = KioskVisitForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            with transaction.atomic():
                questionnaire_request = actions_questionnaire_requests.create_questionnaire_request(
                    patient=patient,
                    instruments=form.cleaned_data["instruments"],
                    reason="on a clinic tablet",
                    actor=request.user,
                    request=request,
                )
                link = actions_portal_links.start_kiosk_visit(questionnaire_request, request.user, request)
        except ValidationError as error:
            apply_validation_error(form, error)
        else:
            # The tablet is the patient's now: the staff member's sign-in ends here.
            audit.record(
                audit.LOGOUT, request=request, detail={"reason": "clinic tablet handed to a patient"}
            )
            auth_logout(request)
            session = portal_session.start(link.pk, link.expires_at)
            session["verified"], session["kiosk"], session["answers"] = True, True, {}
            response = redirect("portal:step", step=1)
            portal_session.attach(session, response)
            return response
    elif request.method == "GET":
        audit.record(
            audit.VIEW, request=request, obj=patient, patient=patient, detail={"page": "kiosk_visit"}
        )
    return render(request, "measures/kiosk.html", {"patient": patient, "form": form})
