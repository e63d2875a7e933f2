"""Rules run in the transaction of the record that triggers them; a fault in a rule never loses that record."""

from __future__ import annotations

from django.utils import timezone

from remit.alerts.models import Alert
from remit.measures.models import Assessment
from remit.reports.tests.helpers_outcomes import day, make_course, phq9, scores
from remit.testing import make_patient

SIX = [day(-14), day(-12), day(-10), day(-7), day(-5), day(-3)]


def test_a_failing_rule_keeps_the_assessment_and_logs(world, monkeypatch, caplog):
    from remit.reports import decision

    patient = make_patient(world.clinic)
    scores(world, patient, [(-15, 20)])
    make_course(world, patient, SIX)

    def broken(*args, **kwargs):
        raise RuntimeError("bug in a rule")

    monkeypatch.setattr(decision, "findings_for", broken)
    assessment = phq9(world, patient, day(-1), 19, signal=True)
    assert Assessment.objects.filter(pk=assessment.pk).exists()
    assert "decision support failed" in caplog.text


def test_saving_an_unsigned_session_runs_no_rules(world):
    patient = make_patient(world.clinic)
    scores(world, patient, [(-15, 20)])
    course = make_course(world, patient, SIX)
    session = course.sessions.first()
    session.room = "Chair 2"
    session.save()  # not signed: no evaluation
    assert not Alert.objects.exists()


def test_signing_a_session_with_a_full_save_runs_the_rules(world):
    patient = make_patient(world.clinic)
    scores(world, patient, [(-15, 20), (-1, 19)])
    make_course(world, patient, SIX)
    session = patient.sessions.order_by("-number").first()
    session.signed_at = timezone.now()
    session.save()
    assert Alert.objects.filter(patient=patient, kind="nonresponse").exists()
