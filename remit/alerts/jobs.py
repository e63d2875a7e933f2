"""The alerts app's background job (registered when the app is ready)."""

from __future__ import annotations

from datetime import datetime

from remit.alerts.actions import escalate_due_alerts
from remit.jobs import job


@job("alerts.escalate", every_seconds=30)
def escalate(now: datetime) -> int:
    """Open high alerts past their escalation time → the next person on the list."""
    return escalate_due_alerts(now)
