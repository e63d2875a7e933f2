"""C-SSRS skip logic on the portal, without JavaScript: Q3–Q5 only after Q2 = Yes."""

from __future__ import annotations

from remit.measures.models import Assessment
from remit.measures.tests.conftest import answer_post, done_url, make_link, step_url, verified_client


def _legends(html):
    return [line for line in html.splitlines() if "<legend" in line]


def test_q3_to_q5_are_not_asked_until_q2_is_yes(clinic_patient):
    link, token = make_link(clinic_patient, ["cssrs_screen"])
    client = verified_client(token)
    html = client.get(step_url(token, 1)).content.decode()
    legends = _legends(html)
    assert len(legends) == 3  # q1, q2, q6
    assert 'name="q3"' not in html and 'name="q6_recent"' not in html
    assert "Wish to be dead" in html  # licensed wording: the item label is shown


def test_q2_no_submits_without_q3_to_q5(clinic_patient):
    link, token = make_link(clinic_patient, ["cssrs_screen"])
    client = verified_client(token)
    response = client.post(step_url(token, 1), answer_post({"q1": 0, "q2": 0, "q6": 0}))
    assert response.status_code == 302 and response["Location"] == done_url(token)
    a = Assessment.objects.get()
    assert a.valid and a.band == "none" and a.answers["q3"] is None


def test_q2_yes_reveals_q3_to_q5_on_the_same_page_and_keeps_the_answers(clinic_patient):
    link, token = make_link(clinic_patient, ["cssrs_screen"])
    client = verified_client(token)
    response = client.post(step_url(token, 1), answer_post({"q1": 1, "q2": 1, "q6": 1}))
    html = response.content.decode()
    assert response.status_code == 200
    assert "a few more questions" in html
    for item in ("q3", "q4", "q5", "q6_recent"):
        assert f'name="{item}"' in html
    assert 'id="q2-1" name="q2" value="1" checked' in html
    assert Assessment.objects.count() == 0

    response = client.post(
        step_url(token, 1),
        answer_post(
            {"q1": 1, "q2": 1, "q3": 0, "q4": 0, "q5": 0, "q6": 1, "q6_recent": 0},
            shown=["q1", "q2", "q3", "q4", "q5", "q6", "q6_recent"],
        ),
    )
    assert response.status_code == 302
    a = Assessment.objects.get()
    assert a.band == "moderate"  # lifetime behaviour only


def test_changing_q2_to_no_drops_the_follow_up_answers(clinic_patient):
    link, token = make_link(clinic_patient, ["cssrs_screen"])
    client = verified_client(token)
    client.post(step_url(token, 1), answer_post({"q1": 1, "q2": 1, "q6": 0}))
    response = client.post(
        step_url(token, 1),
        answer_post(
            {"q1": 1, "q2": 0, "q3": 1, "q4": 0, "q5": 0, "q6": 0}, shown=["q1", "q2", "q3", "q4", "q5", "q6"]
        ),
    )
    assert response.status_code == 302
    a = Assessment.objects.get()
    assert a.band == "low" and a.answers["q3"] is None


def test_an_unanswered_question_is_named_and_nothing_is_stored(clinic_patient):
    link, token = make_link(clinic_patient, ["cssrs_screen"])
    client = verified_client(token)
    response = client.post(step_url(token, 1), answer_post({"q1": 1, "q2": 0, "q6": None}))
    html = response.content.decode()
    assert response.status_code == 400
    assert "Question 3: Please answer this question." in html
    assert Assessment.objects.count() == 0


def test_showing_the_further_questions_is_audited_as_a_portal_view(clinic_patient):
    from remit.audit.models import AuditEvent

    link, token = make_link(clinic_patient, ["cssrs_screen"])
    client = verified_client(token)
    client.post(step_url(token, 1), answer_post({"q1": 1, "q2": 1, "q6": 0}))
    row = AuditEvent.objects.order_by("-seq").first()
    assert (row.action, row.actor_label, row.patient_id) == ("view", "patient portal", clinic_patient.pk)
    assert row.detail["revealed"] is True
