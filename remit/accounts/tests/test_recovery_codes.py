from __future__ import annotations

from django.urls import reverse

from remit.accounts import actions
from remit.accounts.tests.helpers import events, password_step
from remit.audit import actions as audit


def test_a_recovery_code_signs_in_once_only(client, world):
    nurse = world.users["nurse"]
    codes = actions.generate_recovery_codes(user=nurse)
    assert len(codes) == 10 and len(set(codes)) == 10

    password_step(client, "nurse")
    response = client.post(reverse("accounts:mfa"), {"code": codes[0].upper()})
    assert response.status_code == 302
    assert client.get(reverse("web:today")).status_code == 200
    used = events(audit.RECOVERY_CODE_USED)
    assert len(used) == 1 and used[0].detail == {"remaining": 9}
    assert events(audit.LOGIN_SUCCESS)[-1].detail == {"second_factor": "recovery_code"}

    client.post(reverse("accounts:logout"))
    password_step(client, "nurse")
    again = client.post(reverse("accounts:mfa"), {"code": codes[0]})
    assert again.status_code == 200
    assert b"not right" in again.content
    assert events(audit.MFA_VERIFY_FAILURE)[-1].detail == {"kind": "recovery_code"}


def test_new_codes_replace_the_old_ones(world):
    nurse = world.users["nurse"]
    old = actions.generate_recovery_codes(user=nurse)
    new = actions.generate_recovery_codes(user=nurse)
    from remit.accounts.models import RecoveryCodeDevice
    from remit.accounts.sealing import hash_recovery_code

    device = RecoveryCodeDevice.objects.get(user=nurse)
    stored = set(device.codes.values_list("digest", flat=True))
    assert stored == {hash_recovery_code(device.salt, code) for code in new}
    assert not stored & {hash_recovery_code(device.salt, code) for code in old if code not in new}


def test_new_codes_made_in_a_session_that_signed_in_with_a_recovery_code_keep_it_signed_in(client, world):
    nurse = world.users["nurse"]
    codes = actions.generate_recovery_codes(user=nurse)
    password_step(client, "nurse")
    assert client.post(reverse("accounts:mfa"), {"code": codes[0]}).status_code == 302
    response = client.post(reverse("accounts:recovery_codes"))
    assert response.status_code == 200
    assert client.get(reverse("web:today")).status_code == 200
