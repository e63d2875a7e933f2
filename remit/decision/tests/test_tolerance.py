"""Tolerance signals over maintenance boosters: dose rising above induction, shrinking intervals, booster rate.

No source quantifies ketamine tolerance (clinical-reference §3, [UNVERIFIED]): every threshold is a clinic
setting with an example default (25% dose rise, 3 shrinking intervals, more than 2 boosters in 30 days).
"""

from __future__ import annotations

from django.utils import timezone

from remit.alerts.models import Alert
from remit.decision.rules import evaluate_patient
from remit.decision.tests.helpers_outcomes import day, make_course
from remit.testing import make_patient
from remit.treatment import actions_signing
from remit.treatment.models import Course, Session

INDUCTION = [day(-130), day(-128), day(-126), day(-123), day(-121), day(-119)]


def with_boosters(world, offsets, doses):
    patient = make_patient(world.clinic)
    make_course(world, patient, INDUCTION, status=Course.COMPLETED)
    course = make_course(
        world, patient, [day(o) for o in offsets], phase="maintenance", mg_per_kg=doses, planned=12
    )
    return patient, course


def sign_last(world, course):
    """Discharge the latest session and sign it with the real sign action, as a nurse would."""
    session = course.sessions.order_by("-number").first()
    Session.objects.filter(pk=session.pk).update(discharged_at=timezone.now())
    actions_signing.sign(session, actor=world.users["nurse"])


def rules_raised(patient):
    return sorted(a.detail["rule"] for a in Alert.objects.filter(patient=patient, kind="dose_escalation"))


def test_a_dose_above_induction_by_more_than_the_fraction_raises_an_alert_when_a_session_is_signed(world):
    patient, course = with_boosters(world, [-70, -56, -42, -28], ["0.50", "0.55", "0.60", "0.70"])
    assert rules_raised(patient) == []
    sign_last(world, course)
    assert rules_raised(patient) == ["dose_escalation"]
    alert = Alert.objects.get(patient=patient, kind="dose_escalation")
    assert "40% above the induction dose 0.5 mg/kg" in alert.reason
    assert alert.detail["chart_url"].endswith("#doses-ketamine_iv")


def test_a_dose_within_the_fraction_raises_nothing(world):
    patient, course = with_boosters(world, [-70, -56, -42, -28], ["0.50", "0.55", "0.60", "0.60"])
    sign_last(world, course)
    assert rules_raised(patient) == []


def test_three_shrinking_intervals_raise_an_alert(world):
    patient, course = with_boosters(world, [-100, -70, -50, -38, -30], ["0.5"] * 5)  # 30, 20, 12, 8 days
    sign_last(world, course)
    assert rules_raised(patient) == ["shrinking_booster_intervals"]


def test_steady_intervals_raise_nothing(world):
    patient, course = with_boosters(world, [-84, -70, -56, -42, -28], ["0.5"] * 5)
    sign_last(world, course)
    assert rules_raised(patient) == []


def test_more_boosters_in_the_window_than_the_rate_raises_an_alert(world):
    patient, course = with_boosters(world, [-60, -28, -20, -12], ["0.5"] * 4)  # 3 in the last 30 days
    sign_last(world, course)
    assert rules_raised(patient) == ["booster_frequency"]


def test_each_rule_is_raised_once(world):
    patient, course = with_boosters(
        world, [-80, -50, -30, -18, -10, -4], ["0.5", "0.5", "0.6", "0.6", "0.7", "0.7"]
    )
    sign_last(world, course)
    evaluate_patient(patient)
    assert rules_raised(patient) == ["booster_frequency", "dose_escalation", "shrinking_booster_intervals"]
