"""Finding a patient for a staff page: only patients the user may read, else 404 (never 403).

The user may read the patients of their clinics, and a patient of another clinic while they hold
emergency access to them (``remit.patients.access``; read-only, so an editing page answers 403 then).
"""

from __future__ import annotations

from django.db.models import QuerySet
from django.http import Http404, HttpRequest

from remit.patients import access
from remit.patients.models import Patient


def readable_patient(
    request: HttpRequest, patients: QuerySet[Patient], pk: int, capability: str | None = None
) -> Patient:
    """The patient ``pk`` of ``patients`` if the signed-in user may read them on this page, else 404.

    "May read" is about the patient's clinic: the user must hold ``capability`` there, by default the
    capability the view needs (``staff_required`` keeps it on the request), or read them under
    emergency access. A nurse in clinic A who is front desk in clinic B reaches a clinical page of
    A's patients, not of B's.
    """
    capability = capability or getattr(request, "staff_capability", None)
    if capability is None:
        raise TypeError(
            "readable_patient needs the capability the page requires (a staff_required view has one)"
        )
    patient = patients.filter(pk=pk).first()
    found = access.access_to(request.user, patient, capability) if patient is not None else None
    if patient is None or found is None:
        raise Http404("No such patient in your clinics.")
    access.enter(request, patient, found)
    return patient


def visible_patient(request: HttpRequest, pk: int, *related: str, capability: str | None = None) -> Patient:
    """The patient ``pk`` if the signed-in user may see them (with ``clinic`` and ``related`` joined), else 404."""
    return readable_patient(request, Patient.objects.select_related("clinic", *related), pk, capability)
