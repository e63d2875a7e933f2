"""The clinic's day: "today" and the day a session is booked for, in the clinic's time zone.

Remit serves one time zone, the clinic's (``REMIT_TIME_ZONE``, Django's
``TIME_ZONE``). Days are read in that zone explicitly, never in whatever zone
a request may have activated, so "booked for today" means the same thing on
every page and in every action. The clock is the treatment clock
(``remit.treatment.clock.now()``), which tests replace.
"""

from __future__ import annotations

import datetime as dt
import zoneinfo

from django.conf import settings

from remit.treatment import clock


def clinic_zone() -> zoneinfo.ZoneInfo:
    return zoneinfo.ZoneInfo(settings.TIME_ZONE)


def clinic_day(at: dt.datetime) -> dt.date:
    """The clinic's calendar day of the moment ``at``."""
    return at.astimezone(clinic_zone()).date()


def clinic_today(at: dt.datetime | None = None) -> dt.date:
    """Today in the clinic, by the treatment clock unless ``at`` is given."""
    if at is None:
        at = clock.now()
    return clinic_day(at)


def at_clinic_time(day: dt.date, like: dt.datetime) -> dt.datetime:
    """``day`` at the clinic's time of day of ``like`` (a session keeps its booked time when it moves)."""
    local = like.astimezone(clinic_zone())
    return dt.datetime.combine(day, local.time().replace(tzinfo=None), tzinfo=clinic_zone())
