"""Misuse signals: early and repeated early booster requests, a positive DAST-10 after the start, a new
F10-F19 diagnosis after the start (Spravato label §5.3: assess abuse risk during treatment; DAST-10 bands:
Skinner 1982; ICD-10-CM F10-F19).
"""

from __future__ import annotations

import datetime as dt

from remit.alerts.models import Alert
from remit.decision.actions_boosters import log_booster_request
from remit.decision.models import ClinicOutcomeSettings
from remit.decision.rules import evaluate_patient
from remit.decision.tests.helpers_outcomes import dast10, day, make_course
from remit.patients import actions as patients
from remit.testing import make_patient
from remit.treatment.models import Course

INDUCTION = [day(-60), day(-58), day(-56), day(-53), day(-51), day(-49)]


def on_maintenance(world, last_booster=-3):
    patient = make_patient(world.clinic)
    make_course(world, patient, INDUCTION, status=Course.COMPLETED)
    make_course(world, patient, [day(-30), day(-16), day(last_booster)], phase="maintenance", planned=4)
    return patient


def misuse(patient):
    return sorted(a.detail["rule"] for a in Alert.objects.filter(patient=patient, kind="misuse_signal"))


def test_a_request_sooner_than_the_protocol_allows_raises_an_alert(world):
    patient = on_maintenance(world)
    log_booster_request(actor=world.users["nurse"], patient=patient, requested_on=day(0))
    assert misuse(patient) == ["early_booster_request"]
    alert = Alert.objects.get(patient=patient, kind="misuse_signal")
    assert "3 days after the last session; the protocol's minimum is 7" in alert.reason


def test_a_request_after_the_minimum_interval_raises_nothing(world):
    patient = on_maintenance(world, last_booster=-10)
    log_booster_request(actor=world.users["nurse"], patient=patient, requested_on=day(0))
    assert misuse(patient) == []


def test_repeated_early_requests_raise_a_high_alert_once(world):
    patient = on_maintenance(world)
    log_booster_request(actor=world.users["nurse"], patient=patient, requested_on=day(-1))
    log_booster_request(actor=world.users["nurse"], patient=patient, requested_on=day(0))
    evaluate_patient(patient)
    assert misuse(patient) == ["early_booster_request", "repeated_early_requests"]
    repeated = Alert.objects.get(patient=patient, detail__rule="repeated_early_requests")
    assert repeated.severity == "medium"


def test_a_positive_dast10_after_the_start_raises_an_alert(world):
    patient = on_maintenance(world, last_booster=-10)
    dast10(world, patient, day(-1), 3)
    assert misuse(patient) == ["positive_dast10"]


def test_a_dast10_below_the_clinics_threshold_raises_nothing(world):
    ClinicOutcomeSettings.objects.create(clinic=world.clinic, dast10_positive_at_or_above=4)
    patient = on_maintenance(world, last_booster=-10)
    dast10(world, patient, day(-1), 3)
    assert misuse(patient) == []


def test_a_new_substance_use_diagnosis_raises_an_alert(world):
    patient = on_maintenance(world, last_booster=-10)
    patients.add_diagnosis(world.users["nurse"], patient, dict(code="F33.2", onset_date=dt.date(2020, 1, 1)))
    assert misuse(patient) == []
    patients.add_diagnosis(world.users["nurse"], patient, dict(code="F12.20", onset_date=day(-2)))
    assert misuse(patient) == ["new_substance_use_diagnosis"]
    patients.add_diagnosis(world.users["nurse"], patient, dict(code="F10.10", onset_date=day(-1)))
    assert Alert.objects.filter(patient=patient, kind="misuse_signal").count() == 1


def test_a_substance_use_diagnosis_from_before_the_course_raises_nothing(world):
    patient = on_maintenance(world, last_booster=-10)
    patients.add_diagnosis(world.users["nurse"], patient, dict(code="F12.20", onset_date=day(-90)))
    assert misuse(patient) == []
