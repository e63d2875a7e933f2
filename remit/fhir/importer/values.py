"""Reading FHIR values: dates, date-times, numbers, codes and displays."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal, InvalidOperation

from django.utils import timezone

from remit.fhir.importer.outcome import JSON


def parse_date(value: object) -> dt.date | None:
    """A full FHIR date (or the date part of a dateTime); None for partial dates (YYYY, YYYY-MM)."""
    if not isinstance(value, str) or len(value) < 10:
        return None
    try:
        return dt.date.fromisoformat(value[:10])
    except ValueError:
        return None


def parse_datetime(value: object) -> dt.datetime | None:
    """A FHIR dateTime with a time zone, or a full date (local midnight); None otherwise."""
    if not isinstance(value, str):
        return None
    if len(value) == 10:
        day = parse_date(value)
        return timezone.make_aware(dt.datetime.combine(day, dt.time.min)) if day else None
    try:
        moment = dt.datetime.fromisoformat(value)
    except ValueError:
        return None
    return moment if moment.tzinfo is not None else None


def number(value: object) -> Decimal | None:
    if isinstance(value, bool) or not isinstance(value, (int, float, str)):
        return None
    try:
        return Decimal(str(value))
    except InvalidOperation:
        return None


def plain(value: Decimal | int) -> int | str:
    if isinstance(value, int):
        return value
    return int(value) if value == value.to_integral_value() else str(value)


def description(coding: JSON, concept: JSON, code: str) -> str:
    """The coding's display, else the concept's text unless that is only the code again."""
    text = coding.get("display") or (concept.get("text") if concept.get("text") != code else "") or ""
    return str(text)[:200]


def code_of(concept: object) -> str | None:
    if not isinstance(concept, dict):
        return None
    for coding in concept.get("coding") or []:
        if isinstance(coding, dict) and coding.get("code"):
            return str(coding["code"])
    return None
