"""One patient's outcomes per course (and booster history), computed with ``remit.core.outcomes.evaluate_course`` from the database.

``load_patient_data`` reads everything in three queries (courses with their
protocols, the sessions given, the scored assessments); ``course_outcomes``
then works in memory, so a page or a rule costs the same number of queries
however long the patient's history is.

How the database maps onto the core's inputs (Remit's conventions, stated once):

* A session counts as *given* when it is signed or completed and not voided;
  its date is the local date the dose started (else the date it was booked for).
* A course owns the assessments dated before the first session of the next
  course (any modality): what happens after a retreatment belongs to it.
* ``course_end`` is the last session given of a *completed* course; the
  sessions of later courses are its retreatments.
* Every depression instrument with data is evaluated; decisions are read from
  the clinic's primary instrument when it has a baseline, else from the first
  one that has.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any, cast

from django.db.models import Q
from django.utils import timezone

from remit.core.outcomes import CourseOutcome, OutcomeInputError, OutcomeSettings, evaluate_course
from remit.measures.models import Assessment
from remit.treatment.models import Course, Session

DEPRESSION_INSTRUMENTS: tuple[str, ...] = ("phq9", "qids_sr16", "madrs", "hamd17")
INSTRUMENT_NAMES = {"phq9": "PHQ-9", "qids_sr16": "QIDS-SR16", "madrs": "MADRS", "hamd17": "HAM-D17"}


@dataclass(frozen=True)
class GivenSession:
    pk: int
    course_id: int
    modality: str
    number: int
    date: dt.date
    mg_per_kg: float | None
    dose_mg: float | None


@dataclass(frozen=True)
class Score:
    pk: int
    instrument: str
    date: dt.date
    total: int


@dataclass
class PatientData:
    courses: list[Course]
    sessions: list[GivenSession]
    scores: list[Score]

    def sessions_of(self, course_id: int) -> list[GivenSession]:
        return [s for s in self.sessions if s.course_id == course_id]

    def scores_on(self, instrument: str) -> list[Score]:
        return [s for s in self.scores if s.instrument == instrument]


def session_date(scheduled_for: dt.datetime, dose_started_at: dt.datetime | None) -> dt.date:
    return timezone.localdate(dose_started_at or scheduled_for)


def given_sessions_q() -> Q:
    return Q(voided_at__isnull=True) & (Q(signed_at__isnull=False) | Q(status=Session.COMPLETED))


def load_patient_data(patient: Any) -> PatientData:
    """Three queries: courses (with protocol), sessions given, valid scored assessments."""
    courses = list(
        Course.objects.filter(patient=patient, voided_at__isnull=True)
        .select_related("protocol")
        .order_by("id")
    )
    sessions = [
        GivenSession(
            pk=row["pk"],
            course_id=row["course_id"],
            modality=row["modality"],
            number=row["number"],
            date=session_date(row["scheduled_for"], row["dose_started_at"]),
            mg_per_kg=None if row["mg_per_kg"] is None else float(row["mg_per_kg"]),
            dose_mg=None if row["dose_mg"] is None else float(row["dose_mg"]),
        )
        for row in Session.objects.filter(given_sessions_q(), patient=patient)
        .order_by("scheduled_for", "id")
        .values(
            "pk",
            "course_id",
            "modality",
            "number",
            "scheduled_for",
            "dose_started_at",
            "mg_per_kg",
            "dose_mg",
        )
    ]
    sessions.sort(key=lambda s: (s.date, s.pk))
    scores = [
        Score(row["pk"], row["instrument"], timezone.localdate(row["taken_at"]), cast(int, row["total"]))
        for row in Assessment.objects.filter(
            patient=patient, valid=True, voided_at__isnull=True, total__isnull=False
        )
        .order_by("taken_at", "id")
        .values("pk", "instrument", "taken_at", "total")
    ]
    return PatientData(courses, sessions, scores)


@dataclass
class CourseView:
    course: Course
    sessions: list[GivenSession]
    first_session: dt.date
    last_session: dt.date
    course_end: dt.date | None
    outcomes: dict[str, CourseOutcome] = field(default_factory=dict)
    primary: str | None = None
    errors: list[str] = field(default_factory=list)

    @property
    def outcome(self) -> CourseOutcome | None:
        return self.outcomes.get(self.primary) if self.primary else None

    @property
    def sessions_given(self) -> int:
        return len(self.sessions)

    @property
    def instrument_name(self) -> str:
        return INSTRUMENT_NAMES.get(self.primary or "", self.primary or "")


def course_outcomes(data: PatientData, settings: OutcomeSettings, primary: str = "phq9") -> list[CourseView]:
    """Every course with at least one session given, oldest first, with its outcomes per instrument."""
    by_course: dict[int, list[GivenSession]] = {}
    for s in data.sessions:
        by_course.setdefault(s.course_id, []).append(s)
    started = [c for c in data.courses if by_course.get(c.pk)]
    started.sort(key=lambda c: (by_course[c.pk][0].date, c.pk))
    views: list[CourseView] = []
    for i, course in enumerate(started):
        given = by_course[course.pk]
        first, last = given[0].date, given[-1].date
        next_first = by_course[started[i + 1].pk][0].date if i + 1 < len(started) else None
        course_end = last if course.status == Course.COMPLETED else None
        retreatments = sorted(
            {
                s.date
                for other in started[i + 1 :]
                for s in by_course[other.pk]
                if course_end is not None and s.date > course_end
            }
        )
        view = CourseView(course, given, first, last, course_end)
        for code in DEPRESSION_INSTRUMENTS:
            owned = [
                (s.date, s.total) for s in data.scores_on(code) if next_first is None or s.date < next_first
            ]
            if not owned:
                continue
            try:
                view.outcomes[code] = evaluate_course(
                    code, [s.date for s in given], owned, course_end, retreatments, settings
                )
            except OutcomeInputError as error:
                view.errors.append(f"{INSTRUMENT_NAMES[code]}: {error}")
        with_baseline = [code for code, o in view.outcomes.items() if o.baseline is not None]
        if primary in with_baseline:
            view.primary = primary
        elif with_baseline:
            view.primary = with_baseline[0]
        elif view.outcomes:
            view.primary = primary if primary in view.outcomes else next(iter(view.outcomes))
        views.append(view)
    return views


@dataclass(frozen=True)
class BoosterHistory:
    """One modality's maintenance sessions and the induction dose they are compared with."""

    modality: str
    induction_mg_per_kg: float | None
    boosters: list[GivenSession]
    latest_course: Course

    @property
    def booster_dates(self) -> list[dt.date]:
        return [s.date for s in self.boosters]

    @property
    def doses(self) -> list[tuple[dt.date, float]]:
        return [(s.date, s.mg_per_kg) for s in self.boosters if s.mg_per_kg is not None]


