"""Finding a patient for a staff page: only patients of the user's clinics, else 404 (never 403)."""

from __future__ import annotations

from django.http import HttpRequest
from django.shortcuts import get_object_or_404

from remit.patients.models import Patient


def visible_patient(request: HttpRequest, pk: int, *related: str) -> Patient:
    """The patient ``pk`` if the signed-in user may see them (with ``clinic`` and ``related`` joined), else 404."""
    patients = Patient.objects.visible_to(request.user).select_related("clinic", *related)
    return get_object_or_404(patients, pk=pk)
