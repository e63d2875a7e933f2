"""A prescriber co-signs a session a nurse or TMS technician signed: the signed note, read-only, and one button.

GET shows the page (never a blank 405); POST calls ``actions_cosigning.cosign`` and returns to Today.
The session is looked up within the clinics where the user co-signs (another clinic's session is a 404).
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods

from remit.accounts.decorators import staff, staff_required, view_clinic_ids
from remit.audit import actions as audit
from remit.treatment import actions_cosigning
from remit.treatment.models import Session, SessionCosignature


@staff_required("sessions.cosign")
@require_http_methods(["GET", "POST"])
def session_cosign(request: HttpRequest, pk: int) -> HttpResponse:
    sessions = Session.objects.filter(clinic_id__in=view_clinic_ids(request)).select_related(
        "patient", "course", "signed_by", "charted_by"
    )
    session = get_object_or_404(sessions, pk=pk)
    cosignature = SessionCosignature.objects.filter(session=session).select_related("by").first()
    error = ""
    if request.method == "POST":
        try:
            actions_cosigning.cosign(session, actor=staff(request), request=request)
        except ValidationError as problem:
            error = " ".join(problem.messages)
        else:
            messages.success(request, f"Co-signed: {session.patient.family_name}'s session {session.number}.")
            return redirect("web:today")
    else:
        audit.record(
            audit.VIEW,
            request=request,
            obj=session,
            patient=session.patient,
            detail={"page": "cosign"},
        )
    return render(
        request,
        "treatment/session_cosign.html",
        {
            "session": session,
            "patient": session.patient,
            "cosignature": cosignature,
            "needs_cosignature": session.signed_at is not None
            and cosignature is None
            and not actions_cosigning.signed_by_prescriber(session),
            "error": error,
        },
    )
