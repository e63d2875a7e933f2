"""Fixtures shared by the alerts tests: the in-memory SMS outbox and a way to make alerts."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone

from remit import notify
from remit.alerts.models import Alert, EscalationContact


@pytest.fixture(autouse=True)
def sms(settings):
    """Every alerts test sends text messages into ``remit.notify.sms_outbox`` (emptied before and after)."""
    settings.REMIT_SMS_BACKEND = "memory"
    settings.REMIT_ALERT_ESCALATION_MINUTES = 15
    notify.sms_outbox.clear()
    yield notify.sms_outbox
    notify.sms_outbox.clear()


def make_alert(patient: Any, severity: str = "medium", *, minutes_ago: float = 0, **fields: Any) -> Alert:
    """An alert stored directly (no audit, no notification): for pages and ordering."""
    values: dict[str, Any] = {
        "clinic_id": patient.clinic_id,
        "patient": patient,
        "kind": "suicidal_ideation",
        "severity": severity,
        "reason": "PHQ-9 item 9 answered 1 (several days).",
        "created_at": timezone.now() - timedelta(minutes=minutes_ago),
    }
    values.update(fields)
    return Alert.objects.create(**values)


def add_contact(clinic: Any, user: Any, order: int, *, email: str = "", phone: str = "", sms: bool = False):
    user.email = email or f"{user.username}@clinic.example"
    user.phone = phone or f"+1555000{order:04d}"
    user.save(update_fields=["email", "phone"])
    return EscalationContact.objects.create(
        clinic=clinic, user=user, order=order, notify_by_email=True, notify_by_sms=sms
    )
