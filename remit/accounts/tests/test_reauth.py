from __future__ import annotations

import time

from django.urls import reverse

from remit.accounts.tests.helpers import code_for, events
from remit.audit import actions as audit
from remit.testing import PASSWORD, login


def _stale(client, settings):
    session = client.session
    session["reauth_at"] = time.time() - settings.REMIT_REAUTH_MINUTES * 60 - 5
    session.save()


def test_user_admin_asks_again_once_the_last_proof_is_stale(client, world, settings):
    login(client, world.users["clinic_admin"])
    assert client.get(reverse("accounts:users")).status_code == 200
    _stale(client, settings)
    response = client.get(reverse("accounts:users"))
    assert response.status_code == 302
    assert response["Location"] == f"{reverse('accounts:reauth')}?next=%2Faccounts%2Fusers%2F"


def test_password_and_a_current_code_reopen_it_and_are_audited(client, world, settings):
    admin = world.users["clinic_admin"]
    login(client, admin)
    _stale(client, settings)
    page = client.get(reverse("accounts:reauth"), {"next": "/accounts/users/"})
    assert page.status_code == 200
    assert b'name="code"' in page.content
    response = client.post(
        reverse("accounts:reauth"),
        {"password": PASSWORD, "code": code_for(admin), "next": "/accounts/users/"},
    )
    assert response.status_code == 302
    assert response["Location"] == "/accounts/users/"
    assert client.get(reverse("accounts:users")).status_code == 200
    rows = events(audit.REAUTH)
    assert len(rows) == 1 and rows[0].actor_id == admin.pk


def test_a_wrong_password_is_refused_and_counted(client, world, settings):
    login(client, world.users["clinic_admin"])
    _stale(client, settings)
    response = client.post(reverse("accounts:reauth"), {"password": "nope nope nope", "code": "123456"})
    assert response.status_code == 200
    assert b"password" in response.content.lower()
    assert events(audit.REAUTH) == []
    failure = events(audit.LOGIN_FAILURE)
    assert len(failure) == 1 and failure[0].detail["username"] == "clinic_admin"


def test_a_wrong_code_is_refused_and_audited(client, world, settings):
    admin = world.users["clinic_admin"]
    login(client, admin)
    _stale(client, settings)
    wrong = "000000" if code_for(admin) != "000000" else "111111"
    response = client.post(reverse("accounts:reauth"), {"password": PASSWORD, "code": wrong})
    assert response.status_code == 200
    assert events(audit.REAUTH) == []
    assert events(audit.MFA_VERIFY_FAILURE)[-1].detail == {"kind": "reauth"}
    assert client.get(reverse("accounts:users")).status_code == 302


def test_it_does_not_redirect_off_site(client, world, settings):
    admin = world.users["clinic_admin"]
    login(client, admin)
    response = client.post(
        reverse("accounts:reauth"),
        {"password": PASSWORD, "code": code_for(admin), "next": "//evil.example/"},
    )
    assert response["Location"] == reverse("accounts:settings")


def test_a_post_to_a_stale_admin_action_returns_to_the_page_it_came_from(client, world, settings):
    login(client, world.users["clinic_admin"])
    _stale(client, settings)
    target = world.users["nurse"]
    page = f"http://testserver{reverse('accounts:user_edit', args=[target.pk])}"
    response = client.post(reverse("accounts:user_reset_mfa", args=[target.pk]), HTTP_REFERER=page)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:reauth"))
    assert "user_edit" not in response["Location"] and "reset-mfa" not in response["Location"]
    assert events(audit.MFA_RESET) == []
