from __future__ import annotations

from django.urls import reverse

from remit.accounts.models import User
from remit.accounts.tests.helpers import events
from remit.audit import actions as audit
from remit.testing import PermissionMatrix, login

GOOD = {
    "username": "nina.nurse",
    "first_name": "Nina",
    "last_name": "Example",
    "email": "nina@example.invalid",
    "password1": "violet harbour lantern 93",
    "password2": "violet harbour lantern 93",
}


def _data(world, roles=("nurse",), clinic=None, **changes):
    """The form as posted: the roles ticked under "Roles in <clinic>" (clinic A by default)."""
    data = {**GOOD, f"roles_{(clinic or world.clinic).pk}": list(roles)}
    data.update(changes)
    return data


class TestUserCreatePagePermissions(PermissionMatrix):
    capability = "users.manage"
    other_clinic_not_applicable = "a form for a new record, which names no record of another clinic"

    def url(self, world, patient):
        return reverse("accounts:user_create")


class TestUserCreatePostPermissions(PermissionMatrix):
    capability = "users.manage"
    other_clinic_not_applicable = "a form for a new record, which names no record of another clinic"
    ok_status = 302

    def url(self, world, patient):
        self.world = world
        return reverse("accounts:user_create")

    def request(self, client, url):
        return client.post(url, _data(self.world))


def test_it_creates_a_user_with_roles_and_clinic_and_audits_it(world):
    admin = world.users["clinic_admin"]
    response = world.client("clinic_admin").post(reverse("accounts:user_create"), _data(world))
    assert response.status_code == 302
    user = User.objects.get(username="nina.nurse")
    assert user.roles_by_clinic() == {world.clinic.pk: frozenset({"nurse"})}
    assert user.check_password(GOOD["password1"])
    assert user.password.startswith(("argon2$", "md5$"))
    rows = events(audit.USER_CREATE)
    assert len(rows) == 1 and rows[0].actor_id == admin.pk
    assert rows[0].detail["memberships"] == {"Clinic A": ["nurse"]}
    assert rows[0].clinic_id == world.clinic.pk
    assert GOOD["password1"] not in str(rows[0].detail)


def test_it_offers_only_the_clinics_the_admin_administers_and_ignores_another(world):
    page = world.client("clinic_admin").get(reverse("accounts:user_create")).content.decode()
    assert "Roles in Clinic A" in page and "Clinic B" not in page
    before = User.objects.count()
    response = world.client("clinic_admin").post(
        reverse("accounts:user_create"), _data(world, clinic=world.other_clinic)
    )
    assert response.status_code == 200
    content = response.content.decode()
    assert "Give them at least one role in one of your clinics." in content
    assert User.objects.count() == before
    assert events(audit.USER_CREATE) == []


def test_it_applies_the_password_validators(world):
    before = User.objects.count()
    response = world.client("clinic_admin").post(
        reverse("accounts:user_create"), _data(world, password1="12345678", password2="12345678")
    )
    assert response.status_code == 200
    assert "Initial password</a>:" in response.content.decode()
    assert User.objects.count() == before


def test_it_refuses_a_duplicate_username_whatever_its_case(world):
    before = User.objects.count()
    response = world.client("clinic_admin").post(
        reverse("accounts:user_create"), _data(world, username="NURSE")
    )
    assert "Username</a>: A user with that username already exists." in response.content.decode()
    assert User.objects.count() == before


def test_it_needs_at_least_one_role(world):
    before = User.objects.count()
    response = world.client("clinic_admin").post(reverse("accounts:user_create"), _data(world, roles=[]))
    assert (
        "Roles in Clinic A</a>: Give them at least one role in one of your clinics."
        in response.content.decode()
    )
    assert User.objects.count() == before


def test_it_needs_a_csrf_token(csrf_client, world):
    login(csrf_client, world.users["clinic_admin"])
    before = User.objects.count()
    response = csrf_client.post(reverse("accounts:user_create"), _data(world))
    assert response.status_code == 403
    assert User.objects.count() == before


def test_the_new_user_must_enrol_at_first_sign_in(client, world):
    world.client("clinic_admin").post(reverse("accounts:user_create"), _data(world))
    response = client.post(
        reverse("accounts:login"), {"username": "nina.nurse", "password": GOOD["password1"]}
    )
    assert response["Location"].startswith(reverse("accounts:mfa"))
    assert b"Set up two-step sign-in" in client.get(response["Location"]).content
