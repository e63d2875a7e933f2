"""The audit app's background job: a signed checkpoint of the chain's head, outside the database."""

from __future__ import annotations

from datetime import datetime

from django.conf import settings

from remit.audit.actions import write_checkpoint
from remit.jobs import job


@job("audit.checkpoint", every_seconds=settings.REMIT_AUDIT_CHECKPOINT_SECONDS)
def checkpoint(now: datetime) -> int:
    """Append the newest row's number and seal, signed with the audit key, to the checkpoint file."""
    write_checkpoint(now)
    return 1
