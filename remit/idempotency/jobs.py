"""The worker's idempotency job: delete keys older than ``REMIT_IDEMPOTENCY_KEY_HOURS``."""

from __future__ import annotations

from datetime import datetime

from remit.idempotency.store import purge_expired
from remit.jobs import job


@job("idempotency.purge_expired_keys", every_seconds=3600)
def purge_expired_keys(now: datetime) -> int:
    return purge_expired(now)
