"""The safety gates every caller meets: the checklist before a dose, recent vitals before discharge."""

# ruff: noqa: F811  (the ``clock`` fixture is imported from factories)

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from remit.treatment import actions_checkin, actions_dosing, actions_ketamine, actions_signing, actions_vitals
from remit.treatment.models import Session
from remit.treatment.treatment_settings import treatment_settings

from .factories import (  # noqa: F401
    KETAMINE_CHECKLIST,
    clock,
    make_patient,
    make_session,
    ready_esketamine,
    ready_ketamine,
)

DISCHARGE = {"alert_oriented": True, "vitals_in_range": True, "escort_present": True}
VITALS = {"systolic": 124, "diastolic": 78, "heart_rate": 70, "spo2": 98}


def _dose(session, nurse):
    return actions_ketamine.record_ketamine_dose(
        session,
        weight_kg=Decimal("80"),
        mg_per_kg=Decimal("0.5"),
        concentration_mg_per_ml=Decimal("10"),
        infusion_minutes=40,
        actor=nurse,
    )


def test_a_ketamine_dose_cannot_be_confirmed_before_the_checklist_is_complete(world, clock):
    """Pre-dose checks come before the dose (clinical-reference §3: fasting, escort, medications)."""
    nurse = world.users["nurse"]
    session = make_session(world, patient=make_patient(world.clinic, sex_at_birth="male"))
    actions_checkin.check_in(session, actor=nurse)
    actions_checkin.save_checklist(session, {**KETAMINE_CHECKLIST, "escort": False}, actor=nurse)
    with pytest.raises(ValidationError, match="checklist is incomplete — Escort home confirmed"):
        _dose(session, nurse)
    assert Session.objects.get(pk=session.pk).dose_mg is None
    actions_checkin.save_checklist(session, KETAMINE_CHECKLIST, actor=nurse)
    assert _dose(session, nurse).dose_mg == Decimal("40.0")


def test_the_first_esketamine_device_is_refused_with_the_checklist_incomplete(world, clock):
    """Spravato label (clinical-reference §4): no nasal decongestant within 1 hour; transport arranged."""
    from remit.treatment import actions_esketamine

    nurse = world.users["nurse"]
    session = ready_esketamine(world, clock)
    Session.objects.filter(pk=session.pk).update(checklist={**KETAMINE_CHECKLIST, "nasal": True})
    with pytest.raises(ValidationError, match="Transport home arranged"):
        actions_esketamine.give_device(session, lot_number="LOT1", actor=nurse)
    assert Session.objects.get(pk=session.pk).devices == []


def _monitored_ketamine(world, clock):
    nurse = world.users["nurse"]
    session = ready_ketamine(world, clock)
    actions_dosing.start_dose(session, actor=nurse)
    actions_vitals.add_vitals(session, VITALS, actor=nurse)
    clock.advance(minutes=40)
    actions_dosing.end_dose(session, actor=nurse)
    actions_vitals.add_vitals(session, VITALS, actor=nurse)
    return session


def test_discharge_is_refused_while_the_last_vitals_are_older_than_the_interval_plus_grace(world, clock):
    """Vitals at the clinic's configurable interval (clinical-reference §3, "q5-15 min"); the grace period
    is a clinic setting with an example value ([UNVERIFIED] in no source)."""
    nurse = world.users["nurse"]
    session = _monitored_ketamine(world, clock)
    settings = treatment_settings(session.clinic_id)
    assert (settings.vitals_interval_minutes, settings.vitals_grace_minutes) == (15, 5)
    clock.advance(minutes=81)
    with pytest.raises(ValidationError) as refused:
        actions_signing.discharge(session, DISCHARGE, actor=nurse)
    message = " ".join(refused.value.messages)
    assert "81 minutes ago" in message and "every 15 minutes (5 minutes' grace)" in message
    assert Session.objects.get(pk=session.pk).discharged_at is None
    clock.advance(minutes=1)
    actions_vitals.add_vitals(session, VITALS, actor=nurse)
    clock.advance(minutes=20)
    assert actions_signing.discharge(session, DISCHARGE, actor=nurse).discharged_at is not None


def test_a_reading_just_within_the_grace_period_allows_discharge_and_one_minute_later_does_not(world, clock):
    """The limit is the interval plus the grace: 15 + 5 minutes with the example settings."""
    nurse = world.users["nurse"]
    session = _monitored_ketamine(world, clock)
    clock.advance(minutes=60)
    actions_vitals.add_vitals(session, VITALS, actor=nurse)
    clock.advance(minutes=21)
    with pytest.raises(ValidationError, match="21 minutes ago"):
        actions_signing.discharge(session, DISCHARGE, actor=nurse)
    settings = treatment_settings(session.clinic_id)
    settings.vitals_grace_minutes = 6
    settings.save()
    assert actions_signing.discharge(session, DISCHARGE, actor=nurse).discharged_at is not None


