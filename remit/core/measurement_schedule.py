"""Measurement schedule: which questionnaires are due when around a course.

Rules (Remit's measurement-based care design; relief after
ketamine often starts a couple of days after a dose, hence the post-dose days):

- ``intake``: at the intake date.
- ``pre_session``: on the day of each session of a drug modality (ketamine
  IV/IM, esketamine), answered before dosing. TMS sessions are daily, so
  TMS gets ``tms_weekly`` instead; which modalities get a pre-session item is
  a setting.
- ``post_dose``: 1, 3 and 7 days after each ketamine or esketamine session.
- ``tms_weekly``: every 7 days from the first TMS session, up to the course end.
- ``follow_up``: 2, 4, 8, 12 and 26 weeks after the course ends.

One instrument is asked at most once a day. When several rules make the same
instrument due on the same day (day 7 after Monday's infusion is next
Monday's pre-session questionnaire), one item remains: the kind that comes
first in ``KIND_PRIORITY`` (pre-session first: it must be done before dosing
and has the tightest window), with every reason kept in ``reason``.

``window_days`` is how many days after ``due_date`` the item stays open
before it counts as missed (0 = that day only). The window lengths, the
instrument sets and the intake instruments are example defaults in
``MeasurementSettings``, to be confirmed by the medical director.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Literal

from remit.core.modality import DRUG_MODALITIES, MODALITIES, Modality

MeasurementKind = Literal["pre_session", "intake", "post_dose", "tms_weekly", "follow_up"]
KIND_PRIORITY: tuple[MeasurementKind, ...] = ("pre_session", "intake", "post_dose", "tms_weekly", "follow_up")
POST_DOSE_MODALITIES: frozenset[Modality] = DRUG_MODALITIES
SCHEDULE_SOURCE = "Remit's measurement schedule design; windows are example defaults"


class MeasurementScheduleError(ValueError):
    """Bad schedule input; ``field`` names the offending item."""

    def __init__(self, field: str, message: str) -> None:
        self.field = field
        self.message = message
        super().__init__(f"{field}: {message}")


@dataclass(frozen=True)
class ScheduledSession:
    date: dt.date
    modality: Modality


@dataclass(frozen=True)
class MeasurementDue:
    """One questionnaire due. ``session_number`` is the 1-based session it belongs to, if any."""

    instrument_code: str
    due_date: dt.date
    window_days: int
    kind: MeasurementKind
    reason: str
    session_number: int | None = None


@dataclass(frozen=True)
class MeasurementSettings:
    """What is asked when, and how long each item stays open.

    All values are example defaults, to be confirmed by the medical director:
    PHQ-9 throughout (the pre-dose default in Remit's design), PHQ-9 and GAD-7
    at intake, windows intake 7 days, pre-session same day, post-dose 1 day,
    TMS weekly 3 days, follow-up 7 days.
    """

    intake_instruments: tuple[str, ...] = ("phq9", "gad7")
    pre_session_instruments: tuple[str, ...] = ("phq9",)
    post_dose_instruments: tuple[str, ...] = ("phq9",)
    tms_weekly_instruments: tuple[str, ...] = ("phq9",)
    follow_up_instruments: tuple[str, ...] = ("phq9",)
    pre_session_modalities: frozenset[Modality] = field(default=DRUG_MODALITIES)
    post_dose_days: tuple[int, ...] = (1, 3, 7)
    follow_up_weeks: tuple[int, ...] = (2, 4, 8, 12, 26)
    intake_window_days: int = 7
    pre_session_window_days: int = 0
    post_dose_window_days: int = 1
    tms_weekly_window_days: int = 3
    follow_up_window_days: int = 7

    def __post_init__(self) -> None:
        for name in (
            "intake_instruments",
            "pre_session_instruments",
            "post_dose_instruments",
            "tms_weekly_instruments",
            "follow_up_instruments",
        ):
            codes = getattr(self, name)
            if not isinstance(codes, tuple) or not all(isinstance(c, str) and c for c in codes):
                raise MeasurementScheduleError(name, "must be a tuple of instrument codes")
        for modality in self.pre_session_modalities:
            if modality not in MODALITIES:
                raise MeasurementScheduleError("pre_session_modalities", f"unknown modality {modality!r}")
        for name in ("post_dose_days", "follow_up_weeks"):
            for value in getattr(self, name):
                if isinstance(value, bool) or not isinstance(value, int) or value < 1:
                    raise MeasurementScheduleError(name, f"{value!r} must be a whole number from 1")
        for name in (
            "intake_window_days",
            "pre_session_window_days",
            "post_dose_window_days",
            "tms_weekly_window_days",
            "follow_up_window_days",
        ):
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, int) or value < 0:
                raise MeasurementScheduleError(name, f"{value!r} must be a whole number from 0")


DEFAULT_MEASUREMENT_SETTINGS = MeasurementSettings()


def _check_sessions(sessions: Sequence[ScheduledSession]) -> list[ScheduledSession]:
    for i, session in enumerate(sessions):
        if not isinstance(session, ScheduledSession):
            raise MeasurementScheduleError(f"sessions[{i}]", "must be a ScheduledSession")
        if not isinstance(session.date, dt.date) or isinstance(session.date, dt.datetime):
            raise MeasurementScheduleError(f"sessions[{i}].date", f"must be a date, got {session.date!r}")
        if session.modality not in MODALITIES:
            raise MeasurementScheduleError(
                f"sessions[{i}].modality", f"unknown modality {session.modality!r}"
            )
    return sorted(sessions, key=lambda s: (s.date, MODALITIES.index(s.modality)))


def _check_date(name: str, value: object) -> None:
    if value is not None and (not isinstance(value, dt.date) or isinstance(value, dt.datetime)):
        raise MeasurementScheduleError(name, f"must be a date, got {value!r}")


def _candidates(
    ordered: list[ScheduledSession],
    intake_date: dt.date | None,
    course_end: dt.date,
    settings: MeasurementSettings,
) -> list[MeasurementDue]:
    items: list[MeasurementDue] = []

    def add(
        codes: tuple[str, ...],
        due: dt.date,
        window: int,
        kind: MeasurementKind,
        reason: str,
        number: int | None = None,
    ) -> None:
        items.extend(MeasurementDue(code, due, window, kind, reason, number) for code in codes)

    if intake_date is not None:
        add(settings.intake_instruments, intake_date, settings.intake_window_days, "intake", "intake")
    for number, session in enumerate(ordered, start=1):
        if session.modality in settings.pre_session_modalities:
            add(
                settings.pre_session_instruments,
                session.date,
                settings.pre_session_window_days,
                "pre_session",
                f"before session {number}",
                number,
            )
        if session.modality in POST_DOSE_MODALITIES:
            for days in settings.post_dose_days:
                add(
                    settings.post_dose_instruments,
                    session.date + dt.timedelta(days=days),
                    settings.post_dose_window_days,
                    "post_dose",
                    f"day {days} after session {number}",
                    number,
                )
    tms_dates = [s.date for s in ordered if s.modality == "tms"]
    if tms_dates:
        week = 1
        while (due := tms_dates[0] + dt.timedelta(weeks=week)) <= course_end:
            add(
                settings.tms_weekly_instruments,
                due,
                settings.tms_weekly_window_days,
                "tms_weekly",
                f"TMS course week {week}",
            )
            week += 1
    for weeks in settings.follow_up_weeks:
        add(
            settings.follow_up_instruments,
            course_end + dt.timedelta(weeks=weeks),
            settings.follow_up_window_days,
            "follow_up",
            f"{weeks} weeks after the course",
        )
    return items


def measurement_schedule(
    sessions: Sequence[ScheduledSession],
    *,
    intake_date: dt.date | None,
    course_end: dt.date | None = None,
    settings: MeasurementSettings = DEFAULT_MEASUREMENT_SETTINGS,
) -> list[MeasurementDue]:
    """Every questionnaire due for a course, one per instrument per day, sorted.

    intake_date None means intake was already measured (no intake item).
    course_end defaults to the last session's date and may not be before it.
    Order: due date, then kind priority, then instrument code.
    """
    ordered = _check_sessions(sessions)
    _check_date("intake_date", intake_date)
    _check_date("course_end", course_end)
    if course_end is None:
        if not ordered:
            raise MeasurementScheduleError("course_end", "is needed when there are no sessions")
        course_end = ordered[-1].date
    elif ordered and course_end < ordered[-1].date:
        raise MeasurementScheduleError(
            "course_end", f"{course_end} is before the last session {ordered[-1].date}"
        )

    rank = {kind: i for i, kind in enumerate(KIND_PRIORITY)}
    by_day: dict[tuple[str, dt.date], list[MeasurementDue]] = {}
    for item in _candidates(ordered, intake_date, course_end, settings):
        by_day.setdefault((item.instrument_code, item.due_date), []).append(item)

    merged: list[MeasurementDue] = []
    for group in by_day.values():
        group.sort(key=lambda item: (rank[item.kind], item.session_number or 0))
        reasons = list(dict.fromkeys(item.reason for item in group))
        first = group[0]
        merged.append(
            MeasurementDue(
                first.instrument_code,
                first.due_date,
                first.window_days,
                first.kind,
                "; ".join(reasons),
                first.session_number,
            )
        )
    merged.sort(key=lambda item: (item.due_date, rank[item.kind], item.instrument_code))
    return merged
