"""Which of the signed-in user's clinics a clinic-settings page is about."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest

from remit.accounts.decorators import view_clinic_ids
from remit.accounts.models import Clinic


def settings_clinic(request: HttpRequest) -> Clinic:
    """The clinic named by ``?clinic=`` (GET or POST) among those where the user holds the page's
    capability, else the first of them by name.

    403 if there is none; 404 for a clinic that is not one of them.
    """
    clinics = list(Clinic.objects.filter(pk__in=view_clinic_ids(request)).order_by("name"))
    if not clinics:
        raise PermissionDenied("You do not belong to a clinic.")
    wanted = request.GET.get("clinic") or request.POST.get("clinic")
    if wanted:
        for clinic in clinics:
            if str(clinic.pk) == wanted:
                return clinic
        raise Http404("No such clinic.")
    return clinics[0]
