from __future__ import annotations

import time

from django.urls import reverse

from remit.testing import login


def test_it_answers_204_for_a_signed_in_user_and_counts_as_activity(client, world):
    login(client, world.users["nurse"])
    session = client.session
    session["last_activity"] = time.time() - 300
    session.save()
    response = client.get(reverse("accounts:keepalive"))
    assert response.status_code == 204
    assert time.time() - client.session["last_activity"] < 5


def test_it_answers_401_to_anonymous(client, db):
    assert client.get(reverse("accounts:keepalive")).status_code == 401


def test_it_answers_401_once_the_session_has_timed_out(client, world, settings):
    login(client, world.users["nurse"])
    session = client.session
    session["last_activity"] = time.time() - settings.REMIT_IDLE_TIMEOUT_MINUTES * 60 - 5
    session.save()
    assert client.get(reverse("accounts:keepalive")).status_code == 401


def test_it_answers_401_to_an_unverified_session(client, world):
    client.force_login(world.users["nurse"])
    assert client.get(reverse("accounts:keepalive")).status_code == 401
