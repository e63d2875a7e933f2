"""The outcome report's data: a fixed number of queries, streamed patient by patient.

Five queries load everything, whatever the number of patients: the filtered
courses, the given sessions of those courses' patients (every course of theirs,
so a later course counts as a retreatment even when the filter leaves it out),
their valid scores on the primary instrument, their CADSS ratings and their
failed adequate antidepressant trials. Each is ordered by patient and read with
a server-side cursor (``.iterator()``), and the five streams are merged one
patient at a time, so memory holds one patient's rows plus a small summary per
course, never the whole network.

Per course the clinical core (:func:`remit.core.outcomes.evaluate_course`)
classifies the trajectory; :mod:`remit.reports.report` turns the summaries into
the clinic figures with :mod:`remit.core.analytics`.
"""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from operator import itemgetter
from typing import Any

from django.db.models import Count, QuerySet
from django.db.models.functions import TruncDate

from remit.core.instruments import get_instrument
from remit.core.outcomes import OutcomeInputError, OutcomeSettings, evaluate_course
from remit.measures.models import Assessment
from remit.patients.models import AntidepressantTrial
from remit.treatment.models import Course, Session

CHUNK = 5000
CADSS_CODES = ("cadss", "cadss6")
SESSION_LINK = "treatment.session"
# Instruments whose remission thresholds the outcome engine knows (remit.core.outcomes).
REPORT_INSTRUMENTS = [
    ("phq9", "PHQ-9"),
    ("qids_sr16", "QIDS-SR16"),
    ("madrs", "MADRS"),
    ("hamd17", "HAM-D17"),
]
NO_BASELINE = "no baseline"


@dataclass(frozen=True)
class ReportFilter:
    """What the report covers. ``clinic_ids`` is already limited to what the reader may see."""

    clinic_ids: tuple[int, ...]
    date_from: dt.date | None = None
    date_to: dt.date | None = None
    modality: str = ""
    protocol: str = ""
    prescriber_id: int | None = None
    instrument: str = "phq9"

    def as_dict(self) -> dict[str, Any]:
        return {
            "clinic_ids": list(self.clinic_ids),
            "date_from": self.date_from.isoformat() if self.date_from else None,
            "date_to": self.date_to.isoformat() if self.date_to else None,
            "modality": self.modality or None,
            "protocol": self.protocol or None,
            "prescriber_id": self.prescriber_id,
            "instrument": self.instrument,
        }


@dataclass(slots=True)
class CourseSummary:
    """What the clinic figures need of one induction course; the trajectory itself is not kept."""

    course_id: int
    modality: str
    protocol: str
    status: str
    completed_courses: bool
    baseline_total: int | None
    baseline_band: str
    failed_trials: int
    end_total: int | None
    end_pct_change: float | None
    end_response: bool | None
    end_remission: bool | None
    durability_days: int | None
    durability_event: str | None
    peak_cadss: int | None
    onset: tuple[tuple[int, bool | None], ...]


@dataclass
class CurveAccumulator:
    """Response and remission by session number, built one course at a time.

    Same rule as :func:`remit.core.analytics.session_curve`: each course counts
    once per number of sessions given before an assessment, by its last
    assessment at that number; response unknown (no baseline) leaves it out of
    the response denominator only.
    """

    counts: dict[int, list[int]] = field(default_factory=dict)

    def add(self, points: Iterable[Any]) -> None:
        last: dict[int, tuple[bool | None, bool]] = {}
        for p in points:
            if p.sessions_before >= 1:
                last[p.sessions_before] = (p.response, p.remission)
        for number, (response, remission) in last.items():
            row = self.counts.setdefault(number, [0, 0, 0, 0])  # n, response known, responders, remitters
            row[0] += 1
            if response is not None:
                row[1] += 1
                row[2] += int(response)
            row[3] += int(remission)


