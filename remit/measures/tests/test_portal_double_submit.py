"""Submitting the same questionnaire request twice — a double tap, a retry, two devices at once — stores one set."""

from __future__ import annotations

import threading

import pytest
from django.db import connection
from django.test import Client

from remit.alerts.models import Alert
from remit.measures import actions_portal, actions_portal_links
from remit.measures.models import Assessment, QuestionnaireRequest
from remit.measures.tests.conftest import (
    GAD7,
    PHQ9_ITEM9,
    answer_post,
    done_url,
    make_link,
    open_url,
    step_url,
    verified_client,
)


def test_a_second_tap_in_the_same_browser_stores_nothing_more_and_shows_the_confirmation(clinic_patient):
    link, token = make_link(clinic_patient, ["phq9", "gad7"])
    client = verified_client(token)
    client.post(step_url(token, 1), answer_post(PHQ9_ITEM9))
    first = client.post(step_url(token, 2), answer_post(GAD7))
    second = client.post(step_url(token, 2), answer_post(GAD7))
    assert first["Location"] == second["Location"] == done_url(token)
    assert Assessment.objects.count() == 2
    assert Alert.objects.count() == 1
    # The retry's confirmation still shows the crisis resources (read from what was stored).
    assert 'class="card crisis"' in client.get(done_url(token)).content.decode()


def test_a_second_device_after_the_first_submitted_is_told_the_link_is_used(clinic_patient):
    link, token = make_link(clinic_patient, ["gad7"])
    one, two = verified_client(token), verified_client(token)
    assert one.post(step_url(token, 1), answer_post(GAD7)).status_code == 302
    response = two.post(step_url(token, 1), answer_post(GAD7))
    assert Assessment.objects.count() == 1
    # Verified in its own session, so it sees the confirmation, not an error.
    assert response["Location"] == done_url(token)


def test_submit_questionnaire_request_refuses_a_used_link(clinic_patient):
    link, token = make_link(clinic_patient, ["gad7"])
    actions_portal.submit_questionnaire_request(link, {"gad7": GAD7})
    with pytest.raises(actions_portal.LinkClosed) as closed:
        actions_portal.submit_questionnaire_request(link, {"gad7": GAD7})
    assert closed.value.state == "used"
    assert Assessment.objects.count() == 1


def test_a_reminder_link_stops_working_once_the_questionnaire_request_is_answered(clinic_patient):
    link, token = make_link(clinic_patient, ["gad7"])
    reminder, reminder_token = actions_portal_links.create_link(link.questionnaire_request, "sms")
    verified_client(token).post(step_url(token, 1), answer_post(GAD7))
    assert Client().get(open_url(reminder_token)).status_code == 410
    with pytest.raises(actions_portal.LinkClosed):
        actions_portal.submit_questionnaire_request(reminder, {"gad7": GAD7})


@pytest.mark.django_db(transaction=True)
def test_two_concurrent_final_submits_store_exactly_one_set(world):
    from remit.measures.tests.conftest import portal_patient

    patient = portal_patient(world.clinic)
    link, token = make_link(patient, ["phq9", "gad7"])
    clients = [verified_client(token), verified_client(token)]
    for client in clients:
        assert client.post(step_url(token, 1), answer_post(PHQ9_ITEM9)).status_code == 302

    barrier = threading.Barrier(2)
    results: list[object] = [None, None]

    def submit(i: int) -> None:
        try:
            barrier.wait(timeout=10)
            results[i] = clients[i].post(step_url(token, 2), answer_post(GAD7)).status_code
        except Exception as error:  # reported below, not swallowed
            results[i] = error
        finally:
            connection.close()

    threads = [threading.Thread(target=submit, args=(i,)) for i in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert results == [302, 302], results
    assert Assessment.objects.filter(instrument="phq9").count() == 1
    assert Assessment.objects.filter(instrument="gad7").count() == 1
    assert Alert.objects.filter(kind="suicidal_ideation").count() == 1
    assert QuestionnaireRequest.objects.get().status == "completed"
    for client in clients:
        assert 'class="card crisis"' in client.get(done_url(token)).content.decode()
