from __future__ import annotations

from django.urls import reverse

from remit.accounts.tests.helpers import events
from remit.audit import actions as audit
from remit.testing import login


def test_it_signs_out_on_post_and_audits_it(client, world):
    login(client, world.users["nurse"])
    response = client.post(reverse("accounts:logout"))
    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:login") + "?signed_out=1"
    assert "_auth_user_id" not in client.session
    rows = events(audit.LOGOUT)
    assert len(rows) == 1 and rows[0].actor_id == world.users["nurse"].pk


def test_it_refuses_get(client, world):
    login(client, world.users["nurse"])
    assert client.get(reverse("accounts:logout")).status_code == 405
    assert client.get(reverse("web:today")).status_code == 200


def test_it_needs_a_csrf_token(csrf_client, world):
    login(csrf_client, world.users["nurse"])
    assert csrf_client.post(reverse("accounts:logout")).status_code == 403
