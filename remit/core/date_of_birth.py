"""A date of birth typed into one box on a phone: MM/DD/YYYY and the variants people type.

Accepted: month, day and a four-digit year separated by "/", "-", ".", or spaces
("5/17/1980", "05-17-1980", "5 17 1980"), eight digits with no separator ("05171980"), and the ISO
form a browser's autofill may give ("1980-05-17"). US order only: month first. A two-digit year is
refused rather than guessed (a wrong guess would count as a wrong try against the link's lockout).
"""

from __future__ import annotations

import datetime as dt
import re

_PARTS = re.compile(r"^(\d{1,2})[\s/.\-]+(\d{1,2})[\s/.\-]+(\d{2,4})$")
_ISO = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$")
_DIGITS = re.compile(r"^(\d{2})(\d{2})(\d{4})$")


class DateOfBirthError(ValueError):
    """The text is not a date of birth; the message says what to fix, in plain words."""


def parse_date_of_birth(text: str, *, today: dt.date | None = None) -> dt.date:
    """The date in ``text``, or ``DateOfBirthError`` saying plainly what is wrong."""
    cleaned = text.strip().replace(",", " ")
    if not cleaned:
        raise DateOfBirthError("Please enter your date of birth.")
    if match := _ISO.match(cleaned):
        year, month, day = (int(part) for part in match.groups())
    elif match := _PARTS.match(cleaned) or _DIGITS.match(cleaned):
        month, day = int(match.group(1)), int(match.group(2))
        if len(match.group(3)) != 4:
            raise DateOfBirthError("Please write the year with four digits, for example 05/17/1980.")
        year = int(match.group(3))
    else:
        raise DateOfBirthError(
            "Please write your date of birth as month, day and year, for example 05/17/1980."
        )
    if not 1 <= month <= 12:
        raise DateOfBirthError("The month must be a number from 1 to 12, for example 05/17/1980.")
    try:
        born = dt.date(year, month, day)
    except ValueError:
        raise DateOfBirthError("That is not a real date. Please check the day and month.") from None
    if year < 1900 or born > (today or dt.date.today()):
        raise DateOfBirthError("Please check the year of your date of birth.")
    return born
