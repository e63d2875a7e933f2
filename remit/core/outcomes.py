"""Per-course outcomes: baseline, change, response, remission, relapse, durability.

One function, :func:`evaluate_course`, turns the dates of a course's sessions
and the totals of one instrument into the figures a clinician asks for: "is it
working, and does it last?". Definitions and their sources are in
``clinical-reference.md`` §2 and §6; every threshold lives in
:class:`OutcomeSettings` so a clinic or protocol can change it.

Conventions (chosen here, documented once):

* ``pct_change`` is the *improvement* as a fraction of baseline,
  ``(baseline - total) / baseline`` (clinical-reference §2): 0.5 means a 50 %
  drop, negative values mean the score went up. It is undefined (``None``) when
  the baseline total is 0, and such a point is never a response (there is no
  room to halve a zero score).
* An assessment dated the same day as the first session counts as baseline,
  never as a point: questionnaires are taken before the dose.
* Without a baseline (none within the window) response, partial response and
  worsening cannot be judged and are ``None``; remission, an absolute
  threshold, is still judged.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from fractions import Fraction
from functools import lru_cache
from typing import Literal

DurabilityEvent = Literal["retreatment", "relapse", "censored"]


class OutcomeInputError(ValueError):
    """Bad input to the outcome engine; ``field`` names the offending item."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(f"{field}: {message}")
        self.field = field
        self.message = message


@dataclass(frozen=True)
class InstrumentRule:
    """Outcome thresholds for one instrument.

    Remission is expressed as "total at or below N" for every instrument, so
    PHQ-9 "< 5" is stored as 4.
    """

    max_total: int
    remission_at_or_below: int
    remission_source: str
    # Minimal clinically important difference for an individual; None where no
    # source gives one, in which case worsening is not judged.
    worsening_mcid_points: int | None
    worsening_source: str | None


DEFAULT_INSTRUMENT_RULES: Mapping[str, InstrumentRule] = {
    "phq9": InstrumentRule(
        max_total=27,
        remission_at_or_below=4,
        remission_source="PHQ-9 remission = total < 5: McInnes 2022 (J Affect Disord); SUSTAIN-3 (PMC10439056)",
        worsening_mcid_points=5,
        worsening_source="PHQ-9 individual MCID 5 points (2 x SEM): Löwe et al. 2004, Med Care",
    ),
    "qids_sr16": InstrumentRule(
        max_total=27,
        remission_at_or_below=5,
        remission_source="QIDS-SR16 remission <= 5: Trivedi 2006 (STAR*D), Am J Psychiatry 163:28",
        worsening_mcid_points=None,
        worsening_source=None,
    ),
    "hamd17": InstrumentRule(
        max_total=52,
        remission_at_or_below=7,
        remission_source="HAM-D17 remission <= 7: Trivedi 2006 (STAR*D); Frank 1991 consensus",
        worsening_mcid_points=None,
        worsening_source=None,
    ),
    "madrs": InstrumentRule(
        max_total=60,
        remission_at_or_below=10,
        remission_source=(
            "MADRS remission <= 10: Ekstrand 2022 (KetECT), NCT04338321; "
            "SUSTAIN-3 used <= 12 and SAINT < 11 - set per protocol"
        ),
        worsening_mcid_points=None,
        worsening_source=None,
    ),
}

RESPONSE_SOURCE = "Response = >= 50% drop from baseline: Trivedi 2006 (STAR*D); McInnes 2022; Williams 2018"
PARTIAL_RESPONSE_SOURCE = (
    "Partial response 25-50% drop: common convention, [UNVERIFIED] as a standard (clinical-reference §2)"
)
RELAPSE_SOURCE = (
    "Remit's own default: after response or remission, no benefit on 2 consecutive assessments "
    "at least 5 days apart. SUSTAIN-1 (Daly 2019) definitions were not found (clinical-reference §8); "
    "a clinic setting"
)


