"""The steps every charting action shares: lock the session, refuse, audit, save.

Each charting action (``actions_checkin``, ``actions_ketamine``, ``actions_dosing``,
``actions_vitals``, ``actions_rating``, ``actions_esketamine``, ``actions_tms``,
``actions_adverse_events``, ``actions_signing``) validates, writes and records
its audit row in one transaction.  Each raises ``ValidationError`` (keyed by form
field name where there is a field) or ``PermissionDenied`` and then stores
nothing.  Time comes from ``remit.treatment.clock.now()`` (one function tests
can replace).

The prescriber's dose override is one mechanism for every dose: who, when, why.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.utils import timezone

from remit.accounts import roles as R
from remit.audit import actions as audit
from remit.core import authorization as core_authorization
from remit.treatment import clock
from remit.treatment.actions_courses import authorization_of, course_bookings
from remit.treatment.actions_session_day import needs_move_to_today, not_today_error
from remit.treatment.models import Session
from remit.treatment.permissions import require_chart

SESSION_TYPE = "treatment.session"

KETAMINE = frozenset({"ketamine_iv", "ketamine_im"})

SIGNED = "This session is signed; add an amendment instead."

CLOSED = "This session is {status}; nothing can be charted on it."


def fail(field: str | None, message: str) -> ValidationError:
    return ValidationError({field: [message]}) if field else ValidationError(message)


def hm(value: dt.datetime) -> str:
    return timezone.localtime(value).strftime("%H:%M")


def locked(session: Session, actor: Any, *, beyond_authorization_reason: str = "") -> Session:
    """The session row locked for this transaction, refused when signed, voided or closed.

    A booked session (nothing charted yet) is charted only on the clinic's day
    it is booked for (otherwise it is moved to today first:
    ``remit.treatment.actions_session_day``), and, when it is beyond the payer's
    authorization, only with a recorded reason: one stored when it was booked,
    or ``beyond_authorization_reason`` given now (set on the returned row for
    the caller to save).
    """
    current = (
        Session.objects.select_for_update(of=("self",))
        .select_related("patient", "clinic", "course")
        .get(pk=session.pk)
    )
    if current.is_signed:
        raise ValidationError(SIGNED)
    if current.is_voided or current.status in (Session.CANCELLED, Session.NO_SHOW):
        raise ValidationError(CLOSED.format(status=current.get_status_display().lower()))
    require_chart(actor, current)
    if current.status == Session.BOOKED:
        if needs_move_to_today(current):
            raise not_today_error(current)
        _check_authorization(current, beyond_authorization_reason)
    return current


def beyond_authorization(session: Session) -> Any:
    """Why ``session`` is beyond its course's payer authorization (``remit.core.authorization.Beyond``), or None."""
    authorization = authorization_of(session.course)
    if not authorization.recorded:
        return None
    bookings = course_bookings(session.course)
    return core_authorization.beyond_authorization(bookings, authorization).get(session.pk)


def _check_authorization(current: Session, given: str) -> None:
    given = (given or "").strip()
    found = beyond_authorization(current)
    if found is None:
        return
    if given:
        current.beyond_authorization_reason = given[:1000]
        current._beyond_reason_given = True  # type: ignore[attr-defined]
        return
    if current.beyond_authorization_reason:
        return
    raise fail(
        "beyond_authorization_reason",
        f"Session {current.number} is beyond the payer's authorization ({found.reason}): "
        "give the reason for treating it.",
    )


def audit_step(
    action: str, actor: Any, request: HttpRequest | None, obj: Any, session: Session, **detail: Any
) -> None:
    audit.record(
        action,
        actor=actor,
        request=request,
        obj=obj,
        patient=session.patient,
        detail={"session_id": session.pk, **detail},
    )


def save_fields(session: Session, fields: Iterable[str]) -> None:
    session.save(update_fields=list(fields))


def mark_charted(session: Session, actor: Any) -> list[str]:
    if session.charted_by_id is None:
        session.charted_by = actor
        return ["charted_by"]
    return []


OVERRIDE_REASON_MAX = 1000

OVERRIDE_FIELDS = ("dose_override_reason", "dose_override_by", "dose_override_at")


def prescriber_override_reason(actor: Any, reason: str | None, *, what: str, clinic: int) -> str:
    """The written reason of a prescriber's dose override, stripped ("" when none was written).

    A reason from someone who is not a prescriber is refused (``override_reason``):
    only a prescriber may give a dose outside ``what``. Whether a reason is needed
    is the clinical core's call (``remit.core.dosing``).
    """
    text = (reason or "").strip()
    if not text:
        return ""
    if not actor.has_role(clinic, R.PRESCRIBER):
        raise fail("override_reason", f"Only a prescriber can override {what}.")
    if len(text) > OVERRIDE_REASON_MAX:
        raise fail("override_reason", f"Keep the reason under {OVERRIDE_REASON_MAX} characters.")
    return text


def record_override(session: Session, reason: str | None, actor: Any) -> list[str]:
    """Write (or clear) the override on the session: who, when and why. Returns the fields to save."""
    session.dose_override_reason = reason or ""
    session.dose_override_by = actor if reason else None
    session.dose_override_at = clock.now() if reason else None
    return list(OVERRIDE_FIELDS)
