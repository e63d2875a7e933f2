"""Rules run on the actions' named events, in the action's transaction; a failing rule is never silent."""

from __future__ import annotations

import pytest
from django.utils import timezone

from remit import events
from remit.alerts.models import Alert
from remit.decision.tests.helpers_outcomes import day, make_course, phq9, scores
from remit.measures.models import Assessment
from remit.testing import make_patient
from remit.treatment import actions_signing
from remit.treatment.models import Session

SIX = [day(-14), day(-12), day(-10), day(-7), day(-5), day(-3)]


def sign_latest(world, patient) -> Session:
    """Discharge the latest session, then sign it with the real action, as a nurse would."""
    session = patient.sessions.order_by("-number").first()
    Session.objects.filter(pk=session.pk).update(discharged_at=timezone.now())
    return actions_signing.sign(session, actor=world.users["nurse"])


def test_signing_a_session_with_the_sign_action_runs_the_rules(world):
    patient = make_patient(world.clinic)
    scores(world, patient, [(-15, 20), (-1, 19)])
    make_course(world, patient, SIX)
    assert not Alert.objects.filter(patient=patient, kind="nonresponse").exists()
    sign_latest(world, patient)
    assert Alert.objects.filter(patient=patient, kind="nonresponse").exists()


def test_saving_an_unsigned_session_runs_no_rules(world):
    patient = make_patient(world.clinic)
    scores(world, patient, [(-15, 20), (-1, 19)])
    course = make_course(world, patient, SIX)
    session = course.sessions.first()
    session.room = "Chair 2"
    session.save()  # a plain save is no event: nothing runs
    assert not Alert.objects.exists()


def test_a_failing_rule_keeps_the_assessment_and_raises_a_high_decision_support_failed_alert(
    world, monkeypatch, caplog
):
    from remit.decision import rules

    patient = make_patient(world.clinic)
    scores(world, patient, [(-15, 20)])
    make_course(world, patient, SIX)

    def broken(*args, **kwargs):
        raise RuntimeError("bug in a rule")

    monkeypatch.setattr(rules, "findings_for", broken)
    assessment = phq9(world, patient, day(-1), 19, signal=True)
    assert Assessment.objects.filter(pk=assessment.pk).exists()
    alert = Alert.objects.get(patient=patient, kind="decision_support_failed")
    assert alert.severity == "high"
    assert alert.kind_label == "Decision support failed"
    assert "review the patient's chart by hand" in alert.reason
    assert "RuntimeError" not in alert.reason and "bug in a rule" not in alert.reason
    assert "bug in a rule" in caplog.text  # the error itself is for the server log


def test_a_failing_rule_on_signing_keeps_the_signature_and_raises_the_alert(world, monkeypatch):
    from remit.decision import rules

    patient = make_patient(world.clinic)
    scores(world, patient, [(-15, 20), (-1, 19)])
    make_course(world, patient, SIX)
    monkeypatch.setattr(rules, "findings_for", lambda *a, **k: 1 / 0)
    session = sign_latest(world, patient)
    assert Session.objects.get(pk=session.pk).signed_at is not None
    assert Alert.objects.filter(patient=patient, kind="decision_support_failed", severity="high").count() == 1


def test_when_the_failure_cannot_be_reported_the_action_rolls_back_with_the_error(world, monkeypatch):
    from remit.alerts import actions as alert_actions
    from remit.decision import rules

    patient = make_patient(world.clinic)
    scores(world, patient, [(-15, 20)])
    make_course(world, patient, SIX)
    monkeypatch.setattr(rules, "findings_for", lambda *a, **k: 1 / 0)

    def reporter_down(*args, **kwargs):
        raise RuntimeError("alerts table unavailable")

    monkeypatch.setattr(events, "_failure_reporter", reporter_down)
    monkeypatch.setattr(alert_actions, "report_listener_failure", reporter_down)
    before = Assessment.objects.count()
    with pytest.raises(RuntimeError, match="alerts table unavailable"):
        phq9(world, patient, day(-1), 19, signal=True)
    assert Assessment.objects.count() == before


def test_every_event_has_a_listener_and_an_unknown_event_is_refused():
    for name in events.EVENTS:
        assert events.listeners(name), f"nobody listens to {name}"
    with pytest.raises(ValueError, match="No event is named"):
        events.emit("session_sined", patient=None)
