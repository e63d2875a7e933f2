"""Relapse after a completed course raises one high alert proposing a booster.

Relapse rule: Remit's own default (2 assessments without benefit at least 5 days apart after response),
a clinic setting; SUSTAIN-1's definitions were not found (clinical-reference §8). Median relapse about
18 days after a course: Murrough 2013; Phillips 2019.
"""

from __future__ import annotations

from remit.alerts.models import Alert
from remit.decision.models import ClinicOutcomeSettings
from remit.decision.rules import evaluate_patient
from remit.decision.tests.helpers_outcomes import day, make_course, phq9, scores
from remit.testing import make_patient
from remit.treatment.models import Course

SESSION_DAYS = [day(-60), day(-58), day(-56), day(-53), day(-51), day(-49)]


def relapsed(world, *, second_total=19):
    patient = make_patient(world.clinic)
    scores(world, patient, [(-61, 20), (-47, 8), (-40, 6), (-30, 18)])
    course = make_course(world, patient, SESSION_DAYS, status=Course.COMPLETED)
    phq9(world, patient, day(-24), second_total, signal=True)
    return patient, course


def test_a_confirmed_relapse_raises_a_high_alert_proposing_a_booster(world):
    patient, course = relapsed(world)
    alert = Alert.objects.get(patient=patient, kind="relapse")
    assert alert.severity == "medium"
    assert "consider a booster" in alert.reason
    assert alert.detail["course"] == course.pk
    assert alert.detail["data_onset"] == day(-30).isoformat()
    assert alert.detail["action_url"].endswith(f"#course-{course.pk}")


def test_it_is_raised_once(world):
    patient, _ = relapsed(world)
    evaluate_patient(patient)
    evaluate_patient(patient)
    assert Alert.objects.filter(patient=patient, kind="relapse").count() == 1


def test_a_single_bad_score_is_not_a_relapse(world):
    patient, _ = relapsed(world, second_total=7)  # back to responding: the run is broken
    assert not Alert.objects.filter(patient=patient, kind="relapse").exists()


def test_the_rule_is_the_clinics_setting(world):
    ClinicOutcomeSettings.objects.create(clinic=world.clinic, relapse_assessments=3)
    patient, _ = relapsed(world)
    assert not Alert.objects.filter(patient=patient, kind="relapse").exists()


def test_old_history_beyond_the_lookback_raises_nothing(world):
    ClinicOutcomeSettings.objects.create(clinic=world.clinic, alert_lookback_days=10)
    patient, _ = relapsed(world)
    assert not Alert.objects.filter(patient=patient, kind="relapse").exists()
