"""Counting a course's sessions against the payer's authorization (remit.core.authorization)."""

from __future__ import annotations

import datetime as dt

import pytest

from remit.core.authorization import Authorization, Booking, beyond_authorization, booking_warning

MONDAY = dt.date(2030, 3, 4)


def six_booked() -> list[Booking]:
    return [Booking(100 + n, n, MONDAY + dt.timedelta(days=2 * n)) for n in range(1, 7)]


def test_six_booked_with_three_authorized_puts_sessions_four_to_six_beyond() -> None:
    beyond = beyond_authorization(six_booked(), Authorization(3))
    assert sorted(b.number for b in beyond.values()) == [4, 5, 6]
    assert beyond[104].reason == "it is session 4 of the course and the payer authorized 3 sessions"
    assert booking_warning(six_booked(), Authorization(3)) == (
        "6 sessions booked and 3 authorized by the payer: sessions 4 to 6 are beyond the authorization."
    )


def test_sessions_within_the_authorization_give_no_warning() -> None:
    assert beyond_authorization(six_booked(), Authorization(6)) == {}
    assert booking_warning(six_booked(), Authorization(6)) is None
    assert booking_warning(six_booked(), Authorization()) is None  # nothing recorded covers any number


def test_sessions_count_in_course_order_whatever_order_they_come_in() -> None:
    beyond = beyond_authorization(list(reversed(six_booked())), Authorization(5))
    assert [b.number for b in beyond.values()] == [6]


def test_a_session_after_the_authorization_ends_is_beyond_it() -> None:
    until = MONDAY + dt.timedelta(days=9)  # sessions 5 (day 10) and 6 (day 12) are after it
    beyond = beyond_authorization(six_booked(), Authorization(None, until))
    assert sorted(b.number for b in beyond.values()) == [5, 6]
    assert "after the authorization ends on 2030-03-13" in beyond[105].reason
    assert booking_warning(six_booked(), Authorization(None, until)) == (
        "The authorization ends on 2030-03-13: sessions 5 and 6 are beyond the authorization."
    )


def test_a_negative_authorization_is_refused() -> None:
    with pytest.raises(ValueError, match="authorized sessions"):
        Authorization(-1)
