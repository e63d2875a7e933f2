"""Each questionnaire page of a questionnaire request is stored — and any safety alert raised — the moment the patient
moves on from it, so a patient who answers PHQ-9 item 9 on page 1 and then closes the phone has raised
the alert.  Crisis resources then head every later page and the confirmation."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from remit.alerts.models import Alert
from remit.measures import actions_portal, jobs
from remit.measures.models import Assessment, PortalLink, QuestionnaireRequest
from remit.measures.tests.conftest import (
    GAD7,
    PHQ9_CALM,
    PHQ9_ITEM9,
    answer_post,
    done_url,
    make_link,
    open_url,
    step_url,
    verified_client,
)

CRISIS = 'class="card crisis"'


def _page_one_sent(patient, answers=PHQ9_ITEM9, instruments=("phq9", "gad7")):
    link, token = make_link(patient, list(instruments))
    client = verified_client(token)
    response = client.post(step_url(token, 1), answer_post(answers))
    assert response.status_code == 302 and response["Location"] == step_url(token, 2)
    return link, token, client


def test_item_9_on_page_1_is_stored_and_raises_the_high_alert_before_page_2_is_sent(clinic_patient):
    link, token, client = _page_one_sent(clinic_patient)
    assessment = Assessment.objects.get()
    assert assessment.instrument == "phq9" and assessment.flags == ["suicidal_ideation"]
    assert (
        assessment.questionnaire_request_id == link.questionnaire_request_id
        and assessment.portal_link_id == link.pk
    )
    alert = Alert.objects.get()
    assert (alert.kind, alert.severity, alert.status) == ("suicidal_ideation", "high", "open")
    assert alert.source_type == "measures.assessment" and alert.source_id == str(assessment.pk)
    # The questionnaire request itself is still open: page 2 is still to come.
    assert QuestionnaireRequest.objects.get().status == "pending"
    link.refresh_from_db()
    assert link.used_at is None


def test_the_crisis_card_heads_page_2_and_stays_on_the_confirmation(clinic_patient):
    link, token, client = _page_one_sent(clinic_patient)
    html = client.get(step_url(token, 2)).content.decode()
    assert CRISIS in html and "988" in html and "If you are in danger now, call 911." in html
    assert html.index(CRISIS) < html.index("<h1>")  # at the top, before the questions
    assert "Questionnaire 2 of 2" in html and 'name="q1"' in html  # the patient can still finish
    # A page shown again with a missing answer keeps it too.
    again = client.post(step_url(token, 2), answer_post(GAD7 | {"q3": None}))
    assert again.status_code == 400 and CRISIS in again.content.decode()
    # Going back to the page that was sent keeps it too.
    assert CRISIS in client.get(step_url(token, 1)).content.decode()

    response = client.post(step_url(token, 2), answer_post(GAD7))
    assert response["Location"] == done_url(token)
    html = client.get(done_url(token)).content.decode()
    assert CRISIS in html and html.index(CRISIS) < html.index("<h2>Thank you")
    assert Alert.objects.count() == 1  # page 2 raised nothing more


def test_no_crisis_card_on_page_2_without_a_risk_answer(clinic_patient):
    link, token, client = _page_one_sent(clinic_patient, PHQ9_CALM)
    assert CRISIS not in client.get(step_url(token, 2)).content.decode()
    assert not Alert.objects.exists()


def test_abandoning_after_page_1_keeps_the_assessment_and_the_alert(clinic_patient):
    link, token, client = _page_one_sent(clinic_patient)
    questionnaire_request = QuestionnaireRequest.objects.get()
    # The patient closes the phone; the window closes; the worker runs.
    assert jobs.mark_missed(questionnaire_request.closes_at + dt.timedelta(minutes=1)) == 1
    questionnaire_request.refresh_from_db()
    assert questionnaire_request.status == "partial"
    assessment = Assessment.objects.get()
    assert not assessment.is_voided and assessment.questionnaire_request_id == questionnaire_request.pk
    assert Alert.objects.get().status == "open"
    # The link now says it has expired.
    assert client.get(step_url(token, 2)).status_code == 410


def test_a_link_closing_mid_questionnaire_request_still_shows_the_crisis_resources_after_the_next_submit(
    clinic_patient,
):
    link, token, client = _page_one_sent(clinic_patient)
    PortalLink.objects.filter(pk=link.pk).update(expires_at=timezone.now() - dt.timedelta(seconds=1))
    response = client.post(step_url(token, 2), answer_post(GAD7))
    assert response["Location"] == done_url(token)
    html = client.get(done_url(token)).content.decode()
    assert CRISIS in html and "The answers you sent before it closed have reached your clinic" in html
    assert Assessment.objects.count() == 1


def test_if_the_alert_cannot_be_raised_page_1_is_not_stored(clinic_patient, monkeypatch):
    import remit.alerts.actions

    def broken(**kwargs):
        raise RuntimeError("alert store down")

    monkeypatch.setattr(remit.alerts.actions, "raise_alert", broken)
    link, token = make_link(clinic_patient, ["phq9", "gad7"])
    client = verified_client(token)
    client.raise_request_exception = True
    with pytest.raises(RuntimeError):
        client.post(step_url(token, 1), answer_post(PHQ9_ITEM9))
    assert not Assessment.objects.exists()
    assert QuestionnaireRequest.objects.get().status == "pending"
    # Once alerts work again, the same page is asked (not shown as sent) and stores with its alert.
    monkeypatch.undo()
    assert "Already sent" not in client.get(step_url(token, 1)).content.decode()
    client.post(step_url(token, 1), answer_post(PHQ9_ITEM9))
    assert Assessment.objects.count() == 1 and Alert.objects.count() == 1


def test_cssrs_on_page_1_is_stored_only_when_its_last_step_is_sent(clinic_patient):
    link, token = make_link(clinic_patient, ["cssrs_screen", "phq9"])
    client = verified_client(token)
    response = client.post(step_url(token, 1), answer_post({"q1": 1, "q2": 1, "q6": 0}))
    assert response.status_code == 200 and 'name="q3"' in response.content.decode()
    assert not Assessment.objects.exists() and not Alert.objects.exists()
    response = client.post(
        step_url(token, 1),
        answer_post(
            {"q1": 1, "q2": 1, "q3": 1, "q4": 1, "q5": 0, "q6": 0},
            shown=["q1", "q2", "q3", "q4", "q5", "q6"],
        ),
    )
    assert response["Location"] == step_url(token, 2)
    assert Assessment.objects.get().band == "high"
    assert dict(Alert.objects.values_list("kind", "severity")) == {
        "suicidal_ideation": "high",
        "cssrs_risk": "high",
    }
    assert CRISIS in client.get(step_url(token, 2)).content.decode()


def test_reopening_the_link_goes_to_the_first_page_not_sent(clinic_patient):
    link, token, client = _page_one_sent(clinic_patient, PHQ9_CALM, ("phq9", "gad7", "pcl5"))
    assert client.get(open_url(token))["Location"] == "/p/"
    assert client.get("/p/")["Location"] == step_url(token, 2)


def test_a_page_skipped_by_address_is_asked_before_the_questionnaire_request_completes(clinic_patient):
    link, token = make_link(clinic_patient, ["phq9", "gad7"])
    client = verified_client(token)
    # Straight to the last page: it is stored (its answers count), but the questionnaire request is not complete.
    response = client.post(step_url(token, 2), answer_post(GAD7))
    assert response["Location"] == step_url(token, 1)
    assert list(Assessment.objects.values_list("instrument", flat=True)) == ["gad7"]
    assert QuestionnaireRequest.objects.get().status == "pending"
    response = client.post(step_url(token, 1), answer_post(PHQ9_CALM))
    assert response["Location"] == step_url(token, 2)
    html = client.get(step_url(token, 2)).content.decode()
    assert "Already sent to your clinic" in html and "Submit answers" in html
    response = client.post(step_url(token, 2), {})
    assert response["Location"] == done_url(token)
    assert QuestionnaireRequest.objects.get().status == "completed"
    assert Assessment.objects.count() == 2


def test_submit_page_reports_what_it_did(clinic_patient):
    link, token = make_link(clinic_patient, ["phq9", "gad7"])
    first = actions_portal.submit_page(link, "phq9", PHQ9_CALM)
    assert first.created and not first.completed and first.unanswered == ("gad7",)
    again = actions_portal.submit_page(link, "phq9", PHQ9_ITEM9)
    assert not again.created and again.assessment == first.assessment
    assert again.assessment.total == 0  # the second post's answers are ignored
    last = actions_portal.submit_page(link, "gad7", GAD7, finish=True)
    assert last.created and last.completed and last.unanswered == ()
    with pytest.raises(actions_portal.LinkClosed):
        actions_portal.submit_page(link, "gad7", GAD7, finish=True)
    assert Assessment.objects.count() == 2 and not Alert.objects.exists()


def test_submit_page_refuses_an_instrument_not_in_the_questionnaire_request(clinic_patient):
    from django.core.exceptions import ValidationError

    link, token = make_link(clinic_patient, ["phq9"])
    with pytest.raises(ValidationError):
        actions_portal.submit_page(link, "gad7", GAD7)
    assert not Assessment.objects.exists()