@dataclass(frozen=True)
class OutcomeSettings:
    """Thresholds for classifying a course; per clinic or per protocol."""

    response_fraction: float = 0.5
    """Improvement at or above this fraction is a response. Source: RESPONSE_SOURCE."""
    partial_response_fraction: float = 0.25
    """Improvement in [this, response_fraction) is a partial response. Source: PARTIAL_RESPONSE_SOURCE."""
    instruments: Mapping[str, InstrumentRule] = field(default_factory=lambda: dict(DEFAULT_INSTRUMENT_RULES))
    baseline_window_days: int = 30
    """A baseline must be dated at most this many days before the first session (an example default)."""
    relapse_assessments: int = 2
    """Consecutive assessments without benefit that make a relapse. Source: RELAPSE_SOURCE."""
    relapse_min_days_apart: int = 5
    """Days between the first and the confirming assessment of a relapse. Source: RELAPSE_SOURCE."""
    onset_days: tuple[int, ...] = (1, 3, 7)
    """Days after the first dose on which rapid onset is looked for (Williams 2018 measured days 1 and 3)."""
    end_of_induction_grace_days: int = 7
    """The end-of-induction point is the last assessment up to this many days after the course ends.
    Example value (Remit's convention), to be confirmed by the medical director."""

    def __post_init__(self) -> None:
        if not 0 < self.response_fraction <= 1:
            raise OutcomeInputError("settings.response_fraction", "must be in (0, 1]")
        if not 0 < self.partial_response_fraction < self.response_fraction:
            raise OutcomeInputError(
                "settings.partial_response_fraction", "must be above 0 and below response_fraction"
            )
        if self.baseline_window_days < 0:
            raise OutcomeInputError("settings.baseline_window_days", "must not be negative")
        if self.relapse_assessments < 1:
            raise OutcomeInputError("settings.relapse_assessments", "must be at least 1")
        if self.relapse_min_days_apart < 0:
            raise OutcomeInputError("settings.relapse_min_days_apart", "must not be negative")

    def with_remission(self, instrument: str, at_or_below: int, source: str) -> OutcomeSettings:
        """A copy with a protocol's own remission threshold (e.g. MADRS <= 12, SUSTAIN-3)."""
        rule = self.instruments.get(instrument)
        if rule is None:
            raise OutcomeInputError("instrument", f"unknown instrument {instrument!r}")
        rules = dict(self.instruments)
        rules[instrument] = replace(rule, remission_at_or_below=at_or_below, remission_source=source)
        return replace(self, instruments=rules)


@dataclass(frozen=True)
class Baseline:
    date: dt.date
    total: int


@dataclass(frozen=True)
class Point:
    """One assessment after the first session, classified against the baseline."""

    date: dt.date
    total: int
    change: int | None
    """total - baseline: negative is better."""
    pct_change: float | None
    response: bool | None
    partial_response: bool | None
    remission: bool
    worsened: bool | None
    sessions_before: int
    """Sessions dated before this assessment (an assessment on a session day precedes its dose)."""


@dataclass(frozen=True)
class Relapse:
    onset: dt.date
    """First assessment of the run without benefit; used as the relapse date."""
    confirmed: dt.date
    """The assessment that completed the rule."""


@dataclass(frozen=True)
class OnsetCheck:
    day: int
    responded: bool | None
    """None when there was no assessment (or no way to judge response) on that day."""


@dataclass(frozen=True)
class Durability:
    days: int
    event: DurabilityEvent


@dataclass(frozen=True)
class CourseOutcome:
    instrument: str
    first_session: dt.date
    course_end: dt.date | None
    baseline: Baseline | None
    points: tuple[Point, ...]
    time_to_response_days: int | None
    time_to_remission_days: int | None
    onset: tuple[OnsetCheck, ...]
    onset_day: int | None
    relapses: tuple[Relapse, ...]
    durability: Durability | None
    end_of_induction: Point | None
    notes: tuple[str, ...]


