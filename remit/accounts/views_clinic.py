"""The clinic's details page: its name, phone number and logo, which patients see on the portal."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods

from remit.accounts import actions_clinic
from remit.accounts.decorators import staff, staff_required, view_clinic_ids
from remit.accounts.forms import ClinicForm
from remit.accounts.models import Clinic


@staff_required("clinic.configure")
@require_http_methods(["GET", "POST"])
def clinic(request: HttpRequest, pk: int) -> HttpResponse:
    """Looked up among the clinics the administrator runs: another clinic's page is not found."""
    place = get_object_or_404(Clinic, pk=pk, pk__in=view_clinic_ids(request))
    initial = {"name": place.name, "phone": place.phone}
    form = ClinicForm(request.POST or None, request.FILES or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data.get("logo")
        try:
            actions_clinic.update_clinic(
                actor=staff(request),
                clinic=place,
                name=form.cleaned_data["name"],
                phone=form.cleaned_data["phone"],
                logo=upload.read() if upload else None,
                remove_logo=form.cleaned_data["remove_logo"],
                request=request,
            )
        except ValidationError as error:
            for field, problems in error.message_dict.items():
                for problem in problems:
                    form.add_error(field if field in form.fields else None, problem)
        else:
            messages.success(request, "The clinic's details are saved.")
            return redirect("accounts:clinic", pk=place.pk)
    return render(request, "accounts/clinic.html", {"clinic": place, "form": form})
