"""Building blocks for the per-patient outcome and decision-support tests: courses, sessions, scores."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.utils import timezone

from remit.measures.actions_assessments import record_assessment
from remit.measures.models import Assessment
from remit.treatment.actions_courses import ensure_protocols
from remit.treatment.models import Course, Protocol, Session

TODAY = dt.date.today


def day(offset: int) -> dt.date:
    """A date ``offset`` days from today (negative: in the past)."""
    return timezone.localdate() + dt.timedelta(days=offset)


def at_noon(d: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(d, dt.time(12, 0)))


def answered_on(d: dt.date, hour: int = 10) -> dt.datetime:
    """``hour`` o'clock on ``d``, or a minute ago when that is still to come today (an answer time may not
    be in the future)."""
    moment = timezone.make_aware(dt.datetime.combine(d, dt.time(hour, 0)))
    return min(moment, timezone.now() - dt.timedelta(minutes=1))


def protocol(clinic: Any, code: str) -> Protocol:
    ensure_protocols(clinic)
    return Protocol.objects.get(clinic=clinic, code=code, is_active=True)


CODES = {
    ("ketamine_iv", "induction"): "ketamine_iv_induction",
    ("ketamine_iv", "maintenance"): "ketamine_iv_maintenance",
    ("ketamine_im", "induction"): "ketamine_im_induction",
    ("esketamine", "induction"): "esketamine_induction",
    ("esketamine", "maintenance"): "esketamine_maintenance",
    ("tms", "induction"): "tms_10hz",
}


def make_course(
    world: Any,
    patient: Any,
    dates: list[dt.date],
    *,
    modality: str = "ketamine_iv",
    phase: str = "induction",
    status: str = Course.ACTIVE,
    mg_per_kg: list[str] | str | None = "0.50",
    planned: int | None = None,
) -> Course:
    """A course with one completed (not signed, so no event) session per date."""
    drug = modality in ("ketamine_iv", "ketamine_im")
    course = Course.objects.create(
        patient=patient,
        clinic=patient.clinic,
        modality=modality,
        phase=phase,
        protocol=protocol(patient.clinic, CODES[(modality, phase)]),
        planned_sessions=planned or max(len(dates), 1),
        status=status,
        created_by=world.users["prescriber"],
        start_date=dates[0] if dates else timezone.localdate(),
        end_date=dates[-1] if dates and status == Course.COMPLETED else None,
        mg_per_kg=Decimal(mg_per_kg if isinstance(mg_per_kg, str) else "0.50") if drug else None,
    )
    doses = mg_per_kg if isinstance(mg_per_kg, list) else [mg_per_kg] * len(dates)
    for number, (d, dose) in enumerate(zip(dates, doses, strict=True), start=1):
        Session.objects.create(
            course=course,
            patient=patient,
            clinic=patient.clinic,
            modality=modality,
            number=number,
            scheduled_for=at_noon(d),
            dose_started_at=at_noon(d),
            status=Session.COMPLETED,
            mg_per_kg=Decimal(dose) if drug and dose else None,
        )
    return course


def phq9_answers(total: int) -> dict[str, int]:
    """PHQ-9 answers adding to ``total`` (at most 24) with item 9 at 0, so no suicidal-ideation alert."""
    assert 0 <= total <= 24
    answers = {}
    left = total
    for n in range(1, 9):
        answers[f"q{n}"] = min(3, left)
        left -= answers[f"q{n}"]
    answers["q9"] = 0
    answers["q10"] = 0
    return answers


def phq9(world: Any, patient: Any, d: dt.date, total: int, *, signal: bool = False) -> Assessment:
    """A PHQ-9 of ``total`` on ``d``: through ``record_assessment`` (its event runs the rules) or stored quietly."""
    if signal:
        return record_assessment(
            patient=patient,
            instrument="phq9",
            answers=phq9_answers(total),
            respondent=Assessment.CLINICIAN,
            actor=world.users["nurse"],
            taken_at=answered_on(d, 10),
        )
    rows = Assessment.objects.bulk_create(
        [
            Assessment(
                patient=patient,
                instrument="phq9",
                instrument_version="1",
                answers=phq9_answers(total),
                total=total,
                max_total=27,
                valid=True,
                respondent=Assessment.PATIENT,
                taken_at=at_noon(d) - dt.timedelta(hours=2),
            )
        ]
    )
    return rows[0]


def scores(world: Any, patient: Any, totals: list[tuple[int, int]]) -> None:
    """Quiet PHQ-9s from (day offset, total) pairs."""
    for offset, total in totals:
        phq9(world, patient, day(offset), total)


def dast10(world: Any, patient: Any, d: dt.date, yes: int) -> Assessment:
    answers = {f"q{n}": 0 for n in range(1, 11)}
    answers["q3"] = 1  # item 3 is reverse-scored: "able to stop" yes = 0 points
    for n in [1, 2, 4, 5, 6, 7, 8, 9, 10][:yes]:
        answers[f"q{n}"] = 1
    return record_assessment(
        patient=patient,
        instrument="dast10",
        answers=answers,
        respondent=Assessment.CLINICIAN,
        actor=world.users["nurse"],
        taken_at=answered_on(d, 12),
    )