@dataclass
class LoadedData:
    statuses: list[str] = field(default_factory=list)
    reasons: list[str | None] = field(default_factory=list)
    maintenance_started: int = 0
    courses: list[CourseSummary] = field(default_factory=list)
    curve: CurveAccumulator = field(default_factory=CurveAccumulator)
    without_sessions: int = 0
    skipped_scores: int = 0
    errors: int = 0


def course_queryset(f: ReportFilter) -> QuerySet[Course]:
    """Courses in the report: started (not merely planned) in the date range, matching the filter."""
    qs = Course.objects.filter(clinic_id__in=f.clinic_ids, voided_at__isnull=True).exclude(
        status=Course.PLANNED
    )
    if f.date_from:
        qs = qs.filter(start_date__gte=f.date_from)
    if f.date_to:
        qs = qs.filter(start_date__lte=f.date_to)
    if f.modality:
        qs = qs.filter(modality=f.modality)
    if f.protocol:
        qs = qs.filter(protocol__code=f.protocol)
    if f.prescriber_id:
        qs = qs.filter(prescriber_id=f.prescriber_id)
    return qs


def _streams(f: ReportFilter) -> tuple[Iterator[Any], ...]:
    courses = course_queryset(f)
    patients = courses.values("patient_id")
    course_rows = (
        courses.order_by("patient_id", "start_date", "id")
        .values_list(
            "patient_id", "id", "modality", "phase", "status", "discontinue_reason", "protocol__code"
        )
        .iterator(chunk_size=CHUNK)
    )
    session_rows = (
        Session.objects.filter(
            patient_id__in=patients,
            voided_at__isnull=True,
            status=Session.COMPLETED,
            course__voided_at__isnull=True,
        )
        .annotate(day=TruncDate("scheduled_for"))
        .order_by("patient_id", "scheduled_for", "id")
        .values_list("patient_id", "course_id", "id", "day")
        .iterator(chunk_size=CHUNK)
    )
    scores = Assessment.objects.filter(
        patient_id__in=patients, valid=True, voided_at__isnull=True, total__isnull=False
    ).annotate(day=TruncDate("taken_at"))
    score_rows = (
        scores.filter(instrument=f.instrument)
        .order_by("patient_id", "taken_at", "id")
        .values_list("patient_id", "day", "total")
        .iterator(chunk_size=CHUNK)
    )
    cadss_rows = (
        scores.filter(instrument__in=CADSS_CODES)
        .order_by("patient_id", "taken_at", "id")
        .values_list("patient_id", "day", "total", "session_type", "session_id")
        .iterator(chunk_size=CHUNK)
    )
    trial_rows = (
        AntidepressantTrial.objects.filter(
            patient_id__in=patients,
            adequate=True,
            outcome__in=("no_response", "partial"),
            voided_at__isnull=True,
        )
        .values("patient_id")
        .annotate(n=Count("id"))
        .order_by("patient_id")
        .values_list("patient_id", "n")
        .iterator(chunk_size=CHUNK)
    )
    return course_rows, session_rows, score_rows, cadss_rows, trial_rows


class _PatientCursor:
    """Rows of one ordered-by-patient stream, handed out a patient at a time."""

    def __init__(self, rows: Iterator[Any]) -> None:
        self._groups = itertools.groupby(rows, key=itemgetter(0))
        self._head = next(self._groups, None)

    def take(self, patient_id: int) -> list[Any]:
        while self._head is not None and self._head[0] < patient_id:
            self._head = next(self._groups, None)
        if self._head is not None and self._head[0] == patient_id:
            rows = list(self._head[1])
            self._head = next(self._groups, None)
            return rows
        return []


def _band_lookup(instrument: str) -> list[str]:
    definition = get_instrument(instrument)
    names = []
    for total in range(definition.total_max + 1):
        band = next(
            (
                b.name
                for b in definition.bands
                if b.low is not None and b.high is not None and b.low <= total <= b.high
            ),
            "",
        )
        names.append(band)
    return names


