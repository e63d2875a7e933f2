from __future__ import annotations

from django.urls import reverse

from remit.accounts.tests.helpers import events
from remit.audit import actions as audit
from remit.testing import PASSWORD, login

NEW = "a different long passphrase 7"


def test_it_changes_the_password_keeps_the_session_and_audits(client, world):
    nurse = world.users["nurse"]
    login(client, nurse)
    response = client.post(
        reverse("accounts:password_change"),
        {"old_password": PASSWORD, "new_password1": NEW, "new_password2": NEW},
    )
    assert response.status_code == 302
    nurse.refresh_from_db()
    assert nurse.check_password(NEW)
    assert client.get(reverse("web:today")).status_code == 200
    rows = events(audit.PASSWORD_CHANGE)
    assert len(rows) == 1 and rows[0].actor_id == nurse.pk
    assert NEW not in str(rows[0].detail)


def test_the_password_validators_apply(client, world):
    nurse = world.users["nurse"]
    login(client, nurse)
    response = client.post(
        reverse("accounts:password_change"),
        {"old_password": PASSWORD, "new_password1": "short", "new_password2": "short"},
    )
    assert response.status_code == 200
    assert b"New password" in response.content and b"too short" in response.content
    nurse.refresh_from_db()
    assert nurse.check_password(PASSWORD)
    assert events(audit.PASSWORD_CHANGE) == []


def test_a_wrong_old_password_changes_nothing(client, world):
    nurse = world.users["nurse"]
    login(client, nurse)
    response = client.post(
        reverse("accounts:password_change"),
        {"old_password": "not it at all", "new_password1": NEW, "new_password2": NEW},
    )
    assert response.status_code == 200
    assert b"Old password" in response.content
    nurse.refresh_from_db()
    assert nurse.check_password(PASSWORD)


def test_it_needs_a_csrf_token(csrf_client, world):
    login(csrf_client, world.users["nurse"])
    response = csrf_client.post(
        reverse("accounts:password_change"),
        {"old_password": PASSWORD, "new_password1": NEW, "new_password2": NEW},
    )
    assert response.status_code == 403
