"""Who may chart and who may sign a treatment session (``remit.accounts.roles``).

- ``sessions.chart``: prescriber, nurse, TMS technician — a TMS technician only
  on TMS sessions (``may_chart``).
- ``sessions.sign``: a prescriber signs any session; a nurse signs ketamine and
  esketamine sessions (the nursing note); a TMS technician signs TMS sessions
  (``may_sign``).  Signing is the last write: afterwards the Session model
  refuses writes and corrections are amendments that keep the original.

Both ask about the roles the user holds in the session's own clinic, never in another.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied

from remit.accounts import roles as R
from remit.treatment.models import Session


def may_chart(user: Any, session: Session) -> bool:
    clinic = session.clinic_id
    if not user.can("sessions.chart", clinic):
        return False
    if session.modality == "tms":
        return True
    return bool(user.has_role(clinic, R.PRESCRIBER, R.NURSE))


def may_sign(user: Any, session: Session) -> bool:
    clinic = session.clinic_id
    if not user.can("sessions.sign", clinic):
        return False
    if user.has_role(clinic, R.PRESCRIBER):
        return True
    if session.modality == "tms":
        return bool(user.has_role(clinic, R.TMS_TECHNICIAN))
    return bool(user.has_role(clinic, R.NURSE))


def require_chart(actor: Any, session: Session) -> None:
    if not may_chart(actor, session):
        raise PermissionDenied("Your role does not allow charting this session.")
