"""Session calendar: the dates (and, for accelerated TMS, the times) a course's sessions fall on.

How a protocol's stages become dates:

- Weeks are *course weeks*: 7-day blocks counted from the start date, as the
  esketamine label counts them ("weeks 1-4 twice weekly"). A stage with
  ``period_weeks=2`` uses 14-day blocks.
- Within each block the planner takes up to ``per_period`` session days,
  earliest first. Each session day is at least ``preferred_days_between``
  after the previous one when the block still has an eligible day that far
  out; otherwise at least ``min_days_between`` (a session is never lost just
  to keep the preferred rhythm). So IV ketamine, 3 a week with a rest day
  between, lands Mon/Wed/Fri on a Mon-Fri clinic; esketamine, twice weekly at
  least 2 days apart aiming for 3, lands Mon/Thu.
- The next stage starts with the block after the one in which the previous
  stage ended (TMS: 30 daily sessions, then the taper weeks 3, 2, 1).
- An eligible day is a clinic weekday, not a holiday, and at least the
  stage's ``min_days_between`` from every ``existing`` session date of the
  patient (so a drug session is never planned on a day that already has one).
- Accelerated stages put ``sessions_per_day`` sessions on each day, each
  starting ``session_minutes + gap_minutes`` after the one before.

A block with no eligible day (holidays) simply adds nothing; the course gets
longer rather than denser.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Sequence
from dataclasses import dataclass

from remit.core.protocols import Protocol, Stage

DEFAULT_HORIZON_DAYS = 730


class CalendarError(ValueError):
    """A calendar that cannot be planned; ``field`` names the input at fault."""

    def __init__(self, field: str, message: str) -> None:
        self.field = field
        self.message = message
        super().__init__(f"{field}: {message}")


@dataclass(frozen=True)
class PlannedSession:
    """One planned session.

    number: 1-based position in the course. week: 1-based course week.
    stage: index of the protocol stage it belongs to. index_in_day and
    start_offset_minutes place accelerated sessions within their day (both 0
    for one session a day); the offset counts from the day's first session.
    """

    number: int
    date: dt.date
    week: int
    stage: int
    index_in_day: int = 0
    start_offset_minutes: int = 0


def _check_inputs(
    start: object, clinic_days: object, holidays: object, existing: object, horizon_days: object
) -> None:
    if not isinstance(start, dt.date) or isinstance(start, dt.datetime):
        raise CalendarError("start", f"must be a date, got {start!r}")
    if not isinstance(clinic_days, frozenset | set) or not clinic_days:
        raise CalendarError("clinic_days", "must name at least one weekday (0=Monday .. 6=Sunday)")
    for day in clinic_days:
        if isinstance(day, bool) or not isinstance(day, int) or not 0 <= day <= 6:
            raise CalendarError("clinic_days", f"{day!r} is not a weekday number 0-6")
    for name, dates in (("holidays", holidays), ("existing", existing)):
        if not isinstance(dates, Collection):
            raise CalendarError(name, "must be a collection of dates")
        for item in dates:
            if not isinstance(item, dt.date) or isinstance(item, dt.datetime):
                raise CalendarError(name, f"{item!r} is not a date")
    if isinstance(horizon_days, bool) or not isinstance(horizon_days, int) or horizon_days < 1:
        raise CalendarError("horizon_days", f"must be a positive whole number, got {horizon_days!r}")


class _Planner:
    def __init__(
        self,
        start: dt.date,
        clinic_days: frozenset[int],
        holidays: Collection[dt.date],
        existing: Collection[dt.date],
        horizon_days: int,
    ) -> None:
        self.start = start
        self.clinic_days = clinic_days
        self.holidays = frozenset(holidays)
        self.existing = sorted(set(existing))
        self.last_day = start + dt.timedelta(days=horizon_days)
        self.previous: dt.date | None = None

    def eligible(self, day: dt.date, stage: Stage) -> bool:
        if day.weekday() not in self.clinic_days or day in self.holidays:
            return False
        return all(abs((day - other).days) >= stage.min_days_between for other in self.existing)

    def first_eligible(self, low: dt.date, end: dt.date, stage: Stage) -> dt.date | None:
        day = low
        while day < end:
            if self.eligible(day, stage):
                return day
            day += dt.timedelta(days=1)
        return None

    def next_day(self, block_start: dt.date, block_end: dt.date, stage: Stage) -> dt.date | None:
        if self.previous is None:
            return self.first_eligible(block_start, block_end, stage)
        preferred = max(block_start, self.previous + dt.timedelta(days=stage.preferred_days_between))
        minimum = max(block_start, self.previous + dt.timedelta(days=stage.min_days_between))
        return self.first_eligible(preferred, block_end, stage) or self.first_eligible(
            minimum, block_end, stage
        )

    def stage_days(self, stage: Stage, block_start: dt.date) -> tuple[list[dt.date], dt.date]:
        """Session days for one stage, and the start of the block after its last one."""
        days: list[dt.date] = []
        period = dt.timedelta(days=7 * stage.period_weeks)
        while len(days) < stage.days:
            if block_start > self.last_day:
                raise CalendarError(
                    "clinic_days",
                    f"could not place every session by {self.last_day}; check clinic days and holidays",
                )
            block_end = block_start + period
            taken = 0
            while taken < stage.per_period and len(days) < stage.days:
                day = self.next_day(block_start, block_end, stage)
                if day is None:
                    break
                days.append(day)
                self.previous = day
                taken += 1
            block_start = block_end
        return days, block_start


def plan_sessions(
    protocol: Protocol,
    start: dt.date,
    clinic_days: frozenset[int],
    holidays: Collection[dt.date] = frozenset(),
    existing: Collection[dt.date] = (),
    *,
    horizon_days: int = DEFAULT_HORIZON_DAYS,
) -> list[PlannedSession]:
    """Plan every session of ``protocol`` from ``start``.

    clinic_days: weekday numbers the clinic treats on (0=Monday .. 6=Sunday);
    empty raises ``CalendarError("clinic_days")``. holidays: closed dates.
    existing: dates the patient already has a session on (this or another
    course); planned days keep the stage's minimum gap from them. Raises
    ``CalendarError`` if the sessions cannot be placed within ``horizon_days``.
    """
    _check_inputs(start, clinic_days, holidays, existing, horizon_days)
    planner = _Planner(start, clinic_days, holidays, existing, horizon_days)
    sessions: list[PlannedSession] = []
    block_start = start
    for stage_index, stage in enumerate(protocol.stages):
        days, block_start = planner.stage_days(stage, block_start)
        step = stage.session_minutes + stage.gap_minutes
        for day in days:
            for index in range(stage.sessions_per_day):
                sessions.append(
                    PlannedSession(
                        number=len(sessions) + 1,
                        date=day,
                        week=(day - start).days // 7 + 1,
                        stage=stage_index,
                        index_in_day=index,
                        start_offset_minutes=index * step,
                    )
                )
    return sessions


# --- moving a booked session ---------------------------------------------------------------

SHIFT_SEARCH_DAYS = 60


@dataclass(frozen=True)
class Shift:
    """One session's move: ``number`` goes from ``before`` to ``after``."""

    number: int
    before: dt.date
    after: dt.date


