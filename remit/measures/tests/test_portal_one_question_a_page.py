"""One question a page: each answer is kept as it is sent and the next question follows; the page's last
question stores the questionnaire as before. This is also what a browser without script does (one Next
per question)."""

from __future__ import annotations

from remit.alerts.models import Alert
from remit.measures.models import Assessment
from remit.measures.tests.conftest import done_url, make_link, step_url, verified_client


def _answer(client, token, step, item, value):
    return client.post(f"{step_url(token, step)}?item={item[1:]}", {"item": item, "shown": item, item: value})


def test_an_answer_is_kept_and_the_next_question_follows(clinic_patient):
    link, token = make_link(clinic_patient, ["phq9"])
    client = verified_client(token)
    response = _answer(client, token, 1, "q1", "2")
    assert response.status_code == 302 and response["Location"] == f"{step_url(token, 1)}?item=2"
    assert not Assessment.objects.exists()  # nothing stored until the questionnaire's last question
    html = client.get(f"{step_url(token, 1)}?item=1").content.decode()
    assert 'id="q1-2" name="q1" value="2" checked' in html


def test_an_unanswered_question_names_itself_and_stays(clinic_patient):
    link, token = make_link(clinic_patient, ["phq9"])
    client = verified_client(token)
    response = _answer(client, token, 1, "q1", "")
    assert response.status_code == 400
    assert "Question 1: Please answer this question." in response.content.decode()


def test_answering_every_question_in_turn_stores_the_questionnaire_and_finishes(clinic_patient):
    """PHQ-9 item 9 is a safety item: any response of 1 or more flags a suicide-risk assessment, whatever
    the total (clinical-reference.md, PHQ-9: clincalc phq9.rs; SPiER pathway spec)."""
    link, token = make_link(clinic_patient, ["phq9"])
    client = verified_client(token)
    for number in range(1, 10):
        _answer(client, token, 1, f"q{number}", "1" if number == 9 else "0")
    response = _answer(client, token, 1, "q10", "")  # the optional last question, skipped
    assert response.status_code == 302 and response["Location"] == done_url(token)
    assessment = Assessment.objects.get()
    assert assessment.total == 1 and assessment.flags == ["suicidal_ideation"]
    assert Alert.objects.get().kind == "suicidal_ideation"
    assert "988" in client.get(done_url(token)).content.decode()


def test_a_reload_of_any_question_shows_the_page(clinic_patient):
    link, token = make_link(clinic_patient, ["phq9"])
    client = verified_client(token)
    for number in (1, 5, 10, 99):
        response = client.get(f"{step_url(token, 1)}?item={number}")
        assert response.status_code == 200 and "<fieldset" in response.content.decode()


def test_nine_answers_of_not_at_all_finish_phq9_without_asking_about_difficulty(clinic_patient):
    """PHQ-9 item 10 asks "If you checked off any problems, how difficult have these problems made it…"
    and is never scored (clinical-reference.md 1.1: clincalc phq9.rs; the item's wording is the HL7 US
    Core PHQ-9 Questionnaire's): with no problem checked it does not apply."""
    link, token = make_link(clinic_patient, ["phq9"])
    client = verified_client(token)
    for number in range(1, 9):
        _answer(client, token, 1, f"q{number}", "0")
    response = _answer(client, token, 1, "q9", "0")
    assert response["Location"] == done_url(token)
    assert Assessment.objects.get().total == 0


def test_one_problem_checked_asks_about_difficulty_last(clinic_patient):
    link, token = make_link(clinic_patient, ["phq9"])
    client = verified_client(token)
    for number in range(1, 10):
        response = _answer(client, token, 1, f"q{number}", "1" if number == 2 else "0")
    assert response["Location"] == f"{step_url(token, 1)}?item=10"
    assert not Assessment.objects.exists()
    html = client.get(response["Location"]).content.decode()
    assert "how difficult have these problems made it" in html and "Submit answers" in html
