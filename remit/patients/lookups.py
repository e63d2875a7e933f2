"""Finding a patient for a staff page: only patients of the user's clinics, else 404 (never 403)."""

from __future__ import annotations

from django.http import HttpRequest
from django.shortcuts import get_object_or_404

from remit.patients.models import Patient


def visible_patient(request: HttpRequest, pk: int, *related: str, capability: str | None = None) -> Patient:
    """The patient ``pk`` (with ``clinic`` and ``related`` joined) if the signed-in user may see them, else 404.

    "May see" is about the patient's clinic: the user must hold ``capability`` there, by default
    the capability the view needs (``staff_required`` keeps it on the request). A nurse in clinic A
    who is front desk in clinic B reaches a clinical page of A's patients, not of B's.
    """
    capability = capability or getattr(request, "staff_capability", None)
    if capability is None:
        raise TypeError(
            "visible_patient needs the capability the page requires (a staff_required view has one)"
        )
    patients = Patient.objects.visible_to(request.user, capability).select_related("clinic", *related)
    return get_object_or_404(patients, pk=pk)
