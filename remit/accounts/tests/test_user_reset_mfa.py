from __future__ import annotations

from django.urls import reverse

from remit.accounts import actions
from remit.accounts.models import RecoveryCodeDevice, SealedTOTPDevice
from remit.accounts.tests.helpers import events, password_step
from remit.audit import actions as audit
from remit.testing import PermissionMatrix


class TestResetMfaPermissions(PermissionMatrix):
    capability = "users.manage"
    ok_status = 302

    def url(self, world, patient):
        return reverse("accounts:user_reset_mfa", args=[world.users["nurse"].pk])

    def request(self, client, url):
        return client.post(url)


def test_it_removes_every_device_and_the_user_enrols_again(client, world):
    nurse = world.users["nurse"]
    actions.generate_recovery_codes(user=nurse)
    response = world.client("clinic_admin").post(reverse("accounts:user_reset_mfa", args=[nurse.pk]))
    assert response.status_code == 302
    assert not SealedTOTPDevice.objects.filter(user=nurse).exists()
    assert not RecoveryCodeDevice.objects.filter(user=nurse).exists()
    rows = events(audit.MFA_RESET)
    assert len(rows) == 1 and rows[0].detail["devices_removed"] == 2
    assert rows[0].actor_id == world.users["clinic_admin"].pk
    password_step(client, "nurse")
    assert b"Set up two-step sign-in" in client.get(reverse("accounts:mfa")).content


def test_it_refuses_get(world):
    nurse = world.users["nurse"]
    response = world.client("clinic_admin").get(reverse("accounts:user_reset_mfa", args=[nurse.pk]))
    assert response.status_code == 405
    assert SealedTOTPDevice.objects.filter(user=nurse).exists()
