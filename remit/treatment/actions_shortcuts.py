"""Charting shortcuts a nurse uses many times a session, each built on the charting actions' own rules.

A shortcut never skips a check: "same as last" records a new reading through
``actions_vitals.add_vitals`` (so the thresholds are checked again), and
"confirm and start" is ``record_ketamine_dose`` then ``start_dose`` in one
transaction (either both are charted or neither is).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone

from remit.core.vitals import VITAL_FIELDS
from remit.treatment import actions_dosing, actions_ketamine, actions_vitals, clock
from remit.treatment.models import Session, VitalSign
from remit.treatment.session_chart import fail, hm


def reading_time(session: Session, at: dt.time | None) -> dt.datetime | None:
    """The moment a reading was taken, from a time of day today; none means now.

    A reading is never in the future and never before the patient checked in.
    """
    if at is None:
        return None
    now = clock.now()
    local_now = timezone.localtime(now)
    taken = local_now.replace(hour=at.hour, minute=at.minute, second=0, microsecond=0)
    if taken > now:
        raise fail("taken_at", f"The time taken is later than now ({hm(now)}): enter the time it was taken.")
    if session.checked_in_at is not None and taken < session.checked_in_at.replace(second=0, microsecond=0):
        raise fail(
            "taken_at",
            f"The time taken is before check-in ({hm(session.checked_in_at)}): enter the time it was taken.",
        )
    return taken


def repeat_last_vitals(session: Session, *, actor: Any, request: HttpRequest | None = None) -> VitalSign:
    """Record, now, a reading equal to the last one, which must have been within range."""
    last = session.vitals.filter(voided_at__isnull=True).order_by("-taken_at", "-id").first()
    if last is None:
        raise fail(None, "There is no earlier reading to repeat: enter this reading in full.")
    if last.breaches:
        raise fail(
            None,
            f"The last reading ({hm(last.taken_at)}) was outside the thresholds: enter this reading in full.",
        )
    values: dict[str, Any] = {name: getattr(last, name) for name in VITAL_FIELDS}
    return actions_vitals.add_vitals(session, values, actor=actor, request=request)


def confirm_dose_and_start(
    session: Session, values: dict[str, Any], *, actor: Any, request: HttpRequest | None = None
) -> Session:
    """Chart the checked ketamine dose and start it; a refusal of either leaves nothing charted."""
    with transaction.atomic():
        actions_ketamine.record_ketamine_dose(session, actor=actor, request=request, **values)
        return actions_dosing.start_dose(session, actor=actor, request=request)
