"""Esketamine: REMS enrolment gate, 5-minute device rest, 120 minutes of monitoring, BP rise alert."""

# ruff: noqa: F811  (the ``clock`` fixture is imported from factories)

from __future__ import annotations

from remit.alerts.models import Alert
from remit.testing import make_patient
from remit.treatment import actions_checkin, actions_esketamine, actions_vitals, monitoring
from remit.treatment.models import RemsEnrolment, Session

from .factories import (  # noqa: F401
    ESKETAMINE_CHECKLIST,
    clock,
    make_session,
    monitored_esketamine,
    ready_esketamine,
    step_url,
)

COMPLETE = {"alert_oriented": "on", "vitals_in_range": "on", "escort_present": "on"}


def test_dosing_is_blocked_without_a_rems_enrolment_until_one_is_recorded(world, clock):
    nurse = world.users["nurse"]
    session = make_session(world, "esketamine", patient=make_patient(world.clinic, sex_at_birth="male"))
    actions_checkin.check_in(session, actor=nurse)
    actions_checkin.save_checklist(session, ESKETAMINE_CHECKLIST, actor=nurse)
    actions_vitals.add_vitals(session, {"systolic": 120, "diastolic": 80}, actor=nurse)
    client = world.client("nurse")
    response = client.post(step_url(session, "device"), {"lot_number": "L1"})
    assert "not enrolled in the Spravato REMS" in response.content.decode()
    assert Session.objects.get(pk=session.pk).devices == []
    assert client.post(step_url(session, "rems_enrol"), {"enrolled_on": "2030-03-01"}).status_code == 302
    assert RemsEnrolment.objects.filter(patient=session.patient).count() == 1
    assert client.post(step_url(session, "esketamine_dose"), {"dose_mg": "56"}).status_code == 302
    assert client.post(step_url(session, "device"), {"lot_number": "L1"}).status_code == 302
    assert len(Session.objects.get(pk=session.pk).devices) == 1


def test_a_device_within_five_minutes_of_the_last_is_refused(world, clock):
    session = ready_esketamine(world, clock)
    client = world.client("nurse")
    client.post(step_url(session, "device"), {"lot_number": "LOT9"})
    clock.advance(minutes=4, seconds=30)
    response = client.post(step_url(session, "device"), {})
    html = response.content.decode()
    assert "Rest 5 minutes between devices" in html and "09:05" in html and "(in 1 min)" in html
    assert len(Session.objects.get(pk=session.pk).devices) == 1
    clock.advance(seconds=30)
    assert client.post(step_url(session, "device"), {}).status_code == 302
    stored = Session.objects.get(pk=session.pk)
    assert len(stored.devices) == 2 and stored.dose_mg == 56 and stored.lot_number == "LOT9"


def test_the_first_device_needs_a_lot_number(world, clock):
    session = ready_esketamine(world, clock)
    response = world.client("nurse").post(step_url(session, "device"), {"lot_number": ""})
    assert "Lot number: Enter the lot number" in response.content.decode()
    assert Session.objects.get(pk=session.pk).devices == []


def test_it_cannot_be_completed_at_119_minutes_and_can_at_120(world, clock):
    session = monitored_esketamine(world, clock)
    first = monitoring.first_device_at(session)
    clock.set(first, minutes=119)
    client = world.client("nurse")
    response = client.post(step_url(session, "discharge"), COMPLETE)
    assert response.status_code == 200
    assert "1 minute remaining" in response.content.decode()
    assert Session.objects.get(pk=session.pk).discharged_at is None
    clock.set(first, minutes=120)
    assert client.post(step_url(session, "discharge"), COMPLETE).status_code == 302
    stored = Session.objects.get(pk=session.pk)
    assert stored.status == Session.COMPLETED and stored.discharge["monitoring_minutes"] == 120


def test_a_rise_of_40_systolic_raises_a_medium_alert(world, clock):
    session = ready_esketamine(world, clock)  # pre-dose 124/78
    actions_esketamine.give_device(session, lot_number="L", actor=world.users["nurse"])
    clock.advance(minutes=40)
    actions_vitals.add_vitals(session, {"systolic": 164, "diastolic": 90}, actor=world.users["nurse"])
    alert = Alert.objects.get()
    assert (alert.kind, alert.severity) == ("vitals_threshold", "medium")
    assert "rose 40 mmHg" in alert.reason


def test_completion_needs_the_rems_observations_and_timed_bp(world, clock):
    session = ready_esketamine(world, clock)
    actions_esketamine.give_device(session, lot_number="L", actor=world.users["nurse"])
    clock.advance(minutes=121)
    response = world.client("nurse").post(step_url(session, "discharge"), COMPLETE)
    html = response.content.decode()
    assert "BP at about 40 minutes" in html and "when the patient would have been ready to leave" in html
    assert Session.objects.get(pk=session.pk).discharged_at is None
