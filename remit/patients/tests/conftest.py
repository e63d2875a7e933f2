"""Helpers shared by the registry's tests: sub-records and audit counting."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

import pytest
from django.utils import timezone

from remit.audit.models import AuditEvent
from remit.patients.models import Allergy, AntidepressantTrial, Diagnosis, Medication, WeightEntry


def add_records(patient: Any, n: int = 1, voided_by: Any = None) -> None:
    """n of each sub-record kind; with ``voided_by``, the first of each kind is voided."""
    for i in range(n):
        WeightEntry.objects.create(
            patient=patient, measured_on=date(2024, 1, 1 + i), weight_kg=Decimal("70.5") + i
        )
        Diagnosis.objects.create(patient=patient, code=f"F3{i % 10}.1", status="active")
        AntidepressantTrial.objects.create(
            patient=patient,
            drug=f"drug{i}",
            max_daily_dose_mg=Decimal("20"),
            weeks=8,
            adequate=True,
            outcome="no_response",
        )
        Medication.objects.create(patient=patient, name=f"med{i}", is_maoi=bool(i % 2))
        Allergy.objects.create(patient=patient, substance=f"substance{i}")
    if voided_by is not None:
        for model in (WeightEntry, Diagnosis, AntidepressantTrial, Medication, Allergy):
            first = model.objects.filter(patient=patient).order_by("id").first()  # type: ignore[attr-defined]
            model.objects.filter(pk=first.pk).update(  # type: ignore[attr-defined]
                voided_at=timezone.now(), voided_by=voided_by, void_reason="entered in error"
            )


def audit_rows() -> list[AuditEvent]:
    return list(AuditEvent.objects.order_by("seq"))


@pytest.fixture
def audit_count():
    return lambda: AuditEvent.objects.count()
