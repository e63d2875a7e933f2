"""Which of the signed-in user's clinics a clinic-settings page is about."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest

from remit.accounts.models import Clinic


def settings_clinic(request: HttpRequest) -> Clinic:
    """The clinic named by ``?clinic=`` (GET or POST) among the user's own, else their first by name.

    403 if the user belongs to no clinic; 404 for a clinic that is not theirs.
    """
    clinics = list(Clinic.objects.filter(pk__in=request.user.clinic_ids()).order_by("name"))  # type: ignore[union-attr]
    if not clinics:
        raise PermissionDenied("You do not belong to a clinic.")
    wanted = request.GET.get("clinic") or request.POST.get("clinic")
    if wanted:
        for clinic in clinics:
            if str(clinic.pk) == wanted:
                return clinic
        raise Http404("No such clinic.")
    return clinics[0]
