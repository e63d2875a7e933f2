"""A patient's progress report as a PDF (matplotlib ``PdfPages``), for a referring clinician or a payer.

Contents: the patient's identity (the recipient needs it), diagnoses,
treatment-resistance history (failed adequate antidepressant trials), the
latest signed screening's decisions, per course the sessions given,
baseline and current scores, the decisions in words and the trajectory chart,
and the patient's requests to amend the record with the decisions and statements
(45 CFR 164.526(c)(3), (d)(5): they go with the part of the record they concern).

The caller audits the generation as a disclosure (``views_patient.progress_pdf``).
"""

from __future__ import annotations

from typing import Any

from django.utils import timezone

from remit.amendments.models import AmendmentRequest
from remit.decision.course_outcomes import course_outcomes, load_patient_data
from remit.decision.models import outcome_settings_for
from remit.patients.models import AntidepressantTrial, Diagnosis, Patient
from remit.reports.patient_outcomes import decision_lines, status_words, trajectory_figure
from remit.screening.models import MODALITY_LABELS, Screening
from remit.treatment.models import Course

MODALITY_NAMES = dict(Course._meta.get_field("modality").choices)  # type: ignore[arg-type]


Item = tuple[str, Any, dict[str, Any]]


def progress_content(patient: Patient) -> list[Item]:
    """What the report says, in order: ("line" | "heading" | "chart", text or figure, options)."""
    stored = outcome_settings_for(patient.clinic_id)
    settings = stored.to_outcome_settings()
    views = course_outcomes(load_patient_data(patient), settings, stored.primary_instrument)
    diagnoses = list(Diagnosis.objects.filter(patient=patient, voided_at__isnull=True).order_by("code", "id"))
    trials = list(
        AntidepressantTrial.objects.filter(patient=patient, voided_at__isnull=True).order_by(
            "started_on", "id"
        )
    )
    screening = (
        Screening.objects.signed()
        .filter(patient=patient)
        .select_related("signed_by")
        .prefetch_related("decisions")
        .order_by("-signed_at", "-id")
        .first()
    )
    amendments = list(AmendmentRequest.objects.filter(patient=patient).order_by("requested_at", "id")[:200])
    amended_diagnoses = {
        a.diagnosis_id for a in amendments if a.part == AmendmentRequest.DIAGNOSIS and a.status == "accepted"
    }
    today = timezone.localdate()
    items: list[Item] = []

    def line(text: str, **options: Any) -> None:
        items.append(("line", text, options))

    def heading(text: str) -> None:
        items.append(("heading", text, {}))

    line("Progress report", size=16, bold=True, gap=0.02)
    line(f"{patient.clinic.name} · prepared {today:%Y-%m-%d}")
    line(
        f"Patient: {patient.given_name} {patient.family_name} · MRN {patient.mrn} · "
        f"born {patient.date_of_birth:%Y-%m-%d} ({patient.age_on(today)} years)",
        size=10,
        bold=True,
    )
    line("Confidential: contains protected health information. Its release is recorded.", size=8)

    heading("Diagnoses")
    for d in diagnoses:
        amended = " (amended: see the requests to amend the record)" if d.pk in amended_diagnoses else ""
        line(f"{d.code} {d.description} ({d.get_status_display().lower()}){amended}", indent=0.02)
    if not diagnoses:
        line("None recorded.", indent=0.02)

    heading("Treatment-resistance history")
    failed = [t for t in trials if t.failed_adequate]
    line(
        f"{len(failed)} failed adequate antidepressant trial{'s' if len(failed) != 1 else ''} "
        f"({len(trials)} trial{'s' if len(trials) != 1 else ''} recorded).",
        indent=0.02,
    )
    for t in failed:
        started = f", from {t.started_on:%Y-%m}" if t.started_on else ""
        line(
            f"{t.drug} up to {t.max_daily_dose_mg.normalize():f} mg/day for {t.weeks} weeks{started}: "
            f"{t.get_outcome_display().lower()}",
            indent=0.04,
        )

    heading("Screening decision")
    if screening is None:
        line("No signed screening.", indent=0.02)
    else:
        signer = screening.signed_by
        who = (signer.get_full_name() or signer.get_username()) if signer is not None else "unknown"
        line(f"Signed {timezone.localdate(screening.signed_at):%Y-%m-%d} by {who}.", indent=0.02)
        choices = {d.modality: d for d in screening.decisions.all()}
        for modality, result in (screening.result or {}).items():
            choice = choices.get(modality)
            words = f"{MODALITY_LABELS.get(modality, modality)}: evaluated {result.get('decision')}"
            if choice is not None:
                words += f"; prescriber: {choice.get_decision_display().lower()}"
            line(words, indent=0.04)

    heading("Treatment courses")
    if not views:
        line("No sessions given yet.", indent=0.02)
    for view in reversed(views):
        course = view.course
        _, status = status_words(view)
        line(
            f"{MODALITY_NAMES.get(course.modality, course.modality)}, {course.get_phase_display().lower()} "
            f"({course.get_status_display().lower()}): {status}",
            size=10,
            bold=True,
        )
        dates = ", ".join(f"{s.date:%m-%d}" for s in view.sessions)
        line(
            f"{view.sessions_given} session{'s' if view.sessions_given != 1 else ''} given, "
            f"{view.first_session:%Y-%m-%d} to {view.last_session:%Y-%m-%d} ({dates}).",
            indent=0.02,
        )
        for text in decision_lines(view):
            line(text, indent=0.02)
        if view.outcome is not None:
            items.append(("chart", trajectory_figure(view, settings), {}))
    if amendments:
        heading("Requests to amend the record")
        line(
            "The patient's requests to amend their record, with the clinic's decisions and any statements; "
            "an amended part keeps its original wording, with the amendment appended.",
            size=8,
            indent=0.02,
        )
        for a in amendments:
            line(f"{a.part_label}: {a.get_status_display().lower()}", size=10, bold=True, indent=0.02)
            line(f"Asked {timezone.localdate(a.requested_at):%Y-%m-%d}: {a.request_text}", indent=0.04)
            if a.status == AmendmentRequest.OPEN:
                line(f"Decision due by {a.due_on:%Y-%m-%d}.", indent=0.04)
            if a.status == AmendmentRequest.ACCEPTED and a.decided_at is not None:
                line(
                    f"Amendment ({timezone.localdate(a.decided_at):%Y-%m-%d}): {a.amendment_text}",
                    indent=0.04,
                )
            if a.status == AmendmentRequest.DENIED and a.decided_at is not None:
                line(
                    f"Denied {timezone.localdate(a.decided_at):%Y-%m-%d}. Reason: {a.denial_reason}",
                    indent=0.04,
                )
            if a.disagreement_text and a.disagreement_at is not None:
                line(
                    f"Patient's statement of disagreement ({timezone.localdate(a.disagreement_at):%Y-%m-%d}): "
                    f"{a.disagreement_text}",
                    indent=0.04,
                )
            if a.rebuttal_text and a.rebuttal_at is not None:
                line(
                    f"Clinic's rebuttal ({timezone.localdate(a.rebuttal_at):%Y-%m-%d}): {a.rebuttal_text}",
                    indent=0.04,
                )
    line(
        "Response = at least 50% improvement from baseline; remission per instrument threshold "
        "(PHQ-9 < 5). Thresholds are the clinic's settings.",
        size=7,
    )
    return items


def progress_report(patient: Patient) -> bytes:
    """US Letter portrait (A4 with ``REMIT_PAPER_SIZE``), the clinic, title and patient on every page."""
    from django.conf import settings as django_settings

    from remit.plotting import Document, Flow

    items = progress_content(patient)
    document = Document(
        title="Progress report",
        clinic=patient.clinic.name,
        patient=f"{patient.given_name} {patient.family_name} · MRN {patient.mrn} · "
        f"born {patient.date_of_birth:%Y-%m-%d}",
        paper=django_settings.REMIT_PAPER_SIZE,
    )
    flow = Flow(document)
    for kind, value, options in items:
        if kind == "heading":
            flow.heading(value)
        elif kind == "chart":
            flow.image(value)
        else:
            options = {k: v for k, v in options.items() if k != "gap"}
            flow.line(value, **options)
    return document.render({"Title": "Progress report"})
