"""Courses, sessions and scores built straight with the models, for the report's tests."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from django.utils import timezone

from remit.measures.models import Assessment
from remit.patients.models import AntidepressantTrial
from remit.testing import make_patient
from remit.treatment.models import Course, Protocol, Session

START = dt.date(2026, 1, 5)
IV_DAYS = (0, 2, 4, 7, 9, 11)  # six infusions over twelve days


def at(day: dt.date, hour: int = 9) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour, 0)))


def protocol(clinic: Any, user: Any, modality: str = "ketamine_iv", phase: str = "induction") -> Protocol:
    code = f"{modality}-{phase}"
    found = Protocol.objects.filter(clinic=clinic, code=code).first()
    if found:
        return found
    return Protocol.objects.create(
        clinic=clinic,
        code=code,
        version=1,
        name=f"{modality} {phase}",
        modality=modality,
        phase=phase,
        definition={},
        created_by=user,
    )


def course(
    patient: Any,
    user: Any,
    *,
    start: dt.date = START,
    day_offsets: Sequence[int] = IV_DAYS,
    modality: str = "ketamine_iv",
    phase: str = "induction",
    status: str = Course.COMPLETED,
    discontinue_reason: str = "",
    prescriber: Any = None,
) -> tuple[Course, list[Session]]:
    c = Course.objects.create(
        patient=patient,
        clinic=patient.clinic,
        modality=modality,
        phase=phase,
        protocol=protocol(patient.clinic, user, modality, phase),
        planned_sessions=max(1, len(day_offsets)),
        status=status,
        discontinue_reason=discontinue_reason,
        prescriber=prescriber or user,
        created_by=user,
        start_date=start,
    )
    sessions = [
        Session.objects.create(
            course=c,
            patient=patient,
            clinic=patient.clinic,
            modality=modality,
            number=i + 1,
            scheduled_for=at(start + dt.timedelta(days=off)),
            status=Session.COMPLETED,
        )
        for i, off in enumerate(day_offsets)
    ]
    return c, sessions


def score(
    patient: Any, day: dt.date, total: int, instrument: str = "phq9", session: Session | None = None
) -> Assessment:
    return Assessment.objects.create(
        patient=patient,
        instrument=instrument,
        instrument_version="1",
        total=total,
        valid=True,
        respondent=Assessment.PATIENT,
        session_type="treatment.session" if session else "",
        session_id=str(session.pk) if session else "",
        taken_at=at(day, 8),
    )


def failed_trials(patient: Any, n: int) -> None:
    for i in range(n):
        AntidepressantTrial.objects.create(
            patient=patient,
            drug=f"drug{i}",
            max_daily_dose_mg=20,
            weeks=8,
            adequate=True,
            outcome="no_response",
        )


def induction_course(
    clinic: Any,
    user: Any,
    *,
    baseline: int = 20,
    during: Sequence[int] = (16, 12, 10),
    end: int | None = 8,
    followups: Sequence[tuple[int, int]] = (),
    retreat_after: int | None = None,
    cadss: Sequence[int] = (),
    start: dt.date = START,
    modality: str = "ketamine_iv",
    status: str = Course.COMPLETED,
    trials: int = 0,
    **course_kwargs: Any,
) -> tuple[Any, Course]:
    """One patient with one induction course.

    ``during`` are PHQ-9 totals taken before sessions 2, 3, ...; ``end`` is taken 2 days after the last
    session; ``followups`` are (days after the last session, total); ``retreat_after`` starts a booster
    that many days after the last session; ``cadss`` are CADSS totals linked to sessions 1, 2, ...
    """
    patient = make_patient(clinic)
    c, sessions = course(patient, user, start=start, modality=modality, status=status, **course_kwargs)
    day = lambda s: timezone.localtime(s.scheduled_for).date()  # noqa: E731
    score(patient, start - dt.timedelta(days=2), baseline)
    for s, total in zip(sessions[1:], during, strict=False):
        score(patient, day(s), total, session=s)
    last = day(sessions[-1])
    if end is not None:
        score(patient, last + dt.timedelta(days=2), end)
    for after, total in followups:
        score(patient, last + dt.timedelta(days=after), total)
    for s, total in zip(sessions, cadss, strict=False):
        score(patient, day(s), total, instrument="cadss", session=s)
    if retreat_after is not None:
        course(
            patient,
            user,
            start=last + dt.timedelta(days=retreat_after),
            day_offsets=(0,),
            phase="maintenance",
        )
    failed_trials(patient, trials)
    return patient, c
