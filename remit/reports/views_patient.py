"""Per-patient outcome pages: outcomes per course, progress report PDF, booster requests, drafting a booster,
and the clinic's outcome settings.

Thin views: ``remit.reports.decision`` holds the actions (validate, write,
audit). Patients come through ``Patient.objects.visible_to`` (another
clinic's patient is a 404); a page that shows patient data writes exactly one
audit row; queries do not grow with the patient's history.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from remit.accounts.clinics import settings_clinic
from remit.accounts.decorators import recent_auth_required, staff_required
from remit.accounts.models import Clinic
from remit.alerts.models import Alert
from remit.audit import actions as audit
from remit.pages.forms import apply_validation_error
from remit.patients.lookups import visible_patient
from remit.patients.models import Patient
from remit.reports import decision
from remit.reports.models import ClinicOutcomeSettings, outcome_settings_for
from remit.reports.patient_outcomes import (
    INSTRUMENT_NAMES,
    booster_histories,
    course_outcomes,
    decision_lines,
    dose_figure,
    load_patient_data,
    point_rows,
    status_words,
    svg_data_uri,
    trajectory_figure,
)
from remit.treatment.models import Course

MODALITY_NAMES = dict(Course._meta.get_field("modality").choices)  # type: ignore[arg-type]


def build_courses(patient: Patient, *, charts: bool = True) -> dict[str, Any]:
    """The outcomes of every course (newest first) and the booster dose charts; fixed queries."""
    stored = outcome_settings_for(patient.clinic_id)
    settings = stored.to_outcome_settings()
    data = load_patient_data(patient)
    views = course_outcomes(data, settings, stored.primary_instrument)
    rows = []
    for view in reversed(views):
        badge, status = status_words(view)
        rows.append(
            {
                "view": view,
                "course": view.course,
                "modality": MODALITY_NAMES.get(view.course.modality, view.course.modality),
                "badge": badge,
                "status": status,
                "lines": decision_lines(view),
                "points": point_rows(view.outcome) if view.outcome else [],
                "chart": svg_data_uri(trajectory_figure(view, settings)) if charts and view.outcome else "",
                "other_instruments": [INSTRUMENT_NAMES[c] for c in view.outcomes if c != view.primary],
            }
        )
    doses = []
    for history in booster_histories(data):
        if not history.doses:
            continue
        title = f"{MODALITY_NAMES.get(history.modality, history.modality)} boosters"
        doses.append(
            {
                "modality": history.modality,
                "title": title,
                "induction": history.induction_mg_per_kg,
                "rows": history.doses,
                "chart": svg_data_uri(dose_figure(history.doses, history.induction_mg_per_kg, title))
                if charts
                else "",
            }
        )
    return {"course_rows": rows, "dose_rows": doses, "outcome_settings": stored, "data": data, "views": views}


@staff_required("clinical.view")
@require_GET
def patient_outcomes(request: HttpRequest, pk: int) -> HttpResponse:
    patient = visible_patient(request, pk)
    context = build_courses(patient)
    alerts = list(
        Alert.objects.filter(patient=patient, status="open", kind__in=decision.ALERT_KINDS).order_by(
            "-severity_rank", "created_at", "id"
        )[:50]
    )
    relapsed = {a.detail.get("course") for a in alerts if a.kind == "relapse" and isinstance(a.detail, dict)}
    for row in context["course_rows"]:
        row["relapse_alert"] = row["course"].pk in relapsed
    audit.record(
        audit.VIEW,
        request=request,
        obj=patient,
        patient=patient,
        detail={"page": "outcomes", "courses": len(context["course_rows"])},
    )
    context.update(
        {
            "patient": patient,
            "alerts": alerts,
            "can_plan": request.user.can("courses.plan"),  # type: ignore[union-attr]
            "can_log_request": request.user.can("clinical.edit"),  # type: ignore[union-attr]
        }
    )
    return render(request, "reports/patient_outcomes.html", context)


def section_context(patient: Patient, user: Any) -> dict[str, Any]:
    """For the patient chart page: one line per course and a link (no audit row: the chart page writes it)."""
    if not user.can("clinical.view"):
        return {"outcomes_visible": False}
    context = build_courses(patient, charts=False)
    return {
        "outcomes_visible": True,
        "outcomes_url": reverse("reports:patient", args=[patient.pk]),
        "outcomes_rows": [
            {
                "modality": r["modality"],
                "phase": r["course"].get_phase_display(),
                "badge": r["badge"],
                "status": r["status"],
                "line": r["lines"][1] if len(r["lines"]) > 1 else r["lines"][0],
            }
            for r in context["course_rows"][:5]
        ],
    }


@staff_required("clinical.view")
@recent_auth_required
@require_GET
def progress_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    from remit.reports.progress import progress_report

    patient = visible_patient(request, pk)
    purpose = (request.GET.get("purpose") or "").strip()[:200]
    pdf = progress_report(patient)
    audit.record(
        audit.DISCLOSE,
        request=request,
        obj=patient,
        patient=patient,
        detail={"document": "progress report (PDF)", "purpose": purpose or "not stated", "bytes": len(pdf)},
    )
    response = HttpResponse(pdf, content_type="application/pdf")
    stamp = timezone.localdate().isoformat()
    response["Content-Disposition"] = f'attachment; filename="progress-report-{patient.pk}-{stamp}.pdf"'
    return response


@staff_required("courses.plan")
@require_POST
def draft_booster(request: HttpRequest, pk: int, course_pk: int) -> HttpResponse:
    patient = visible_patient(request, pk)
    course = get_object_or_404(Course.objects.filter(patient=patient, voided_at__isnull=True), pk=course_pk)
    try:
        drafted = decision.draft_maintenance_course(actor=request.user, course=course, request=request)
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
                decision.log_booster_request(
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
    return render(request, "reports/patient_booster_request.html", {"patient": patient, "form": form})


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
                decision.update_outcome_settings(request.user, clinic, values, request=request)
            except ValidationError as error:
                apply_validation_error(form, error)
            else:
                messages.success(request, f"Outcome settings for {clinic.name} saved.")
                return redirect(f"{request.path}?clinic={clinic.pk}")
    else:
        form = OutcomeSettingsForm(instance=stored)
    clinics = list(Clinic.objects.filter(pk__in=request.user.clinic_ids()).order_by("name"))  # type: ignore[union-attr]
    groups = [
        ("Outcome definitions", form.visible_fields()[:10]),
        ("Decision support", form.visible_fields()[10:25]),
        ("Confirmation", form.visible_fields()[25:]),
    ]
    return render(
        request,
        "reports/patient_outcome_settings.html",
        {"form": form, "clinic": clinic, "clinics": clinics, "stored": stored, "groups": groups},
    )