def booster_histories(data: PatientData) -> list[BoosterHistory]:
    """Per drug modality with maintenance sessions given: boosters in date order and the induction dose.

    The induction dose is the first given session's mg/kg of the latest induction course of the same
    modality that started before the first booster (else that course's ordered mg/kg).
    """
    courses = {c.pk: c for c in data.courses}
    histories = []
    for modality in ("ketamine_iv", "ketamine_im", "esketamine"):
        boosters = [
            s
            for s in data.sessions
            if s.modality == modality
            and courses.get(s.course_id)
            and courses[s.course_id].phase == "maintenance"
        ]
        if not boosters:
            continue
        first_booster = boosters[0].date
        induction_sessions = [
            s
            for s in data.sessions
            if s.modality == modality
            and courses.get(s.course_id)
            and courses[s.course_id].phase == "induction"
            and s.date < first_booster
        ]
        induction = None
        if induction_sessions:
            last_course_id = induction_sessions[-1].course_id
            of_course = [s for s in induction_sessions if s.course_id == last_course_id]
            induction = of_course[0].mg_per_kg
            ordered = courses[last_course_id].mg_per_kg
            if induction is None and ordered is not None:
                induction = float(ordered)
        latest_course = courses[boosters[-1].course_id]
        histories.append(BoosterHistory(modality, induction, boosters, latest_course))
    return histories
