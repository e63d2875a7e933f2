"""Emergency access pages: open another clinic's patient with a reason, and end it early.

Thin views: the form parses, ``remit.patients.actions_emergency`` validates, writes, audits and
alerts the patient's clinic. What may be read under the grant is decided in ``remit.patients.access``.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from remit.accounts.decorators import staff, staff_required
from remit.accounts.models import Clinic
from remit.pages.forms import apply_validation_error
from remit.patients import access as access_rules
from remit.patients import actions_emergency
from remit.patients.models import EmergencyAccess, Patient


class EmergencyAccessForm(forms.Form):
    clinic = forms.ModelChoiceField(
        queryset=Clinic.objects.none(),
        label="The patient's clinic",
        empty_label="Choose the clinic",
        error_messages={
            "invalid_choice": "Choose one of the other clinics: your own clinic's patients are on the Patients page.",
            "required": "Choose the clinic the patient belongs to.",
        },
    )
    mrn = forms.CharField(
        label="Medical record number (MRN) at that clinic",
        max_length=40,
        error_messages={"required": "Enter the patient's record number at their clinic."},
    )
    date_of_birth = forms.DateField(
        label="Date of birth",
        widget=forms.DateInput(attrs={"type": "date"}),
        error_messages={
            "required": "Enter the patient's date of birth.",
            "invalid": "Enter the date of birth as a date, e.g. 1980-05-17.",
        },
    )
    reason = forms.CharField(
        label="Why you need this patient's record now",
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="At least a few words. The patient's clinic reads this.",
        error_messages={"required": "Write why you need this patient's record."},
    )
    confirm = forms.BooleanField(
        label="",
        error_messages={"required": "Confirm that you understand this access is recorded and reported."},
    )

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        others = Clinic.objects.exclude(pk__in=user.member_clinic_ids()).order_by("name")
        self.fields["clinic"].queryset = others  # type: ignore[attr-defined]
        minutes = settings.REMIT_EMERGENCY_ACCESS_MINUTES
        self.fields["confirm"].label = (
            "I understand that this is recorded, that the patient's clinic is told at once with my name and "
            f"reason, and that the record opens read-only for {minutes} minutes."
        )


@staff_required("patient.emergency_access")
@require_http_methods(["GET", "POST"])
def emergency_access(request: HttpRequest) -> HttpResponse:
    """The break-the-glass form. Shows no patient data until an exact match is opened."""
    user = staff(request)
    form = EmergencyAccessForm(request.POST or None, user=user)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            access = actions_emergency.grant(
                user,
                clinic=data["clinic"],
                mrn=data["mrn"],
                date_of_birth=data["date_of_birth"],
                reason=data["reason"],
                request=request,
            )
        except ValidationError as error:
            apply_validation_error(form, error)
        else:
            patient = access.patient
            until = access.expires_at.timestamp()
            request.session[access_rules.SESSION_UNTIL] = max(
                until, request.session.get(access_rules.SESSION_UNTIL) or 0
            )
            return redirect("patients:detail", pk=patient.pk)
    return render(
        request,
        "patients/emergency_access.html",
        {"form": form, "minutes": settings.REMIT_EMERGENCY_ACCESS_MINUTES},
    )


@staff_required("patient.emergency_access")
@require_POST
def emergency_access_end(request: HttpRequest, pk: int) -> HttpResponse:
    """End one's own emergency access to patient ``pk`` before it runs out.

    A patient the user never had emergency access to, and cannot otherwise see, is a 404.
    """
    user = staff(request)
    grants = list(EmergencyAccess.objects.filter(user=user, patient_id=pk).select_related("patient"))
    if grants:
        patient = grants[0].patient
    else:
        patient = get_object_or_404(Patient.objects.visible_to(user, "patient.emergency_access"), pk=pk)
    ended = [actions_emergency.end(user, g, request=request) for g in grants if g.is_active()]
    name = f"{patient.given_name} {patient.family_name}"
    if ended:
        messages.success(request, f"Emergency access to {name} has ended.")
    else:
        messages.info(request, f"You have no emergency access to {name} in force: there was nothing to end.")
    return redirect("patients:list")
