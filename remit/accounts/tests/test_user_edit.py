from __future__ import annotations

from django.urls import reverse

from remit.accounts.models import User
from remit.accounts.tests.helpers import events
from remit.audit import actions as audit
from remit.testing import PermissionMatrix, make_user


def _form(user, **changes):
    data = {
        "first_name": user.first_name,
        "last_name": user.last_name,
        "email": user.email,
        "roles": list(user.roles),
        "clinics": user.clinic_ids(),
    }
    data.update(changes)
    return data


class TestUserEditPermissions(PermissionMatrix):
    capability = "users.manage"

    def url(self, world, patient):
        return reverse("accounts:user_edit", args=[world.users["nurse"].pk])


def test_an_admin_gets_404_for_a_user_of_another_clinic(world):
    stranger = world.users["other_clinic"]
    client = world.client("clinic_admin")
    assert client.get(reverse("accounts:user_edit", args=[stranger.pk])).status_code == 404
    response = client.post(
        reverse("accounts:user_edit", args=[stranger.pk]), _form(stranger, roles=["nurse"])
    )
    assert response.status_code == 404
    for name in ("accounts:user_deactivate", "accounts:user_reset_mfa", "accounts:user_reactivate"):
        assert client.post(reverse(name, args=[stranger.pk]), {"reason": "x"}).status_code == 404, name
    stranger.refresh_from_db()
    assert stranger.roles == ["prescriber", "clinic_admin"] and stranger.is_active
    assert events(audit.ROLE_CHANGE) == []


def test_a_role_change_is_saved_and_audited_with_before_and_after(world):
    nurse = world.users["nurse"]
    response = world.client("clinic_admin").post(
        reverse("accounts:user_edit", args=[nurse.pk]), _form(nurse, roles=["nurse", "prescriber"])
    )
    assert response.status_code == 302
    nurse.refresh_from_db()
    assert set(nurse.roles) == {"nurse", "prescriber"}
    rows = events(audit.ROLE_CHANGE)
    assert len(rows) == 1
    assert rows[0].actor_id == world.users["clinic_admin"].pk
    assert rows[0].object_id == str(nurse.pk)
    assert rows[0].detail["before"] == {"roles": ["nurse"], "clinics": [world.clinic.pk]}
    assert rows[0].detail["after"] == {"roles": ["nurse", "prescriber"], "clinics": [world.clinic.pk]}


def test_saving_without_changes_records_no_role_change(world):
    nurse = world.users["nurse"]
    world.client("clinic_admin").post(reverse("accounts:user_edit", args=[nurse.pk]), _form(nurse))
    assert events(audit.ROLE_CHANGE) == []


def test_an_admin_cannot_grant_another_clinic(world):
    nurse = world.users["nurse"]
    response = world.client("clinic_admin").post(
        reverse("accounts:user_edit", args=[nurse.pk]),
        _form(nurse, clinics=[world.clinic.pk, world.other_clinic.pk]),
    )
    assert response.status_code == 200
    assert "Clinics</a>: You can only grant clinics you belong to." in response.content.decode()
    assert User.objects.get(pk=nurse.pk).clinic_ids() == [world.clinic.pk]


def test_an_admin_cannot_remove_their_own_admin_role(world):
    admin = world.users["clinic_admin"]
    response = world.client("clinic_admin").post(
        reverse("accounts:user_edit", args=[admin.pk]), _form(admin, roles=["nurse"])
    )
    assert response.status_code == 200
    assert "Roles</a>: You cannot remove your own clinic administrator role" in response.content.decode()
    admin.refresh_from_db()
    assert admin.roles == ["clinic_admin"]


def test_clinics_the_admin_cannot_see_are_kept(world):
    both = make_user("both", ["nurse"], [world.clinic, world.other_clinic])
    page = world.client("clinic_admin").get(reverse("accounts:user_edit", args=[both.pk]))
    assert "Clinic B" in page.content.decode()  # named in the account facts, not offered as a choice
    assert f'value="{world.other_clinic.pk}"' not in page.content.decode()
    world.client("clinic_admin").post(
        reverse("accounts:user_edit", args=[both.pk]),
        _form(both, clinics=[world.clinic.pk], roles=["prescriber"]),
    )
    assert User.objects.get(pk=both.pk).clinic_ids() == sorted([world.clinic.pk, world.other_clinic.pk])


def test_a_name_change_is_audited_as_an_update(world):
    nurse = world.users["nurse"]
    world.client("clinic_admin").post(
        reverse("accounts:user_edit", args=[nurse.pk]), _form(nurse, last_name="Renamed")
    )
    rows = events(audit.UPDATE)
    assert rows[-1].detail["changed"] == {"last_name": ["Persona", "Renamed"]}


def test_it_needs_a_csrf_token(csrf_client, world):
    from remit.testing import login

    login(csrf_client, world.users["clinic_admin"])
    nurse = world.users["nurse"]
    response = csrf_client.post(
        reverse("accounts:user_edit", args=[nurse.pk]), _form(nurse, roles=["prescriber"])
    )
    assert response.status_code == 403
