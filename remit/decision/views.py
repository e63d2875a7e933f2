"""Decision support's pages: logging a booster request, drafting a maintenance course, the clinic's outcome settings.

Thin views: they parse, call one action (``actions_boosters``,
``actions_maintenance``, ``actions_settings``) and render. Patients come
through ``Patient.objects.visible_to`` (another clinic's patient is a 404).
The URL paths stay under ``reports/`` where users know them; the names are in
the ``decision:`` namespace.
"""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from remit.accounts.clinics import settings_clinic
from remit.accounts.decorators import staff_required, view_clinic_ids
from remit.accounts.models import Clinic
from remit.audit import actions as audit
from remit.decision.actions_boosters import log_booster_request
from remit.decision.actions_maintenance import draft_maintenance_course
from remit.decision.actions_settings import update_outcome_settings
from remit.decision.models import ClinicOutcomeSettings, outcome_settings_for
from remit.pages.forms import apply_validation_error
from remit.patients.lookups import visible_patient
from remit.treatment.models import Course


@staff_required("courses.plan")
@require_POST
def draft_booster(request: HttpRequest, pk: int, course_pk: int) -> HttpResponse:
    patient = visible_patient(request, pk)
    course = get_object_or_404(Course.objects.filter(patient=patient, voided_at__isnull=True), pk=course_pk)
    try:
        drafted = draft_maintenance_course(actor=request.user, course=course, request=request)
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, f"No course was drafted: {message}")
        return redirect(reverse("reports:patient", args=[patient.pk]) + f"#course-{course.pk}")
    messages.success(
        request,
        f"A planned {drafted.get_modality_display()} maintenance course was drafted; "
        "check its dates and dose, then confirm it or discontinue it.",
    )
    return redirect("treatment:course", pk=drafted.pk)


class BoosterRequestForm(forms.Form):
    requested_on = forms.DateField(
        label="Date the patient asked", widget=forms.DateInput(attrs={"type": "date"}), required=True
    )
    note = forms.CharField(
        label="Note (optional)", max_length=500, required=False, widget=forms.Textarea(attrs={"rows": 3})
    )


@staff_required("clinical.edit")
@require_http_methods(["GET", "POST"])
def booster_request(request: HttpRequest, pk: int) -> HttpResponse:
    patient = visible_patient(request, pk)
    if request.method == "POST":
        form = BoosterRequestForm(request.POST)
        if form.is_valid():
            try:
                log_booster_request(
                    actor=request.user,
                    patient=patient,
                    requested_on=form.cleaned_data["requested_on"],
                    note=form.cleaned_data["note"],
                    request=request,
                )
            except ValidationError as error:
                apply_validation_error(form, error)
            else:
                messages.success(request, "Booster request recorded.")
                return redirect("reports:patient", pk=patient.pk)
    else:
        form = BoosterRequestForm(initial={"requested_on": timezone.localdate()})
        audit.record(
            audit.VIEW, request=request, obj=patient, patient=patient, detail={"page": "booster_request"}
        )
    return render(request, "decision/booster_request.html", {"patient": patient, "form": form})


# --- clinic settings ----------------------------------------------------------------------------------


class OutcomeSettingsForm(forms.ModelForm):
    class Meta:
        model = ClinicOutcomeSettings
        fields = list(ClinicOutcomeSettings.EDITABLE)


@staff_required("outcomes.configure")
@require_http_methods(["GET", "POST"])
def outcome_settings(request: HttpRequest) -> HttpResponse:
    clinic = settings_clinic(request)
    stored = outcome_settings_for(clinic)
    if request.method == "POST":
        form = OutcomeSettingsForm(request.POST, instance=ClinicOutcomeSettings(clinic=clinic))
        if form.is_valid():
            values = {name: form.cleaned_data[name] for name in ClinicOutcomeSettings.EDITABLE}
            try:
                update_outcome_settings(request.user, clinic, values, request=request)
            except ValidationError as error:
                apply_validation_error(form, error)
            else:
                messages.success(request, f"Outcome settings for {clinic.name} saved.")
                return redirect(f"{request.path}?clinic={clinic.pk}")
    else:
        form = OutcomeSettingsForm(instance=stored)
    clinics = list(Clinic.objects.filter(pk__in=view_clinic_ids(request)).order_by("name"))
    fields = form.visible_fields()
    groups = [
        ("Outcome definitions", fields[:10]),
        ("Decision support", [f for f in fields[10:] if f.name != "confirmed_by_medical_director"]),
        ("Confirmation", [f for f in fields[10:] if f.name == "confirmed_by_medical_director"]),
    ]
    return render(
        request,
        "decision/outcome_settings.html",
        {"form": form, "clinic": clinic, "clinics": clinics, "stored": stored, "groups": groups},
    )
