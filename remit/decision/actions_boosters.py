"""Logging a patient's booster request: audited, and the rules run at once (the ``booster_requested`` event)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone

from remit import events
from remit.audit import actions as audit
from remit.decision.models import BoosterRequest
from remit.patients.models import Patient


def log_booster_request(
    *, actor: Any, patient: Patient, requested_on: dt.date, note: str = "", request: HttpRequest | None = None
) -> BoosterRequest:
    """Record a patient's request for a booster (audited) and run the rules at once."""
    if patient.is_voided:
        raise ValidationError("This patient's record is voided.")
    today = timezone.localdate()
    if requested_on > today:
        raise ValidationError({"requested_on": ["The request date cannot be in the future."]})
    if requested_on < today - dt.timedelta(days=365):
        raise ValidationError({"requested_on": ["The request date is more than a year ago."]})
    with transaction.atomic():
        row = BoosterRequest.objects.create(
            patient=patient, requested_on=requested_on, note=(note or "").strip()[:500], entered_by=actor
        )
        audit.record(
            audit.CREATE,
            actor=actor,
            request=request,
            obj=row,
            patient=patient,
            detail={"requested_on": requested_on.isoformat()},
        )
        events.emit(events.BOOSTER_REQUESTED, patient=patient, actor=actor, source=row)
    return row
