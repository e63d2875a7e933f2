"""Sending the same page twice — a double tap, back then resubmit, two devices at once — stores one
assessment per visit and instrument (the row lock, backed by a database constraint)."""

from __future__ import annotations

import threading

import pytest
from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from remit.alerts.models import Alert
from remit.measures import actions_portal, actions_portal_links, actions_questionnaire_requests
from remit.measures.models import Assessment
from remit.measures.tests.conftest import (
    GAD7,
    PHQ9_CALM,
    PHQ9_ITEM9,
    answer_post,
    make_link,
    step_url,
    verified_client,
)


def test_a_double_tap_on_page_1_stores_one_assessment_and_one_alert(clinic_patient):
    link, token = make_link(clinic_patient, ["phq9", "gad7"])
    client = verified_client(token)
    first = client.post(step_url(token, 1), answer_post(PHQ9_ITEM9))
    second = client.post(step_url(token, 1), answer_post(PHQ9_ITEM9))
    assert first["Location"] == second["Location"] == step_url(token, 2)
    assert Assessment.objects.count() == 1
    assert Alert.objects.count() == 1


def test_back_then_resubmitting_changed_answers_changes_nothing(clinic_patient):
    link, token = make_link(clinic_patient, ["phq9", "gad7"])
    client = verified_client(token)
    client.post(step_url(token, 1), answer_post(PHQ9_ITEM9))
    html = client.get(step_url(token, 1)).content.decode()
    assert "Already sent to your clinic" in html and 'type="radio"' not in html
    response = client.post(step_url(token, 1), answer_post(PHQ9_CALM))
    assert response["Location"] == step_url(token, 2)
    stored = Assessment.objects.get()
    assert stored.answers["q9"] == 1 and stored.flags == ["suicidal_ideation"]


def test_a_reminder_link_does_not_ask_a_page_already_sent_again(clinic_patient):
    link, token = make_link(clinic_patient, ["phq9", "gad7"])
    verified_client(token).post(step_url(token, 1), answer_post(PHQ9_CALM))
    reminder, reminder_token = actions_portal_links.create_link(link.questionnaire_request, "sms")
    other = verified_client(reminder_token)
    assert "Already sent to your clinic" in other.get(step_url(reminder_token, 1)).content.decode()
    other.post(step_url(reminder_token, 1), answer_post(PHQ9_ITEM9))
    assert Assessment.objects.count() == 1 and not Alert.objects.exists()


def test_the_database_refuses_a_second_live_assessment_for_a_questionnaire_request_and_instrument(
    clinic_patient,
):
    link, token = make_link(clinic_patient, ["phq9", "gad7"])
    stored = actions_portal.submit_page(link, "phq9", PHQ9_CALM).assessment
    fields = {
        "patient": clinic_patient,
        "instrument": "phq9",
        "instrument_version": stored.instrument_version,
        "respondent": "patient",
        "questionnaire_request_id": link.questionnaire_request_id,
    }
    with pytest.raises(IntegrityError), transaction.atomic():
        Assessment.objects.create(**fields)
    # A voided one does not count: the patient may answer again, once.
    Assessment.objects.filter(pk=stored.pk).update(voided_at=timezone.now(), void_reason="test")
    Assessment.objects.create(**fields)
    # Staff ratings outside a questionnaire request are not limited.
    Assessment.objects.create(**{**fields, "questionnaire_request_id": None, "respondent": "clinician"})
    Assessment.objects.create(**{**fields, "questionnaire_request_id": None, "respondent": "clinician"})


def test_an_insert_that_loses_the_race_shows_the_next_page(clinic_patient, monkeypatch):
    """If the look-up misses a row another writer has just stored, the constraint refuses the insert and
    the stored assessment is used instead — the patient sees the next page, not an error."""
    link, token = make_link(clinic_patient, ["phq9", "gad7"])
    client = verified_client(token)
    winner = actions_portal.submit_page(link, "phq9", PHQ9_ITEM9).assessment
    real = actions_questionnaire_requests.live_assessments
    misses = iter([True, True])  # the view's look-up and the action's both miss the stored row

    def stale(questionnaire_request):
        return {} if next(misses, False) else real(questionnaire_request)

    monkeypatch.setattr(actions_questionnaire_requests, "live_assessments", stale)
    monkeypatch.setattr(actions_portal, "live_assessments", stale)
    response = client.post(step_url(token, 1), answer_post(PHQ9_ITEM9))
    assert response.status_code == 302 and response["Location"] == step_url(token, 2)
    assert list(Assessment.objects.values_list("pk", flat=True)) == [winner.pk]
    assert Alert.objects.count() == 1


@pytest.mark.django_db(transaction=True)
def test_two_concurrent_posts_of_page_1_store_exactly_one_assessment(world):
    from remit.measures.tests.conftest import portal_patient

    patient = portal_patient(world.clinic)
    link, token = make_link(patient, ["phq9", "gad7"])
    clients = [verified_client(token), verified_client(token)]
    barrier = threading.Barrier(2)
    results: list[object] = [None, None]

    def submit(i: int) -> None:
        try:
            barrier.wait(timeout=10)
            response = clients[i].post(step_url(token, 1), answer_post(PHQ9_ITEM9))
            results[i] = (response.status_code, response["Location"])
        except Exception as error:  # reported below, not swallowed
            results[i] = error
        finally:
            connection.close()

    threads = [threading.Thread(target=submit, args=(i,)) for i in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert results == [(302, step_url(token, 2))] * 2, results
    assert Assessment.objects.filter(instrument="phq9").count() == 1
    assert Alert.objects.filter(kind="suicidal_ideation").count() == 1
    # Both devices see the crisis resources on page 2, and either can finish the questionnaire request, once.
    for client in clients:
        assert 'class="card crisis"' in client.get(step_url(token, 2)).content.decode()
    clients[0].post(step_url(token, 2), answer_post(GAD7))
    clients[1].post(step_url(token, 2), answer_post(GAD7))
    assert Assessment.objects.count() == 2
