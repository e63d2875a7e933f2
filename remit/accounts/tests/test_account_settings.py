from __future__ import annotations

from django.urls import reverse

from remit.accounts import actions
from remit.accounts.tests.helpers import events
from remit.audit import actions as audit
from remit.testing import PermissionMatrix, login


class TestSettingsPermissions(PermissionMatrix):
    other_clinic_not_applicable = "the signed-in user's own account settings"

    def url(self, world, patient):
        return reverse("accounts:settings")


def test_it_shows_name_roles_clinics_and_mfa_status(client, world):
    nurse = world.users["nurse"]
    actions.generate_recovery_codes(user=nurse)
    login(client, nurse)
    response = client.get(reverse("accounts:settings"))
    content = response.content.decode()
    assert "Nurse Persona" in content
    assert "Clinic A" in content and "Clinic B" not in content
    assert "Nurse" in content
    assert "Recovery codes left" in content and ">10<" in content
    assert reverse("accounts:password_change") in content


def test_new_recovery_codes_need_a_recent_sign_in_and_are_shown_once(client, world, settings):
    nurse = world.users["nurse"]
    login(client, nurse)
    session = client.session
    session["reauth_at"] = 0
    session.save()
    stale = client.post(reverse("accounts:recovery_codes"))
    assert stale.status_code == 302 and stale["Location"].startswith(reverse("accounts:reauth"))

    login(client, nurse)
    confirm = client.get(reverse("accounts:recovery_codes"))
    assert confirm.status_code == 200
    response = client.post(reverse("accounts:recovery_codes"))
    assert response.status_code == 200
    from django_otp.plugins.otp_static.models import StaticToken

    tokens = list(StaticToken.objects.filter(device__user=nurse).values_list("token", flat=True))
    assert len(tokens) == 10
    assert all(t.encode() in response.content for t in tokens)
    assert events(audit.MFA_ENROL)[-1].detail == {"device": "recovery_codes", "count": 10}
    # The settings page never shows them again.
    again = client.get(reverse("accounts:settings"))
    assert not any(t.encode() in again.content for t in tokens)
