"""Non-response at the protocol's checkpoint (IV ketamine: after infusion 6) raises one review alert.

Source of the checkpoint: Murrough 2013; Oliver 2022 (six-infusion series); threshold 25% = the lower
edge of partial response (clinical-reference §2).
"""

from __future__ import annotations

from remit.alerts.models import Alert
from remit.decision.models import ClinicOutcomeSettings
from remit.decision.rules import evaluate_patient
from remit.decision.tests.helpers_outcomes import day, make_course, phq9, scores
from remit.testing import make_patient

SIX = [day(-14), day(-12), day(-10), day(-7), day(-5), day(-3)]


def _nonresponder(world):
    patient = make_patient(world.clinic)
    scores(world, patient, [(-15, 20), (-9, 19)])
    make_course(world, patient, SIX)
    return patient


def test_an_assessment_after_the_checkpoint_raises_a_medium_alert_with_the_trajectory(world):
    patient = _nonresponder(world)
    phq9(world, patient, day(-1), 18, signal=True)
    alerts = list(Alert.objects.filter(patient=patient, kind="nonresponse"))
    assert len(alerts) == 1
    alert = alerts[0]
    assert alert.severity == "medium"
    assert "PHQ-9 baseline 20 → 19, 18" in alert.reason
    assert "10%" in alert.reason and "after 6 sessions" in alert.reason
    assert alert.detail["rule"] == "nonresponse_checkpoint"
    assert alert.detail["data_checkpoint_session"] == 6


def test_it_is_raised_once_however_often_the_rules_run(world):
    patient = _nonresponder(world)
    phq9(world, patient, day(-1), 18, signal=True)
    phq9(world, patient, day(0), 19, signal=True)
    evaluate_patient(patient)
    assert Alert.objects.filter(patient=patient, kind="nonresponse").count() == 1


def test_an_acknowledged_alert_is_not_raised_again_on_the_same_evidence(world):
    from remit.alerts.actions import acknowledge_alert

    patient = _nonresponder(world)
    phq9(world, patient, day(-1), 18, signal=True)
    alert = Alert.objects.get(patient=patient, kind="nonresponse")
    acknowledge_alert(alert, actor=world.users["prescriber"], note="Discussed; continuing two more.")
    phq9(world, patient, day(0), 19, signal=True)
    assert Alert.objects.filter(patient=patient, kind="nonresponse").count() == 1


def test_it_is_not_raised_with_enough_improvement(world):
    patient = _nonresponder(world)
    phq9(world, patient, day(-1), 15, signal=True)  # 25% better: the threshold itself is not non-response
    assert not Alert.objects.filter(patient=patient, kind="nonresponse").exists()


def test_it_is_not_raised_before_the_checkpoint(world):
    patient = make_patient(world.clinic)
    scores(world, patient, [(-15, 20)])
    make_course(world, patient, SIX[:5])
    phq9(world, patient, day(-1), 20, signal=True)
    assert not Alert.objects.filter(patient=patient, kind="nonresponse").exists()


def test_the_threshold_is_the_clinics_setting(world):
    ClinicOutcomeSettings.objects.create(clinic=world.clinic, nonresponse_min_improvement_pct=10)
    patient = _nonresponder(world)
    phq9(world, patient, day(-1), 17, signal=True)  # 15% better: above the clinic's 10%
    assert not Alert.objects.filter(patient=patient, kind="nonresponse").exists()


def test_a_missing_assessment_is_reported_low_after_a_grace_period_not_skipped(world):
    patient = make_patient(world.clinic)
    make_course(world, patient, SIX)
    evaluate_patient(patient)
    assert not Alert.objects.filter(patient=patient).exists()  # 3 days after session 6: still waiting
    evaluate_patient(patient, as_of=day(5))
    alert = Alert.objects.get(patient=patient, kind="nonresponse")
    assert alert.severity == "low" and "no baseline" in alert.reason


def test_a_responder_who_relapses_later_is_not_a_non_responder(world):
    patient = make_patient(world.clinic)
    scores(world, patient, [(-15, 20), (-2, 8)])
    make_course(world, patient, SIX)
    phq9(world, patient, day(0), 19, signal=True)  # judged at the first score after session 6: 60% better
    assert not Alert.objects.filter(patient=patient, kind="nonresponse").exists()