def improvement(baseline: int, total: int) -> float | None:
    """Improvement as a fraction of baseline, ``(baseline - total) / baseline``; None when baseline is 0."""
    if baseline == 0:
        return None
    return (baseline - total) / baseline


@lru_cache(maxsize=64)
def _exact(fraction: float) -> Fraction:
    return Fraction(str(fraction))


def _at_least(baseline: int, total: int, fraction: float) -> bool:
    # Compare exactly: 0.3 * 10 is 3.0000000000000004 in floating point. Cross-multiplying keeps it in
    # integers; the setting's fraction is converted once (reports classify millions of points).
    exact = _exact(fraction)
    return (baseline - total) * exact.denominator >= exact.numerator * baseline


def classify(
    total: int, baseline: int | None, rule: InstrumentRule, settings: OutcomeSettings
) -> tuple[int | None, float | None, bool | None, bool | None, bool, bool | None]:
    """(change, pct_change, response, partial_response, remission, worsened) for one total."""
    remission = total <= rule.remission_at_or_below
    if baseline is None:
        return None, None, None, None, remission, None
    change = total - baseline
    worsened = None if rule.worsening_mcid_points is None else change >= rule.worsening_mcid_points
    if baseline == 0:
        return change, None, False, False, remission, worsened
    response = _at_least(baseline, total, settings.response_fraction)
    partial = not response and _at_least(baseline, total, settings.partial_response_fraction)
    return change, improvement(baseline, total), response, partial, remission, worsened


def _check_date(value: object, name: str) -> dt.date:
    if isinstance(value, dt.datetime) or not isinstance(value, dt.date):
        raise OutcomeInputError(name, "must be a date")
    return value


def _check_total(value: object, name: str, rule: InstrumentRule) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise OutcomeInputError(name, "must be a whole number")
    if not 0 <= value <= rule.max_total:
        raise OutcomeInputError(name, f"must be between 0 and {rule.max_total}")
    return value


def _detect_relapses(points: Sequence[Point], settings: OutcomeSettings) -> list[Relapse]:
    relapses: list[Relapse] = []
    had_benefit = False
    run: list[Point] = []
    for p in points:
        if p.response is True or p.remission:
            had_benefit, run = True, []
            continue
        if not had_benefit:
            continue
        run.append(p)
        if (
            len(run) >= settings.relapse_assessments
            and (p.date - run[0].date).days >= settings.relapse_min_days_apart
        ):
            relapses.append(Relapse(onset=run[0].date, confirmed=p.date))
            # A further relapse needs benefit to be regained first.
            had_benefit, run = False, []
    return relapses


def _durability(
    course_end: dt.date,
    relapses: Sequence[Relapse],
    retreatments: Sequence[dt.date],
    assessment_dates: Sequence[dt.date],
) -> Durability:
    relapse = min((r.onset for r in relapses if r.onset > course_end), default=None)
    retreat = min((d for d in retreatments if d > course_end), default=None)
    # On a tie the recorded retreatment wins over the derived relapse; the days are the same.
    if retreat is not None and (relapse is None or retreat <= relapse):
        return Durability((retreat - course_end).days, "retreatment")
    if relapse is not None:
        return Durability((relapse - course_end).days, "relapse")
    last = max(assessment_dates, default=course_end)
    return Durability(max(0, (last - course_end).days), "censored")


