"""Per-patient outcome pages: outcomes per course, the chart's outcomes section, the progress report PDF.

Patients come through ``Patient.objects.visible_to`` (another clinic's
patient is a 404); a page that shows patient data writes exactly one audit
row; queries do not grow with the patient's history. Booster requests,
drafting a maintenance course and the outcome settings are decision support's
pages (``remit.decision.views``).
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET

from remit.accounts.decorators import recent_auth_required, staff_required
from remit.alerts.models import Alert
from remit.audit import actions as audit
from remit.decision.course_outcomes import (
    INSTRUMENT_NAMES,
    booster_histories,
    course_outcomes,
    load_patient_data,
)
from remit.decision.models import outcome_settings_for
from remit.decision.rules import ALERT_KINDS
from remit.patients.access import emergency_readable
from remit.patients.lookups import visible_patient
from remit.patients.models import Patient
from remit.reports.patient_outcomes import (
    decision_lines,
    dose_figure,
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
@emergency_readable
@require_GET
def patient_outcomes(request: HttpRequest, pk: int) -> HttpResponse:
    patient = visible_patient(request, pk)
    context = build_courses(patient)
    alerts = list(
        Alert.objects.filter(patient=patient, status="open", kind__in=ALERT_KINDS).order_by(
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
            "can_plan": request.user.can("courses.plan", patient.clinic_id),  # type: ignore[union-attr]
            "can_log_request": request.user.can("clinical.edit", patient.clinic_id),  # type: ignore[union-attr]
        }
    )
    return render(request, "reports/patient_outcomes.html", context)


def section_context(patient: Patient, user: Any) -> dict[str, Any]:
    """For the patient chart page: one line per course and a link (no audit row: the chart page writes it)."""
    if not user.can("clinical.view", patient.clinic_id):
        return {"outcomes_visible": False}
    context = build_courses(patient, charts=False)
    # The latest course's trajectory, drawn inline with the outcome pages' own chart (the newest course is first).
    latest = next((r for r in context["course_rows"] if r["view"].outcome), None)
    trajectory = (
        svg_data_uri(trajectory_figure(latest["view"], context["outcome_settings"].to_outcome_settings()))
        if latest
        else ""
    )
    return {
        "outcomes_visible": True,
        "outcomes_url": reverse("reports:patient", args=[patient.pk]),
        "outcomes_trajectory": trajectory,
        "outcomes_trajectory_course": latest["modality"] if latest else "",
        "outcomes_trajectory_instrument": latest["view"].instrument_name if latest else "",
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
    recipient = (request.GET.get("recipient") or "").strip()[:200]
    pdf = progress_report(patient)
    audit.record(
        audit.DISCLOSE,
        request=request,
        obj=patient,
        patient=patient,
        detail={
            "document": "progress report (PDF)",
            "recipient": recipient or "not stated",
            "purpose": purpose or "not stated",
            "bytes": len(pdf),
        },
    )
    response = HttpResponse(pdf, content_type="application/pdf")
    stamp = timezone.localdate().isoformat()
    response["Content-Disposition"] = f'attachment; filename="progress-report-{patient.pk}-{stamp}.pdf"'
    return response
