"""Session calendars: clinic days, holidays, spacing, taper and accelerated days."""

from __future__ import annotations

import datetime as dt
from collections import Counter

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from remit.core.calendar import CalendarError, PlannedSession, plan_sessions
from remit.core.modality import DRUG_MODALITIES
from remit.core.protocols import (
    BUILTIN_PROTOCOLS,
    ESKETAMINE_INDUCTION,
    ESKETAMINE_MAINTENANCE,
    KETAMINE_IV_INDUCTION,
    TMS_10HZ,
    TMS_ACCELERATED_ITBS,
)

MONDAY = dt.date(2025, 1, 6)
WEEKDAYS = frozenset(range(5))


def _days(sessions: list[PlannedSession]) -> list[dt.date]:
    return sorted({s.date for s in sessions})


def test_iv_ketamine_lands_monday_wednesday_friday_and_ends_within_12_days() -> None:
    """Murrough 2013: 6 infusions, three times weekly over 12 days (clinical-reference §3 [V])."""
    sessions = plan_sessions(KETAMINE_IV_INDUCTION, MONDAY, WEEKDAYS)
    assert [s.date.strftime("%a") for s in sessions] == ["Mon", "Wed", "Fri"] * 2
    assert (sessions[-1].date - sessions[0].date).days < 12
    assert [s.number for s in sessions] == [1, 2, 3, 4, 5, 6]


def test_iv_ketamine_is_twice_a_week_within_21_days_on_a_monday_thursday_clinic() -> None:
    """Oliver 2022: 6 infusions within 21 days (clinical-reference §3 [V]); "2-3 a week"."""
    days = _days(plan_sessions(KETAMINE_IV_INDUCTION, MONDAY, frozenset({0, 3})))
    assert len(days) == 6 and (days[-1] - days[0]).days <= 21


def test_iv_ketamine_never_plans_infusions_on_consecutive_days() -> None:
    """A clinic open Monday and Tuesday only gets one infusion a week rather than two days running."""
    days = _days(plan_sessions(KETAMINE_IV_INDUCTION, MONDAY, frozenset({0, 1})))
    assert len(days) == 6 and all((b - a).days >= 2 for a, b in zip(days, days[1:], strict=False))


def test_esketamine_induction_is_twice_weekly_for_four_weeks_at_least_two_days_apart() -> None:
    """Spravato label: weeks 1-4 twice weekly (clinical-reference §4 [V])."""
    sessions = plan_sessions(ESKETAMINE_INDUCTION, MONDAY, WEEKDAYS)
    assert Counter(s.week for s in sessions) == {1: 2, 2: 2, 3: 2, 4: 2}
    days = _days(sessions)
    assert all((b - a).days >= 2 for a, b in zip(days, days[1:], strict=False))
    assert [s.date.strftime("%a") for s in sessions[:2]] == ["Mon", "Thu"]


def test_esketamine_maintenance_is_weekly_then_every_other_week() -> None:
    """Spravato label: weeks 5-8 weekly; week 9 on every 2 weeks (clinical-reference §4 [V])."""
    sessions = plan_sessions(ESKETAMINE_MAINTENANCE, MONDAY, WEEKDAYS)
    gaps = [(b.date - a.date).days for a, b in zip(sessions, sessions[1:], strict=False)]
    assert gaps == [7, 7, 7, 14, 14, 14, 14]


def test_tms_is_30_daily_sessions_then_3_2_and_1_a_week() -> None:
    """O'Reardon 2007: 5 sessions a week [V]; 3/2/1 taper to 36 (clinical-reference §8 [V2])."""
    sessions = plan_sessions(TMS_10HZ, MONDAY, WEEKDAYS)
    per_week = Counter(s.week for s in sessions)
    assert [per_week[w] for w in range(1, 10)] == [5, 5, 5, 5, 5, 5, 3, 2, 1]
    assert len(sessions) == 36


def test_accelerated_itbs_puts_ten_sessions_an_hour_apart_on_five_clinic_days() -> None:
    """Cole 2020 (SAINT): 10 sessions a day for 5 days, 50-min inter-session interval [V]."""
    sessions = plan_sessions(TMS_ACCELERATED_ITBS, dt.date(2025, 1, 8), WEEKDAYS)  # a Wednesday
    assert len(sessions) == 50 and len(_days(sessions)) == 5
    first_day = [s for s in sessions if s.date == sessions[0].date]
    assert [s.index_in_day for s in first_day] == list(range(10))
    assert [s.start_offset_minutes for s in first_day] == [i * 60 for i in range(10)]
    assert all(day.weekday() < 5 for day in _days(sessions))


def test_a_holiday_moves_the_session_to_the_next_day_that_keeps_the_spacing() -> None:
    wednesday = MONDAY + dt.timedelta(days=2)
    sessions = plan_sessions(KETAMINE_IV_INDUCTION, MONDAY, WEEKDAYS, holidays=frozenset({wednesday}))
    assert wednesday not in _days(sessions)
    assert sessions[1].date == MONDAY + dt.timedelta(days=3)


def test_no_infusion_is_planned_within_the_minimum_gap_of_an_existing_session() -> None:
    existing = {MONDAY + dt.timedelta(days=2)}
    sessions = plan_sessions(KETAMINE_IV_INDUCTION, MONDAY, WEEKDAYS, existing=existing)
    assert all(abs((s.date - e).days) >= 2 for s in sessions for e in existing)
    assert len(sessions) == 6


def test_no_clinic_days_is_refused_naming_clinic_days() -> None:
    with pytest.raises(CalendarError) as caught:
        plan_sessions(TMS_10HZ, MONDAY, frozenset())
    assert caught.value.field == "clinic_days"


