"""Used, expired, locked and unknown links say so plainly and show nothing else."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from remit.measures.models import PortalLink, QuestionnaireRequest
from remit.measures.tests.conftest import (
    PHQ9_CALM,
    answer_post,
    done_url,
    exchanged_client,
    make_link,
    open_url,
    step_url,
    verified_client,
)


def _assert_nothing_else(html, patient):
    for text in (
        patient.given_name,
        patient.family_name,
        patient.mrn,
        "PHQ",
        "Little interest",
        "<nav",
        "Sign out",
        "<form",
        "Patients",
    ):
        assert text not in html, text


@pytest.mark.parametrize("state", ["expired", "used", "locked", "cancelled", "missed"])
def test_a_closed_link_shows_only_a_plain_message(clinic_patient, client, state):
    link, token = make_link(clinic_patient)
    exchanged_client(token, client)  # this browser opened the link while it was open
    now = timezone.now()
    if state == "expired":
        PortalLink.objects.filter(pk=link.pk).update(expires_at=now - timedelta(seconds=1))
        expected = "This link has expired. Please contact your clinic."
    elif state == "used":
        PortalLink.objects.filter(pk=link.pk).update(used_at=now)
        expected = "already been answered"
    elif state == "locked":
        PortalLink.objects.filter(pk=link.pk).update(locked_at=now, dob_failures=3)
        expected = "locked"
    else:
        QuestionnaireRequest.objects.filter(pk=link.questionnaire_request_id).update(status=state)
        expected = "This link has expired. Please contact your clinic."
    for url in (open_url(token), step_url(token, 1), done_url(token)):
        response = client.get(url)
        assert response.status_code == 410, url
        html = response.content.decode()
        assert expected in html
        _assert_nothing_else(html, clinic_patient)


def test_a_portal_page_without_a_portal_session_asks_for_the_link_and_shows_nothing(client, clinic_patient):
    _link, token = make_link(clinic_patient)
    verified_client(token)  # another browser is in the middle of the visit
    for url in ("/p/", step_url(token, 1), done_url(token)):
        response = client.get(url)
        assert response.status_code == 404, url
        html = response.content.decode()
        assert "please open the link in the message your clinic sent you" in html
        _assert_nothing_else(html, clinic_patient)


def test_an_unknown_token_is_not_found_and_shows_nothing(client, clinic_patient):
    response = client.get(open_url("not-a-real-token"))
    assert response.status_code == 404
    assert "not valid" in response.content.decode()
    _assert_nothing_else(response.content.decode(), clinic_patient)


def test_a_link_that_expires_mid_questionnaire_request_stops_working(clinic_patient):
    link, token = make_link(clinic_patient)
    client = verified_client(token)
    PortalLink.objects.filter(pk=link.pk).update(expires_at=timezone.now() - timedelta(seconds=1))
    response = client.post(step_url(token, 1), answer_post(PHQ9_CALM))
    assert response.status_code == 302 and response["Location"] == done_url(token)
    response = client.get(done_url(token))
    assert response.status_code == 410 and "expired" in response.content.decode()


def test_portal_pages_are_never_cached(clinic_patient, client):
    link, token = make_link(clinic_patient)
    assert client.get(open_url(token))["Cache-Control"] == "no-store"
    client = verified_client(token)
    for url in (step_url(token, 1), open_url("unknown")):
        assert client.get(url)["Cache-Control"] == "no-store"
    client.post(step_url(token, 1), answer_post(PHQ9_CALM))
    assert client.get(done_url(token))["Cache-Control"] == "no-store"


def test_the_expiry_comes_from_the_setting(clinic_patient, settings):
    settings.REMIT_PORTAL_LINK_HOURS = 5
    link, _token = make_link(clinic_patient)
    assert timedelta(hours=4, minutes=59) < link.expires_at - link.created_at <= timedelta(hours=5)
