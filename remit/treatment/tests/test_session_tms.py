"""TMS: % machine output from the motor threshold, the daily check, seizures as high alerts."""

# ruff: noqa: F811  (the ``clock`` fixture is imported from factories)

from __future__ import annotations

import datetime as dt

from remit.alerts.models import Alert
from remit.patients.models import Medication
from remit.treatment import actions_checkin, actions_tms
from remit.treatment.models import AdverseEvent, MotorThreshold, Session

from .factories import START, TMS_CHECK, clock, make_session, motor_threshold, session_url, step_url  # noqa: F401

PARAMS = {
    "tms_pattern": "10hz",
    "intensity_pct_mt": "120",
    "pulses_planned": "3000",
    "coil_site_method": "beam_f3",
    "coil_coordinates": "F3",
}


def test_machine_output_is_computed_from_the_threshold_and_percent_mt(world, clock):
    session = make_session(world, "tms")
    client = world.client("tms_technician")
    response = client.post(
        step_url(session, "motor_threshold"),
        {"determined_on": "2030-03-04", "pct_mso": "52", "method": "visual"},
    )
    assert response.status_code == 302
    assert client.post(step_url(session, "tms"), PARAMS).status_code == 302
    stored = Session.objects.get(pk=session.pk)
    assert stored.machine_output_pct == 62 and stored.motor_threshold == MotorThreshold.objects.get()
    assert "62% machine output" in client.get(session_url(session)).content.decode()


def test_an_output_above_100_percent_is_refused_naming_the_field(world, clock):
    session = make_session(world, "tms")
    motor_threshold(session.patient, world.users["tms_technician"], pct=90)
    response = world.client("tms_technician").post(step_url(session, "tms"), PARAMS)
    assert "Intensity (% of motor threshold)" in response.content.decode()
    assert Session.objects.get(pk=session.pk).machine_output_pct is None


def test_a_seizure_since_the_last_session_raises_a_high_alert_and_blocks_starting(world, clock):
    session = make_session(world, "tms")
    tech = world.users["tms_technician"]
    motor_threshold(session.patient, tech)
    actions_checkin.check_in(session, actor=tech)
    actions_tms.record_tms(session, {**PARAMS, "intensity_pct_mt": 120, "pulses_planned": 3000}, actor=tech)
    client = world.client("tms_technician")
    client.post(
        step_url(session, "checklist"), {**TMS_CHECK, "sleep_hours": "7", "seizure_since_last": "yes"}
    )
    alert = Alert.objects.get()
    assert (alert.kind, alert.severity) == ("seizure", "high")
    response = client.post(step_url(session, "dose_start"))
    assert "prescriber review of the reported seizure" in response.content.decode()
    assert Session.objects.get(pk=session.pk).dose_started_at is None
    assert client.post(step_url(session, "seizure_review"), {"note": "ok"}).status_code == 403
    prescriber = world.client("prescriber")
    assert (
        prescriber.post(
            step_url(session, "seizure_review"), {"note": "Provoked; cleared by neurology."}
        ).status_code
        == 302
    )
    assert client.post(step_url(session, "dose_start")).status_code == 302


def test_a_seizure_adverse_event_is_serious_and_raises_a_high_alert(world, clock):
    session = make_session(world, "tms")
    response = world.client("tms_technician").post(
        step_url(session, "adverse_event"),
        {"kind": "seizure", "severity": "mild", "action": "Stopped; recovery position"},
    )
    assert response.status_code == 302
    assert AdverseEvent.objects.get().severity == "serious"
    alert = Alert.objects.get()
    assert (alert.kind, alert.severity) == ("seizure", "high")


def test_the_motor_threshold_reminder(world, clock):
    session = make_session(world, "tms")
    tech = world.users["tms_technician"]
    html = world.client("tms_technician").get(session_url(session)).content.decode()
    assert "No motor threshold is recorded" in html
    old = motor_threshold(session.patient, tech, on=START.date() - dt.timedelta(days=8))
    assert "8 days old" in actions_tms.motor_threshold_reminder(session, old, None)
    fresh = motor_threshold(session.patient, tech, on=START.date() - dt.timedelta(days=2))
    assert actions_tms.motor_threshold_reminder(session, fresh, None) == ""
    Medication.objects.create(
        patient=session.patient, name="bupropion", started_on=START.date() - dt.timedelta(days=1)
    )
    html = world.client("tms_technician").get(session_url(session)).content.decode()
    assert "re-determine it" in html