def shift_booked(
    sessions: Sequence[tuple[int, dt.date]],
    to: dt.date,
    clinic_days: frozenset[int],
    holidays: Collection[dt.date] = frozenset(),
    blocked: Collection[dt.date] = frozenset(),
) -> list[Shift]:
    """Move the first of ``sessions`` to ``to`` and shift the rest so they keep their spacing.

    sessions: ``(number, date)`` of the session being moved, then the course's
    later booked sessions, in course order (dates never going back). The first
    lands on ``to`` whatever the weekday (the patient is there that day). Each
    later one keeps its original gap to the one before it: it goes to the first
    day at least that gap after the new date of the one before that is a clinic
    day, not a holiday and not ``blocked`` (a day the patient already has a
    session that rules this one out). So gaps are kept, or grow by the days
    needed to reach a clinic day; they never shrink. Sessions on one day
    (accelerated TMS, gap 0) stay together.

    Raises ``CalendarError`` for inputs out of order, an empty list, or when no
    eligible day is found within ``SHIFT_SEARCH_DAYS`` of where a session would go.
    """
    _check_inputs(to, clinic_days, holidays, blocked, 1)
    if not sessions:
        raise CalendarError("sessions", "name at least the session to move")
    for (_, earlier), (number, later) in zip(sessions, sessions[1:], strict=False):
        if later < earlier:
            raise CalendarError("sessions", f"session {number} is before the one listed ahead of it")
    closed = frozenset(holidays) | frozenset(blocked)
    first_number, first_day = sessions[0]
    shifts = [Shift(first_number, first_day, to)]
    previous_before, previous_after = first_day, to
    for number, day in sessions[1:]:
        candidate = previous_after + (day - previous_before)
        limit = candidate + dt.timedelta(days=SHIFT_SEARCH_DAYS)
        while candidate.weekday() not in clinic_days or candidate in closed:
            candidate += dt.timedelta(days=1)
            if candidate > limit:
                raise CalendarError(
                    "clinic_days", f"no clinic day within {SHIFT_SEARCH_DAYS} days for session {number}"
                )
        shifts.append(Shift(number, day, candidate))
        previous_before, previous_after = day, candidate
    return shifts
