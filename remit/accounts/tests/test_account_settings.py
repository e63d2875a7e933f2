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
    import re

    from remit.accounts.models import RecoveryCode

    tokens = [t.decode() for t in re.findall(rb"<code>([a-z2-7]{16})</code>", response.content)]
    assert len(set(tokens)) == 10
    assert RecoveryCode.objects.filter(device__user=nurse).count() == 10
    assert events(audit.MFA_ENROL)[-1].detail == {"device": "recovery_codes", "count": 10}
    # The settings page never shows them again.
    again = client.get(reverse("accounts:settings"))
    assert not any(t.encode() in again.content for t in tokens)