def evaluate_course(
    instrument: str,
    sessions: Sequence[dt.date],
    assessments: Sequence[tuple[dt.date, int]],
    course_end: dt.date | None,
    retreatments: Sequence[dt.date],
    settings: OutcomeSettings | None = None,
) -> CourseOutcome:
    """Classify one course's assessments on one instrument.

    ``sessions`` are the course's (induction) session dates, ``course_end`` the
    last induction session of a completed course (None while it is running or
    if it was stopped), ``retreatments`` later booster or new-course sessions.
    """
    settings = settings or OutcomeSettings()
    rule = settings.instruments.get(instrument)
    if rule is None:
        raise OutcomeInputError("instrument", f"unknown instrument {instrument!r}")
    if not sessions:
        raise OutcomeInputError("sessions", "at least one session is required")
    session_dates = sorted(_check_date(d, f"sessions[{i}]") for i, d in enumerate(sessions))
    checked: list[tuple[dt.date, int]] = []
    for i, item in enumerate(assessments):
        if not isinstance(item, tuple | list) or len(item) != 2:
            raise OutcomeInputError(f"assessments[{i}]", "must be a (date, total) pair")
        checked.append(
            (
                _check_date(item[0], f"assessments[{i}].date"),
                _check_total(item[1], f"assessments[{i}].total", rule),
            )
        )
    checked.sort(key=lambda a: a[0])  # stable: same-day assessments keep their given order
    first = session_dates[0]
    if course_end is not None:
        course_end = _check_date(course_end, "course_end")
        if course_end < first:
            raise OutcomeInputError("course_end", "is before the first session")
    retreat_dates = [_check_date(d, f"retreatments[{i}]") for i, d in enumerate(retreatments)]
    if course_end is not None:
        for i, d in enumerate(retreat_dates):
            if d <= course_end:
                raise OutcomeInputError(f"retreatments[{i}]", "must be after course_end")

    notes: list[str] = []
    window_start = first - dt.timedelta(days=settings.baseline_window_days)
    candidates = [a for a in checked if window_start <= a[0] <= first]
    baseline = Baseline(*candidates[-1]) if candidates else None
    if baseline is None:
        notes.append(
            f"no {instrument} assessment in the {settings.baseline_window_days} days up to the first session: "
            "response, partial response and worsening cannot be classified"
        )
    elif baseline.total == 0:
        notes.append("baseline total is 0: % change is undefined and no point counts as a response")

    points: list[Point] = []
    for when, total in checked:
        if when <= first:
            continue
        change, pct, response, partial, remission, worsened = classify(
            total, None if baseline is None else baseline.total, rule, settings
        )
        points.append(
            Point(
                date=when,
                total=total,
                change=change,
                pct_change=pct,
                response=response,
                partial_response=partial,
                remission=remission,
                worsened=worsened,
                sessions_before=sum(1 for s in session_dates if s < when),
            )
        )

    first_response = next((p for p in points if p.response), None)
    first_remission = next((p for p in points if p.remission), None)

    onset: list[OnsetCheck] = []
    for day in settings.onset_days:
        that_day = [p for p in points if (p.date - first).days == day]
        onset.append(OnsetCheck(day, that_day[-1].response if that_day else None))
    onset_day = next((o.day for o in onset if o.responded), None)

    relapses = _detect_relapses(points, settings)
    durability = None
    end_point = None
    if course_end is not None:
        durability = _durability(course_end, relapses, retreat_dates, [a[0] for a in checked])
        cutoff = course_end + dt.timedelta(days=settings.end_of_induction_grace_days)
        # A retreatment inside the grace period would credit the booster to the induction.
        first_retreat = min(retreat_dates, default=None)
        end_point = next(
            (
                p
                for p in reversed(points)
                if p.date <= cutoff and (first_retreat is None or p.date < first_retreat)
            ),
            None,
        )

    return CourseOutcome(
        instrument=instrument,
        first_session=first,
        course_end=course_end,
        baseline=baseline,
        points=tuple(points),
        time_to_response_days=None if first_response is None else (first_response.date - first).days,
        time_to_remission_days=None if first_remission is None else (first_remission.date - first).days,
        onset=tuple(onset),
        onset_day=onset_day,
        relapses=tuple(relapses),
        durability=durability,
        end_of_induction=end_point,
        notes=tuple(notes),
    )
