"""An opioid antagonist started during a ketamine course raises an alert: naltrexone blocked ketamine's
antidepressant effect (Williams, Heifets, Schatzberg et al. 2018, Am J Psychiatry)."""

from __future__ import annotations

import datetime as dt

from remit.alerts.models import Alert
from remit.decision.rules import evaluate_patient
from remit.decision.tests.helpers_outcomes import day, make_course
from remit.patients import actions as patients
from remit.testing import make_patient

SIX = [day(-14), day(-12), day(-10), day(-7), day(-5), day(-3)]


def test_naltrexone_started_during_a_ketamine_course_raises_a_high_alert_once(world):
    patient = make_patient(world.clinic)
    make_course(world, patient, SIX[:3])
    patients.add_medication(world.users["nurse"], patient, dict(name="Naltrexone 50 mg", started_on=day(-8)))
    alert = Alert.objects.get(patient=patient, kind="opioid_antagonist")
    assert alert.severity == "medium" and "Naltrexone" in alert.reason
    evaluate_patient(patient)
    assert Alert.objects.filter(patient=patient, kind="opioid_antagonist").count() == 1


def test_any_medication_flagged_as_an_opioid_antagonist_counts(world):
    patient = make_patient(world.clinic)
    make_course(world, patient, SIX[:3])
    patients.add_medication(
        world.users["nurse"],
        patient,
        dict(name="Study drug X", is_opioid_antagonist=True, started_on=day(-8)),
    )
    assert Alert.objects.filter(patient=patient, kind="opioid_antagonist").exists()


def test_an_antagonist_stopped_before_the_course_or_during_tms_raises_nothing(world):
    patient = make_patient(world.clinic)
    make_course(world, patient, SIX[:3])
    patients.add_medication(
        world.users["nurse"],
        patient,
        dict(name="naltrexone", started_on=dt.date(2020, 1, 1), stopped_on=dt.date(2020, 6, 1)),
    )
    other = make_patient(world.clinic)
    make_course(world, other, SIX[:3], modality="tms", mg_per_kg=None)
    patients.add_medication(world.users["nurse"], other, dict(name="naltrexone", started_on=day(-8)))
    assert not Alert.objects.filter(kind="opioid_antagonist").exists()
