from __future__ import annotations

import re

import pyotp
from django.urls import reverse

from remit.accounts.models import RecoveryCode, SealedTOTPDevice
from remit.accounts.tests.helpers import events, password_step
from remit.audit import actions as audit
from remit.testing import make_user, totp_secret


def _new_user(world):
    return make_user("newbie", ["nurse"], [world.clinic], mfa=False)


def test_a_user_without_a_device_must_enrol_before_anything_else(client, world):
    _new_user(world)
    response = password_step(client, "newbie")
    assert response["Location"].startswith(reverse("accounts:mfa"))
    page = client.get(response["Location"])
    assert page.status_code == 200
    assert b"Set up two-step sign-in" in page.content
    assert b"<svg" in page.content and b"data:" not in page.content
    assert client.get(reverse("web:today")).status_code == 302


def test_enrolment_confirms_a_device_signs_in_and_shows_recovery_codes(client, world):
    user = _new_user(world)
    password_step(client, "newbie")
    page = client.get(reverse("accounts:mfa"))
    device = SealedTOTPDevice.objects.get(user=user)
    assert not device.confirmed
    secret = totp_secret(device)
    shown = re.search(rb'id="totp-secret">([A-Z2-7 ]+)<', page.content).group(1).decode().replace(" ", "")
    assert shown == secret

    response = client.post(reverse("accounts:mfa"), {"code": pyotp.TOTP(secret).now()})
    assert response.status_code == 200
    device.refresh_from_db()
    assert device.confirmed
    shown_codes = re.findall(rb"<code>([a-z2-7]{16})</code>", response.content)
    assert len(set(shown_codes)) == 10
    stored = RecoveryCode.objects.filter(device__user=user)
    assert stored.count() == 10
    # Only hashes are kept: no code shown appears in what is stored.
    digests = set(stored.values_list("digest", flat=True))
    assert not {c.decode() for c in shown_codes} & digests
    assert client.get(reverse("web:today")).status_code == 200
    assert [e.detail["device"] for e in events(audit.MFA_ENROL)] == ["totp", "recovery_codes"]
    assert events(audit.LOGIN_SUCCESS)[-1].detail == {"second_factor": "enrolment"}


def test_a_wrong_enrolment_code_confirms_nothing(client, world):
    user = _new_user(world)
    password_step(client, "newbie")
    client.get(reverse("accounts:mfa"))
    response = client.post(reverse("accounts:mfa"), {"code": "12345"})
    assert response.status_code == 200
    assert b"6-digit" in response.content
    response = client.post(reverse("accounts:mfa"), {"code": "000000"})
    assert not SealedTOTPDevice.objects.filter(user=user, confirmed=True).exists()
    assert RecoveryCode.objects.filter(device__user=user).count() == 0
    assert "_auth_user_id" not in client.session


def test_reloading_keeps_the_same_secret(client, world):
    user = _new_user(world)
    password_step(client, "newbie")
    client.get(reverse("accounts:mfa"))
    first = SealedTOTPDevice.objects.get(user=user).key
    client.get(reverse("accounts:mfa"))
    assert [device.key for device in SealedTOTPDevice.objects.filter(user=user)] == [first]
