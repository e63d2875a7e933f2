from __future__ import annotations

import time

from django.urls import reverse

from remit.accounts.tests.helpers import events
from remit.audit import actions as audit
from remit.testing import login


def _age_session(client, seconds):
    session = client.session
    session["last_activity"] = time.time() - seconds
    session.save()


def test_an_idle_session_is_ended_audited_and_sent_to_sign_in(client, world, settings):
    login(client, world.users["nurse"])
    _age_session(client, settings.REMIT_IDLE_TIMEOUT_MINUTES * 60 + 5)
    response = client.get(reverse("web:today"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))
    assert "_auth_user_id" not in client.session
    assert b"signed out after a period of inactivity" in client.get(response["Location"]).content
    rows = events(audit.IDLE_TIMEOUT)
    assert len(rows) == 1 and rows[0].actor_id == world.users["nurse"].pk


def test_a_session_used_within_the_limit_stays(client, world, settings):
    login(client, world.users["nurse"])
    _age_session(client, settings.REMIT_IDLE_TIMEOUT_MINUTES * 60 - 30)
    assert client.get(reverse("web:today")).status_code == 200
    assert time.time() - client.session["last_activity"] < 5


def test_a_background_request_does_not_count_as_activity(client, world):
    login(client, world.users["nurse"])
    _age_session(client, 120)
    before = client.session["last_activity"]
    response = client.get(reverse("web:today"), HTTP_X_REMIT_BACKGROUND="1")
    assert response.status_code == 200
    assert client.session["last_activity"] == before


def test_a_background_request_after_the_limit_gets_401(client, world, settings):
    login(client, world.users["nurse"])
    _age_session(client, settings.REMIT_IDLE_TIMEOUT_MINUTES * 60 + 5)
    response = client.get(reverse("web:today"), HTTP_X_REMIT_BACKGROUND="1")
    assert response.status_code == 401
