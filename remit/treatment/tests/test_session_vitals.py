"""Vitals: impossible readings named and refused; a breach raises an alert and needs an action before discharge."""

# ruff: noqa: F811  (the ``clock`` fixture is imported from factories)

from __future__ import annotations

import pytest

from remit.alerts.models import Alert
from remit.treatment import actions_dosing
from remit.treatment.models import Session, SessionAction, VitalSign

from .factories import clock, ready_ketamine, session_url, step_url  # noqa: F401

DISCHARGE = {"alert_oriented": "on", "vitals_in_range": "on", "escort_present": "on"}


@pytest.fixture
def running(world, clock):
    session = ready_ketamine(world, clock)
    actions_dosing.start_dose(session, actor=world.users["nurse"])
    return session


def test_bp_300_over_20_is_refused_naming_the_field_and_nothing_is_saved(world, running):
    response = world.client("nurse").post(step_url(running, "vitals"), {"systolic": "300", "diastolic": "20"})
    assert response.status_code == 200
    assert "Blood pressure (mmHg): systolic 300 mmHg is not a possible reading" in response.content.decode()
    assert VitalSign.objects.count() == 0
    assert Alert.objects.count() == 0


def test_a_reading_within_range_raises_nothing_and_sets_the_next_due_time(world, running, clock):
    client = world.client("nurse")
    response = client.post(
        step_url(running, "vitals"), {"systolic": "130", "diastolic": "82", "heart_rate": "75"}
    )
    assert response.status_code == 302
    assert Alert.objects.count() == 0
    html = client.get(session_url(running)).content.decode()
    assert "Next vitals due at <strong>09:15</strong>" in html
    clock.advance(minutes=16)
    html = client.get(session_url(running)).content.decode()
    assert "vitals-due overdue" in html


def test_a_breach_raises_an_alert_and_blocks_discharge_until_an_action_is_recorded(world, running, clock):
    client = world.client("nurse")
    client.post(step_url(running, "vitals"), {"systolic": "190", "diastolic": "100", "heart_rate": "88"})
    vital = VitalSign.objects.get()
    assert [b["field"] for b in vital.breaches] == ["systolic"]
    alert = Alert.objects.get()
    assert (alert.kind, alert.severity, alert.patient_id) == ("vitals_threshold", "high", running.patient_id)
    clock.advance(minutes=40)
    actions_dosing.end_dose(running, actor=world.users["nurse"])
    clock.advance(minutes=90)
    response = client.post(step_url(running, "discharge"), DISCHARGE)
    assert response.status_code == 200
    assert "Record the action taken" in response.content.decode()
    assert Session.objects.get(pk=running.pk).discharged_at is None

    response = client.post(
        step_url(running, "vital_action"), {"vital": vital.pk, "kind": "slowed", "detail": "Rate halved"}
    )
    assert response.status_code == 302
    assert SessionAction.objects.get().vital == vital
    client.post(step_url(running, "vitals"), {"systolic": "128", "diastolic": "80", "heart_rate": "72"})
    response = client.post(step_url(running, "discharge"), DISCHARGE)
    assert response.status_code == 302
    stored = Session.objects.get(pk=running.pk)
    assert stored.status == Session.COMPLETED and stored.discharge["monitoring_minutes"] == 130


def test_discharge_needs_every_criterion_naming_it(world, running, clock):
    clock.advance(minutes=40)
    actions_dosing.end_dose(running, actor=world.users["nurse"])
    clock.advance(minutes=90)
    response = world.client("nurse").post(
        step_url(running, "discharge"), {"alert_oriented": "on", "vitals_in_range": "on"}
    )
    assert response.status_code == 200
    assert "Escort present to take the patient home" in response.content.decode()
    assert Session.objects.get(pk=running.pk).discharged_at is None


def test_discharge_waits_for_the_clinics_minimum_monitoring_time(world, running, clock):
    clock.advance(minutes=40)
    actions_dosing.end_dose(running, actor=world.users["nurse"])
    clock.advance(minutes=60)
    response = world.client("nurse").post(step_url(running, "discharge"), DISCHARGE)
    assert "20 minutes remaining" in response.content.decode()
    assert Session.objects.get(pk=running.pk).discharged_at is None
