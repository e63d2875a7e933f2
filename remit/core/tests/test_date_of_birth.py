"""A date of birth typed into one box: the forms people type are read, anything else is refused plainly."""

from __future__ import annotations

import datetime as dt

import pytest

from remit.core.date_of_birth import DateOfBirthError, parse_date_of_birth

TODAY = dt.date(2026, 12, 5)


@pytest.mark.parametrize(
    "text",
    [
        "05/17/1980",
        "5/17/1980",
        "05-17-1980",
        "5.17.1980",
        "5 17 1980",
        "05171980",
        "1980-05-17",
        " 5/17/1980 ",
    ],
)
def test_the_common_ways_of_writing_a_us_date_of_birth_are_read(text: str) -> None:
    assert parse_date_of_birth(text, today=TODAY) == dt.date(1980, 5, 17)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "Please enter your date of birth."),
        ("5/17/80", "four digits"),
        ("17/05/1980", "month must be a number from 1 to 12"),
        ("02/30/1980", "not a real date"),
        ("05/17/2030", "check the year"),
        ("May seventeenth", "month, day and year"),
    ],
)
def test_what_is_not_a_date_of_birth_gets_a_plain_message(text: str, message: str) -> None:
    with pytest.raises(DateOfBirthError, match=message):
        parse_date_of_birth(text, today=TODAY)