def band_order(instrument: str) -> list[str]:
    return [b.name for b in get_instrument(instrument).bands] + [NO_BASELINE]


def load(f: ReportFilter, settings: OutcomeSettings | None = None) -> LoadedData:
    """Per-course summaries and the curve for the filter, in a fixed number of queries."""
    settings = settings or OutcomeSettings()
    rule = settings.instruments[f.instrument]
    bands = _band_lookup(f.instrument)
    grace = dt.timedelta(days=settings.end_of_induction_grace_days)
    data = LoadedData()
    course_rows, session_rows, score_rows, cadss_rows, trial_rows = _streams(f)
    sessions, scores, cadss, trials = (
        _PatientCursor(session_rows),
        _PatientCursor(score_rows),
        _PatientCursor(cadss_rows),
        _PatientCursor(trial_rows),
    )
    for patient_id, group in itertools.groupby(course_rows, key=itemgetter(0)):
        courses = list(group)
        days_by_course: dict[int, list[dt.date]] = {}
        course_of_session: dict[str, int] = {}
        for _, course_id, session_id, day in sessions.take(patient_id):
            days_by_course.setdefault(course_id, []).append(day)
            course_of_session[str(session_id)] = course_id
        first_day = {cid: min(days) for cid, days in days_by_course.items()}
        patient_scores = []
        for _, day, total in scores.take(patient_id):
            if 0 <= total <= rule.max_total:
                patient_scores.append((day, total))
            else:
                data.skipped_scores += 1
        patient_cadss = cadss.take(patient_id)
        trial_rows_ = trials.take(patient_id)
        failed = trial_rows_[0][1] if trial_rows_ else 0

        for _, course_id, modality, phase, status, reason, protocol in courses:
            if phase != "induction":
                data.maintenance_started += 1
                continue
            # Started / completed / discontinued count induction courses; boosters are counted apart.
            data.statuses.append(status)
            data.reasons.append(reason or None)
            days = sorted(days_by_course.get(course_id, []))
            if not days:
                data.without_sessions += 1
                continue
            last = days[-1]
            completed = status == Course.COMPLETED
            course_end = last if completed else None
            retreatments = sorted(d for cid, d in first_day.items() if cid != course_id and d > last)
            cutoff = retreatments[0] if retreatments else None
            trajectory = [a for a in patient_scores if cutoff is None or a[0] < cutoff]
            try:
                outcome = evaluate_course(
                    f.instrument, days, trajectory, course_end, retreatments if completed else [], settings
                )
            except OutcomeInputError:
                data.errors += 1
                continue
            # The curve is "during induction": follow-up after the course belongs to durability.
            data.curve.add(p for p in outcome.points if p.date <= last + grace)
            day_set = set(days)
            peak = max(
                (
                    total
                    for _, day, total, link_type, link_id in patient_cadss
                    if (link_type == SESSION_LINK and course_of_session.get(link_id) == course_id)
                    or (not link_type and not link_id and day in day_set)
                ),
                default=None,
            )
            end = outcome.end_of_induction
            base = outcome.baseline
            data.courses.append(
                CourseSummary(
                    course_id=course_id,
                    modality=modality,
                    protocol=protocol,
                    status=status,
                    completed_courses=completed,
                    baseline_total=None if base is None else base.total,
                    baseline_band=NO_BASELINE if base is None else (bands[base.total] or NO_BASELINE),
                    failed_trials=failed,
                    end_total=None if end is None else end.total,
                    end_pct_change=None if end is None else end.pct_change,
                    end_response=None if end is None else end.response,
                    end_remission=None if end is None else end.remission,
                    durability_days=None if outcome.durability is None else outcome.durability.days,
                    durability_event=None if outcome.durability is None else outcome.durability.event,
                    peak_cadss=peak,
                    onset=tuple((c.day, c.responded) for c in outcome.onset),
                )
            )
    return data
