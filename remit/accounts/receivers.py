"""Security events that arrive as signals: failed sign-ins and lockouts.

A failed password is recorded here, once per attempt, whichever view asked
(the sign-in page or re-authentication), because Django sends
``user_login_failed`` from ``authenticate`` itself.  The password is never
recorded: Django has already masked it, and only the username is kept.
"""

from __future__ import annotations

from typing import Any

from axes.helpers import get_failure_limit
from axes.signals import user_locked_out
from django.contrib.auth.signals import user_login_failed
from django.dispatch import receiver

from remit.audit import actions as audit


def _clinic_of(username: str) -> int | None:
    """The attempted account's (first) clinic, so that clinic's administrators see attacks on their staff."""
    from remit.accounts.models import Clinic

    if not username:
        return None
    return Clinic.objects.filter(staff__username=username).order_by("pk").values_list("pk", flat=True).first()


def _attempted_username(credentials: dict[str, Any] | None) -> str:
    return str((credentials or {}).get("username") or "")[:150]


@receiver(user_login_failed, dispatch_uid="remit.accounts.login_failed")
def record_login_failure(
    sender: Any, credentials: dict[str, Any] | None = None, request: Any = None, **kwargs: Any
) -> None:
    detail: dict[str, Any] = {"username": _attempted_username(credentials)}
    if request is not None:
        detail["path"] = request.path
        # Axes' own receiver runs first (it is installed earlier) and flags a
        # request it refused or that has just reached the limit.
        if getattr(request, "axes_locked_out", False):
            detail["locked_out"] = True
    audit.record(
        audit.LOGIN_FAILURE, request=request, clinic_id=_clinic_of(detail["username"]), detail=detail
    )


@receiver(user_locked_out, dispatch_uid="remit.accounts.locked_out")
def record_lockout(sender: Any, request: Any = None, username: str | None = None, **kwargs: Any) -> None:
    """One row when the lock engages; further refused attempts are login failures marked locked_out."""
    failures = getattr(request, "axes_failures_since_start", None)
    if request is not None and failures is not None:
        credentials = getattr(request, "axes_credentials", None)
        if failures > get_failure_limit(request, credentials):
            return
    audit.record(
        audit.LOCKOUT,
        request=request,
        clinic_id=_clinic_of(str(username or "")),
        detail={"username": str(username or "")[:150], "failures": failures},
    )
