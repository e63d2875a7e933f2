"""Answers being typed are kept in the session per link, so a reload loses nothing; a page already sent
is shown back read-only, to the browser that sent it."""

from __future__ import annotations

from remit.measures.tests.conftest import (
    GAD7,
    PHQ9_CALM,
    answer_post,
    make_link,
    open_url,
    step_url,
    verified_client,
)


def test_going_back_shows_the_answers_already_sent_read_only(clinic_patient):
    link, token = make_link(clinic_patient, ["phq9", "gad7"])
    client = verified_client(token)
    client.post(step_url(token, 1), answer_post(PHQ9_CALM | {"q3": 2}))
    html = client.get(step_url(token, 1)).content.decode()
    assert "Already sent to your clinic" in html
    assert "Trouble falling or staying asleep, or sleeping too much" in html
    assert "More than half the days" in html and "Not at all" in html  # q3 = 2, the rest 0
    assert 'type="radio"' not in html  # not an editable form


def test_reloading_a_half_answered_page_keeps_the_answers(clinic_patient):
    link, token = make_link(clinic_patient, ["phq9", "gad7"])
    client = verified_client(token)
    client.post(step_url(token, 1), answer_post(PHQ9_CALM | {"q3": 2, "q5": None}))
    assert (
        'id="q3-2" name="q3" value="2" checked' in client.get(step_url(token, 1) + "?item=3").content.decode()
    )
    assert (
        'id="q1-0" name="q1" value="0" checked' in client.get(step_url(token, 1) + "?item=1").content.decode()
    )
    # Opened without a question number, the page goes on where the patient left off.
    assert "Question 5 of 10" in client.get(step_url(token, 1)).content.decode()


def test_reopening_the_link_resumes_at_the_first_unfinished_questionnaire(clinic_patient):
    link, token = make_link(clinic_patient, ["phq9", "gad7"])
    client = verified_client(token)
    client.post(step_url(token, 1), answer_post(PHQ9_CALM))
    assert client.get(open_url(token))["Location"] == "/p/"
    assert client.get("/p/")["Location"] == step_url(token, 2)


def test_a_page_with_a_missing_answer_keeps_the_others(clinic_patient):
    link, token = make_link(clinic_patient, ["gad7"])
    client = verified_client(token)
    response = client.post(step_url(token, 1), answer_post(GAD7 | {"q4": None}))
    html = response.content.decode()
    assert response.status_code == 400
    assert "Question 4: Please answer this question." in html
    assert 'id="q5-1" name="q5" value="1" checked' in html
    # And after a reload too.
    assert (
        'id="q5-1" name="q5" value="1" checked' in client.get(step_url(token, 1) + "?item=5").content.decode()
    )


def test_another_browser_does_not_see_the_answers(clinic_patient):
    link, token = make_link(clinic_patient, ["phq9", "gad7"])
    client = verified_client(token)
    client.post(step_url(token, 1), answer_post(PHQ9_CALM | {"q3": 2, "q5": None}))
    other = verified_client(token)
    assert " checked>" not in other.get(step_url(token, 1)).content.decode()


def test_another_browser_is_told_a_sent_page_was_sent_but_not_shown_the_answers(clinic_patient):
    link, token = make_link(clinic_patient, ["phq9", "gad7"])
    client = verified_client(token)
    client.post(step_url(token, 1), answer_post(PHQ9_CALM | {"q3": 2}))
    html = verified_client(token).get(step_url(token, 1)).content.decode()
    assert "Already sent to your clinic" in html
    assert "More than half the days" not in html and "Not at all" not in html
    assert 'type="radio"' not in html
