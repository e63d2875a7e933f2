"""Suicidal ideation on the portal: crisis resources on the confirmation page and an alert, at once."""

from __future__ import annotations

import pytest

from remit.alerts.models import Alert
from remit.measures.models import Assessment, QuestionnaireRequest
from remit.measures.tests.conftest import (
    PHQ9_ITEM9,
    answer_post,
    done_url,
    make_link,
    step_url,
    verified_client,
)

CRISIS_TEXTS = ["988", "call or text", "988lifeline.org", "911", "If you are in danger now, call 911."]


def _submit_phq9(patient, answers):
    link, token = make_link(patient, ["phq9"])
    client = verified_client(token)
    response = client.post(step_url(token, 1), answer_post(answers))
    assert response.status_code == 302
    return client, token


def test_item_9_answered_1_shows_crisis_resources_first(clinic_patient):
    client, token = _submit_phq9(clinic_patient, PHQ9_ITEM9)
    html = client.get(done_url(token)).content.decode()
    assert 'class="card crisis"' in html
    for text in CRISIS_TEXTS:
        assert text in html
    # At the top: before the thank-you.
    assert html.index('class="card crisis"') < html.index("<h2>Thank you")


def test_item_9_answered_1_raises_an_open_high_alert_for_the_patient(clinic_patient):
    _submit_phq9(clinic_patient, PHQ9_ITEM9)
    assessment = Assessment.objects.get()
    alert = Alert.objects.get()
    assert alert.kind == "suicidal_ideation" and alert.severity == "high" and alert.status == "open"
    assert alert.patient_id == clinic_patient.pk and alert.clinic_id == clinic_patient.clinic_id
    assert alert.source_type == "measures.assessment" and alert.source_id == str(assessment.pk)
    assert "item 9" in alert.reason


def test_the_alert_is_in_the_same_transaction_as_the_answers(clinic_patient, monkeypatch):
    """If raising the alert fails, nothing of the questionnaire request is stored and the link stays open."""
    import remit.alerts.actions

    def broken(**kwargs):
        raise RuntimeError("alert store down")

    monkeypatch.setattr(remit.alerts.actions, "raise_alert", broken)
    link, token = make_link(clinic_patient, ["phq9"])
    client = verified_client(token)
    client.raise_request_exception = True
    with pytest.raises(RuntimeError):
        client.post(step_url(token, 1), answer_post(PHQ9_ITEM9))
    assert Assessment.objects.count() == 0
    assert QuestionnaireRequest.objects.get().status == "pending"
    link.refresh_from_db()
    assert link.used_at is None


def test_cssrs_moderate_shows_crisis_resources_and_raises_alerts(clinic_patient):
    link, token = make_link(clinic_patient, ["cssrs_screen"])
    client = verified_client(token)
    answers = {"q1": 1, "q2": 1, "q3": 1, "q4": 0, "q5": 0, "q6": 0}
    response = client.post(step_url(token, 1), answer_post(answers))
    assert response.status_code == 302
    assert 'class="card crisis"' in client.get(done_url(token)).content.decode()
    kinds = dict(Alert.objects.values_list("kind", "severity"))
    assert kinds == {"suicidal_ideation": "high", "cssrs_risk": "medium"}


def test_no_crisis_card_without_a_risk_answer(clinic_patient):
    client, token = _submit_phq9(clinic_patient, {f"q{i}": 2 for i in range(1, 9)} | {"q9": 0, "q10": 0})
    assert 'class="card crisis"' not in client.get(done_url(token)).content.decode()
    assert not Alert.objects.exists()
