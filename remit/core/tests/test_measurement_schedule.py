"""Measurement schedule: intake, pre-session, post-dose days 1/3/7, TMS weekly, follow-up weeks.

Rules from Remit's measurement-based care design.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from remit.core.measurement_schedule import (
    MeasurementDue,
    MeasurementScheduleError,
    MeasurementSettings,
    ScheduledSession,
    measurement_schedule,
)
from remit.core.modality import MODALITIES

MONDAY = dt.date(2025, 1, 6)
INTAKE = dt.date(2024, 12, 30)


def _day(offset: int) -> dt.date:
    return MONDAY + dt.timedelta(days=offset)


def _ketamine(*offsets: int) -> list[ScheduledSession]:
    return [ScheduledSession(_day(o), "ketamine_iv") for o in offsets]


def _at(items: list[MeasurementDue], day: dt.date, code: str = "phq9") -> list[MeasurementDue]:
    return [i for i in items if i.due_date == day and i.instrument_code == code]


def test_intake_instruments_are_due_on_the_intake_date() -> None:
    items = measurement_schedule(_ketamine(0), intake_date=INTAKE)
    assert {(i.instrument_code, i.kind) for i in items if i.due_date == INTAKE} == {
        ("phq9", "intake"),
        ("gad7", "intake"),
    }


def test_without_an_intake_date_nothing_is_due_for_intake() -> None:
    assert all(i.kind != "intake" for i in measurement_schedule(_ketamine(0), intake_date=None))


def test_a_ketamine_session_gets_a_pre_dose_questionnaire_and_days_1_3_and_7() -> None:
    items = measurement_schedule(_ketamine(0), intake_date=None)
    kinds = {(i.due_date, i.kind) for i in items if i.kind in ("pre_session", "post_dose")}
    assert kinds == {
        (_day(0), "pre_session"),
        (_day(1), "post_dose"),
        (_day(3), "post_dose"),
        (_day(7), "post_dose"),
    }
    assert _at(items, _day(3))[0].reason == "day 3 after session 1"


def test_follow_ups_are_due_2_4_8_12_and_26_weeks_after_the_course_ends() -> None:
    end = _day(11)
    items = measurement_schedule(_ketamine(0, 4, 11), intake_date=None, course_end=end)
    follow_ups = [i.due_date for i in items if i.kind == "follow_up"]
    assert follow_ups == [end + dt.timedelta(weeks=w) for w in (2, 4, 8, 12, 26)]


def test_the_course_end_defaults_to_the_last_session() -> None:
    items = measurement_schedule(_ketamine(0, 2), intake_date=None)
    assert min(i.due_date for i in items if i.kind == "follow_up") == _day(2) + dt.timedelta(weeks=2)


def test_day_7_after_monday_merges_into_next_mondays_pre_session_item() -> None:
    """One PHQ-9 a day: the pre-session item wins and keeps both reasons."""
    items = measurement_schedule(_ketamine(0, 2, 4, 7, 9, 11), intake_date=None)
    (merged,) = _at(items, _day(7))
    assert merged.kind == "pre_session" and merged.session_number == 4
    assert merged.reason == "before session 4; day 7 after session 1; day 3 after session 3"
    assert merged.window_days == 0


def test_two_post_dose_days_landing_together_give_one_item() -> None:
    """Thursday is day 3 after Monday and day 1 after Wednesday."""
    items = measurement_schedule(_ketamine(0, 2), intake_date=None)
    (thursday,) = _at(items, _day(3))
    assert thursday.kind == "post_dose" and thursday.reason == "day 3 after session 1; day 1 after session 2"


def test_tms_gets_weekly_items_during_the_course_and_no_daily_or_post_dose_items() -> None:
    sessions = [ScheduledSession(_day(o), "tms") for o in (0, 1, 2, 3, 4, 7, 8, 9, 10, 11, 14, 15)]
    items = measurement_schedule(sessions, intake_date=None, course_end=_day(22))
    assert {i.kind for i in items} == {"tms_weekly", "follow_up"}
    assert [i.due_date for i in items if i.kind == "tms_weekly"] == [_day(7), _day(14), _day(21)]


def test_the_instrument_sets_are_parameters() -> None:
    chosen = MeasurementSettings(pre_session_instruments=("phq9", "qids_sr16"), post_dose_instruments=())
    items = measurement_schedule(_ketamine(0), intake_date=None, settings=chosen)
    assert {i.instrument_code for i in items if i.kind == "pre_session"} == {"phq9", "qids_sr16"}
    assert not [i for i in items if i.kind == "post_dose"]


def test_each_kind_carries_its_own_window() -> None:
    windows = MeasurementSettings(post_dose_window_days=2, follow_up_window_days=10)
    items = measurement_schedule(_ketamine(0), intake_date=INTAKE, settings=windows)
    assert {(i.kind, i.window_days) for i in items} == {
        ("intake", 7),
        ("pre_session", 0),
        ("post_dose", 2),
        ("follow_up", 10),
    }


def test_a_course_end_before_the_last_session_is_refused_naming_course_end() -> None:
    with pytest.raises(MeasurementScheduleError) as caught:
        measurement_schedule(_ketamine(0, 7), intake_date=None, course_end=_day(3))
    assert caught.value.field == "course_end"


def test_no_sessions_and_no_course_end_is_refused() -> None:
    with pytest.raises(MeasurementScheduleError) as caught:
        measurement_schedule([], intake_date=INTAKE)
    assert caught.value.field == "course_end"


def test_a_negative_window_is_refused_naming_it() -> None:
    with pytest.raises(MeasurementScheduleError) as caught:
        MeasurementSettings(post_dose_window_days=-1)
    assert caught.value.field == "post_dose_window_days"


def test_a_session_with_an_unknown_modality_is_refused_naming_it() -> None:
    with pytest.raises(MeasurementScheduleError) as caught:
        measurement_schedule([ScheduledSession(MONDAY, "ect")], intake_date=None)  # type: ignore[arg-type]
    assert caught.value.field == "sessions[0].modality"


sessions_strategy = st.lists(
    st.builds(ScheduledSession, st.integers(0, 60).map(_day), st.sampled_from(MODALITIES)),
    min_size=1,
    max_size=15,
)


@settings(max_examples=60)
@given(sessions=sessions_strategy, seed=st.randoms(use_true_random=False))
def test_the_schedule_is_sorted_has_one_item_per_instrument_per_day_and_ignores_input_order(
    sessions: list[ScheduledSession], seed: object
) -> None:
    items = measurement_schedule(sessions, intake_date=INTAKE)
    assert max(Counter((i.instrument_code, i.due_date) for i in items).values()) == 1
    assert [i.due_date for i in items] == sorted(i.due_date for i in items)
    shuffled = list(sessions)
    seed.shuffle(shuffled)  # type: ignore[attr-defined]
    assert measurement_schedule(shuffled, intake_date=INTAKE) == items
    for session in sessions:
        if session.modality != "tms":
            (before,) = _at(items, session.date)
            assert before.kind == "pre_session"
