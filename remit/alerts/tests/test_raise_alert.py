"""raise_alert: stores the alert with its audit row in the caller's transaction; refuses nonsense."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import transaction
from django.utils import timezone

from remit.alerts.actions import raise_alert
from remit.alerts.models import Alert
from remit.audit.models import AuditEvent
from remit.patients.models import WeightEntry
from remit.testing import make_patient


def test_it_creates_the_alert_and_one_create_audit_row(world):
    patient = make_patient(world.clinic)
    before = AuditEvent.objects.count()
    alert = raise_alert(
        patient=patient,
        kind="vitals_threshold",
        severity="medium",
        reason="Systolic BP 182 mmHg above the clinic's 180.",
        detail={"systolic": 182, "measured": timezone.now()},
        actor=world.users["nurse"],
    )
    stored = Alert.objects.get(pk=alert.pk)
    assert (stored.clinic_id, stored.patient_id, stored.kind, stored.severity) == (
        world.clinic.pk,
        patient.pk,
        "vitals_threshold",
        "medium",
    )
    assert stored.severity_rank == 2
    assert stored.status == "open"
    assert stored.detail["systolic"] == 182
    assert stored.next_escalation_at is None  # only high alerts escalate
    rows = list(AuditEvent.objects.order_by("seq"))[before:]
    assert [(r.action, r.object_type, r.object_id, r.patient_id) for r in rows] == [
        ("create", "alerts.alert", str(alert.pk), patient.pk)
    ]
    assert rows[0].actor == world.users["nurse"]


def test_it_records_its_source(world):
    patient = make_patient(world.clinic)
    weight = WeightEntry.objects.create(patient=patient, measured_on=timezone.localdate(), weight_kg=70)
    alert = raise_alert(patient=patient, kind="seizure", severity="high", reason="Seizure.", source=weight)
    assert (alert.source_type, alert.source_id) == ("patients.weightentry", str(weight.pk))


def test_an_automatic_rule_is_labelled_in_the_audit_trail(world):
    alert = raise_alert(patient=make_patient(world.clinic), kind="relapse", severity="low", reason="r")
    row = AuditEvent.objects.get(object_id=str(alert.pk), action="create")
    assert row.actor is None
    assert row.actor_label == "remit (automatic rule)"


def test_it_rolls_back_with_the_callers_transaction(world):
    patient = make_patient(world.clinic)
    before = AuditEvent.objects.count()
    with pytest.raises(RuntimeError), transaction.atomic():
        raise_alert(patient=patient, kind="suicidal_ideation", severity="high", reason="Item 9 = 1.")
        raise RuntimeError("the caller's save failed")
    assert not Alert.objects.exists()
    assert AuditEvent.objects.count() == before


def test_a_high_alert_is_due_for_escalation_and_others_are_not(world):
    patient = make_patient(world.clinic)
    high = raise_alert(patient=patient, kind="seizure", severity="high", reason="Seizure in session.")
    assert high.next_escalation_at is not None
    assert high.next_escalation_at <= timezone.now() + timedelta(seconds=1)
    for severity in ("medium", "low"):
        assert (
            raise_alert(patient=patient, kind="relapse", severity=severity, reason="r").next_escalation_at
            is None
        )


@pytest.mark.parametrize(
    "fields, message",
    [
        ({"kind": "Suicidal Ideation"}, "kind"),
        ({"kind": ""}, "kind"),
        ({"severity": "urgent"}, "severity"),
        ({"reason": "  "}, "reason"),
        ({"dedupe_key": " "}, "dedupe_key"),
    ],
)
def test_it_refuses_bad_arguments(world, fields, message):
    values = {"kind": "relapse", "severity": "low", "reason": "Relapse after a course."}
    values.update(fields)
    with pytest.raises(ValueError, match=message):
        raise_alert(patient=make_patient(world.clinic), **values)
    assert not Alert.objects.exists()


def test_it_accepts_a_kind_it_does_not_know_yet(world):
    alert = raise_alert(patient=make_patient(world.clinic), kind="new_rule_2027", severity="low", reason="r")
    assert alert.kind_label == "New rule 2027"
