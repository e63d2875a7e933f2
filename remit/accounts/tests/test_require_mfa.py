from __future__ import annotations

from django.urls import reverse

from remit.accounts.tests.helpers import password_step


def test_a_user_signed_in_without_a_second_factor_is_sent_to_mfa(client, world):
    client.force_login(world.users["nurse"])
    response = client.get("/patients/")
    assert response.status_code == 302
    assert response["Location"] == f"{reverse('accounts:mfa')}?next=%2Fpatients%2F"


def test_pages_under_accounts_also_need_the_second_factor(client, world):
    client.force_login(world.users["clinic_admin"])
    for name in ("accounts:settings", "accounts:users", "accounts:reauth"):
        response = client.get(reverse(name))
        assert response.status_code == 302, name
        assert response["Location"].startswith(reverse("accounts:mfa")), name


def test_a_pending_sign_in_is_anonymous_everywhere(client, world):
    password_step(client, "nurse")
    response = client.get("/patients/")
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


def test_when_mfa_is_not_required_a_user_without_a_device_signs_in_with_the_password(client, world, settings):
    settings.REMIT_MFA_REQUIRED = False
    from remit.testing import make_user

    make_user("plain", ["nurse"], [world.clinic], mfa=False)
    response = password_step(client, "plain")
    assert response["Location"] == reverse("web:today")
    assert client.get(reverse("web:today")).status_code == 200


def test_when_mfa_is_not_required_a_user_with_a_device_still_verifies(client, world, settings):
    settings.REMIT_MFA_REQUIRED = False
    response = password_step(client, "nurse")
    assert response["Location"].startswith(reverse("accounts:mfa"))