def test_overdue_vitals_raise_one_alert_naming_the_charting_nurse_resolved_by_the_next_reading(world, clock):
    """Vitals at the clinic's interval (clinical-reference §3); overdue past the interval plus the grace
    period (a clinic setting, example 5 minutes). Raised once, not on every run of the job."""
    from remit import jobs
    from remit.alerts.actions import acknowledge_alert
    from remit.alerts.models import Alert

    nurse = world.users["nurse"]
    session = _monitored_ketamine(world, clock)
    run = jobs.get("treatment.vitals_overdue")
    assert run(clock.advance(minutes=20)) == 0  # 20 minutes: still within 15 + 5
    assert run(clock.advance(minutes=1)) == 1
    assert run(clock.advance(minutes=10)) == 0
    alert = Alert.objects.get(kind="vitals_overdue")
    assert (alert.severity, alert.status, alert.detail["charting_user_id"]) == ("medium", "open", nurse.pk)
    assert nurse.get_full_name() in alert.reason and "every 15 minutes" in alert.reason
    assert "vitals_overdue" not in alert.reason and alert.kind_label == "Vital signs overdue"
    actions_vitals.add_vitals(session, VITALS, actor=nurse)
    alert.refresh_from_db()
    assert alert.status == "acknowledged" and alert.acknowledged_by == nurse
    assert run(clock.advance(minutes=5)) == 0
    assert run(clock.advance(minutes=20)) == 1  # the next missed reading is a new alert
    second = Alert.objects.get(kind="vitals_overdue", status="open")
    acknowledge_alert(second, actor=world.users["prescriber"], note="Called the chair.")
    assert run(clock.advance(minutes=5)) == 0  # acknowledged: not raised again for the same reading
    assert Alert.objects.filter(kind="vitals_overdue").count() == 2


def test_no_overdue_alert_once_the_patient_is_discharged(world, clock):
    """Monitoring ends at discharge: nothing is due after it."""
    from remit import jobs

    nurse = world.users["nurse"]
    session = _monitored_ketamine(world, clock)
    for _ in range(6):
        clock.advance(minutes=15)
        actions_vitals.add_vitals(session, VITALS, actor=nurse)
    actions_signing.discharge(session, DISCHARGE, actor=nurse)
    assert jobs.get("treatment.vitals_overdue")(clock.advance(minutes=60)) == 0


TMS_PARAMS = {
    "tms_pattern": "10hz",
    "intensity_pct_mt": 120,
    "pulses_planned": 3000,
    "coil_site_method": "beam_f3",
}


def _stimulating_tms(world, clock):
    from .factories import TMS_CHECK, motor_threshold

    tech = world.users["tms_technician"]
    session = make_session(world, "tms")
    motor_threshold(session.patient, tech)
    actions_checkin.check_in(session, actor=tech)
    actions_checkin.save_checklist(session, TMS_CHECK, actor=tech)
    from remit.treatment import actions_tms

    actions_tms.record_tms(session, TMS_PARAMS, actor=tech)
    actions_dosing.start_dose(session, actor=tech)
    return session


def test_3000_pulses_charted_in_2_seconds_are_refused_naming_the_minimum(world, clock):
    """10 Hz: 4 s trains of 40 pulses; 11 s between trains in the shortest published variant
    (clinical-reference §5, O'Reardon 2007 / NeuroStar, "19-minute" protocol): 3000 pulses need 18 min 34 s."""
    from remit.treatment import actions_tms

    tech = world.users["tms_technician"]
    session = _stimulating_tms(world, clock)
    actions_tms.record_tms(session, {**TMS_PARAMS, "pulses_delivered": 3000}, actor=tech)
    clock.advance(seconds=2)
    with pytest.raises(ValidationError) as refused:
        actions_dosing.end_dose(session, actor=tech)
    message = refused.value.message_dict["pulses_delivered"][0]
    assert "3,000 pulses of 10 Hz take at least 18 min 34 s" in message and "(2 s)" in message
    assert Session.objects.get(pk=session.pk).dose_ended_at is None
    clock.advance(minutes=18, seconds=32)
    assert actions_dosing.end_dose(session, actor=tech).dose_ended_at is not None


def test_pulses_entered_after_the_end_are_checked_against_the_charted_times(world, clock):
    """The same minimum whichever order the technician charts in (clinical-reference §5)."""
    from remit.treatment import actions_tms

    tech = world.users["tms_technician"]
    session = _stimulating_tms(world, clock)
    clock.advance(minutes=5)
    actions_dosing.end_dose(session, actor=tech)
    with pytest.raises(ValidationError, match="take at least 18 min 34 s"):
        actions_tms.record_tms(session, {**TMS_PARAMS, "pulses_delivered": 3000}, actor=tech)
    assert Session.objects.get(pk=session.pk).pulses_delivered is None
    actions_tms.record_tms(session, {**TMS_PARAMS, "pulses_delivered": 800}, actor=tech)
    assert Session.objects.get(pk=session.pk).pulses_delivered == 800