@pytest.mark.parametrize("days", [frozenset({7}), frozenset({-1}), frozenset({True})])
def test_a_weekday_number_outside_0_to_6_is_refused(days: frozenset[int]) -> None:
    with pytest.raises(CalendarError) as caught:
        plan_sessions(TMS_10HZ, MONDAY, days)
    assert caught.value.field == "clinic_days"


def test_a_start_with_a_time_is_refused_naming_start() -> None:
    with pytest.raises(CalendarError) as caught:
        plan_sessions(TMS_10HZ, dt.datetime(2025, 1, 6, 9), WEEKDAYS)
    assert caught.value.field == "start"


def test_a_calendar_that_cannot_be_filled_within_the_horizon_is_refused() -> None:
    mondays = frozenset(MONDAY + dt.timedelta(weeks=w) for w in range(60))
    with pytest.raises(CalendarError):
        plan_sessions(KETAMINE_IV_INDUCTION, MONDAY, frozenset({0}), holidays=mondays, horizon_days=365)


@settings(max_examples=80, deadline=None)
@given(
    code=st.sampled_from(sorted(BUILTIN_PROTOCOLS)),
    start=st.dates(min_value=dt.date(2024, 1, 1), max_value=dt.date(2030, 12, 31)),
    clinic_days=st.frozensets(st.integers(0, 6), min_size=1),
    holiday_offsets=st.frozensets(st.integers(0, 120), max_size=25),
)
def test_schedules_respect_clinic_days_holidays_spacing_and_count(
    code: str, start: dt.date, clinic_days: frozenset[int], holiday_offsets: frozenset[int]
) -> None:
    protocol = BUILTIN_PROTOCOLS[code]
    holidays = frozenset(start + dt.timedelta(days=d) for d in holiday_offsets)
    sessions = plan_sessions(protocol, start, clinic_days, holidays)

    assert len(sessions) == protocol.planned_sessions
    assert [s.number for s in sessions] == list(range(1, len(sessions) + 1))
    assert all(s.date.weekday() in clinic_days and s.date not in holidays for s in sessions)
    assert all(s.date >= start for s in sessions)
    assert all(a.date <= b.date for a, b in zip(sessions, sessions[1:], strict=False))

    day_stage = {s.date: s.stage for s in sessions}
    days = sorted(day_stage)
    for earlier, later in zip(days, days[1:], strict=False):
        assert (later - earlier).days >= protocol.stages[day_stage[later]].min_days_between
    if protocol.modality in DRUG_MODALITIES:
        assert len(days) == len(sessions)  # never two drug sessions on one day

    for index, stage in enumerate(protocol.stages):
        stage_sessions = [s for s in sessions if s.stage == index]
        assert len(stage_sessions) == stage.sessions
        assert all(
            Counter(s.date for s in stage_sessions)[s.date] == stage.sessions_per_day for s in stage_sessions
        )
        if stage.period_weeks == 1:
            per_week = Counter(s.week for s in stage_sessions if s.index_in_day == 0)
            assert max(per_week.values()) <= stage.per_period


# --- shift_booked: moving a session to today ----------------------------------------------------

MWF = frozenset({0, 2, 4})


def test_moving_a_session_earlier_keeps_the_later_gaps_on_clinic_days() -> None:
    from remit.core.calendar import Shift, shift_booked

    mon, wed, fri = dt.date(2030, 3, 4), dt.date(2030, 3, 6), dt.date(2030, 3, 8)
    next_mon, next_wed = dt.date(2030, 3, 11), dt.date(2030, 3, 13)
    # Session 2 (Wednesday) is given on Monday: session 3 keeps its 2 days (Wednesday); session 4's
    # 3 days would be a Saturday, so it stays on the next clinic day, Monday, and session 5 keeps its gap.
    assert shift_booked([(2, wed), (3, fri), (4, next_mon), (5, next_wed)], mon, MWF) == [
        Shift(2, wed, mon),
        Shift(3, fri, wed),
        Shift(4, next_mon, next_mon),
        Shift(5, next_wed, next_wed),
    ]


def test_moving_a_missed_session_later_pushes_the_rest_back_with_their_spacing() -> None:
    from remit.core.calendar import shift_booked

    mon, wed, fri = dt.date(2030, 3, 4), dt.date(2030, 3, 6), dt.date(2030, 3, 8)
    shifts = shift_booked([(2, mon), (3, wed)], wed, MWF)
    assert [(s.number, s.after) for s in shifts] == [(2, wed), (3, fri)]


def test_a_blocked_day_and_sessions_on_one_day_are_respected() -> None:
    from remit.core.calendar import shift_booked

    mon, tue = dt.date(2030, 3, 4), dt.date(2030, 3, 5)
    daily = frozenset(range(5))
    # Two sessions a day (accelerated): both move together; Wednesday is blocked by another course.
    shifts = shift_booked(
        [(1, tue), (2, tue), (3, dt.date(2030, 3, 6))], mon, daily, blocked={dt.date(2030, 3, 5)}
    )
    assert [s.after for s in shifts] == [mon, mon, dt.date(2030, 3, 6)]
    shifts = shift_booked([(1, tue), (2, dt.date(2030, 3, 6))], mon, daily, blocked={tue})
    assert [s.after for s in shifts] == [mon, dt.date(2030, 3, 6)]


def test_sessions_out_of_order_are_refused_naming_the_input() -> None:
    from remit.core.calendar import CalendarError, shift_booked

    with pytest.raises(CalendarError) as error:
        shift_booked([(2, dt.date(2030, 3, 8)), (3, dt.date(2030, 3, 6))], dt.date(2030, 3, 4), MWF)
    assert error.value.field == "sessions"
