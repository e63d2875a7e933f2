"""Changing a clinic's outcome and decision-support settings (audited with the values before and after)."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone

from remit.audit import actions as audit
from remit.decision.models import ClinicOutcomeSettings


def update_outcome_settings(
    actor: Any, clinic: Any, values: dict[str, Any], request: HttpRequest | None = None
) -> ClinicOutcomeSettings:
    """Change a clinic's outcome settings; audited with the values before and after."""
    if actor is None or not actor.can("outcomes.configure", clinic):
        raise PermissionDenied("Only the clinic's administrator can change its outcome settings.")
    if values.get("partial_response_pct", 0) >= values.get("response_pct", 100):
        raise ValidationError({"partial_response_pct": ["Partial response must be below the response %."]})
    with transaction.atomic():
        current = ClinicOutcomeSettings.objects.select_for_update().filter(clinic=clinic).first()
        if current is None:
            current = ClinicOutcomeSettings(clinic=clinic)
        before = current.snapshot()
        for name in ClinicOutcomeSettings.EDITABLE:
            if name in values:
                setattr(current, name, values[name])
        current.full_clean(exclude=["clinic", "updated_by"])
        current.updated_at = timezone.now()
        current.updated_by = actor
        current.save()
        after = current.snapshot()
        audit.record(
            audit.UPDATE,
            actor=actor,
            request=request,
            obj=current,
            clinic_id=clinic.pk,
            detail={
                "changed": {k: {"from": before[k], "to": after[k]} for k in after if before[k] != after[k]},
            },
        )
    return current
