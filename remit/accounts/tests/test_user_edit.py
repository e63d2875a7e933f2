from __future__ import annotations

from django.urls import reverse

from remit.accounts.models import User
from remit.accounts.tests.helpers import events
from remit.audit import actions as audit
from remit.testing import PermissionMatrix, make_user


def _form(world, user, roles=None, **changes):
    """The edit form as posted by clinic A's administrator: details and "Roles in Clinic A"."""
    data = {
        "first_name": user.first_name,
        "last_name": user.last_name,
        "email": user.email,
        f"roles_{world.clinic.pk}": sorted(user.roles_in(world.clinic)) if roles is None else roles,
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
        reverse("accounts:user_edit", args=[stranger.pk]), _form(world, stranger, roles=["nurse"])
    )
    assert response.status_code == 404
    for name in ("accounts:user_deactivate", "accounts:user_reset_mfa", "accounts:user_reactivate"):
        assert client.post(reverse(name, args=[stranger.pk]), {"reason": "x"}).status_code == 404, name
    stranger = User.objects.get(pk=stranger.pk)
    assert stranger.roles_by_clinic() == {world.other_clinic.pk: frozenset({"prescriber", "clinic_admin"})}
    assert stranger.is_active
    assert events(audit.ROLE_CHANGE) == []


def test_a_role_change_is_saved_and_audited_with_before_and_after(world):
    nurse = world.users["nurse"]
    response = world.client("clinic_admin").post(
        reverse("accounts:user_edit", args=[nurse.pk]), _form(world, nurse, roles=["nurse", "prescriber"])
    )
    assert response.status_code == 302
    assert User.objects.get(pk=nurse.pk).roles_in(world.clinic) == {"nurse", "prescriber"}
    rows = events(audit.ROLE_CHANGE)
    assert len(rows) == 1
    assert rows[0].actor_id == world.users["clinic_admin"].pk
    assert rows[0].object_id == str(nurse.pk)
    assert rows[0].clinic_id == world.clinic.pk
    assert rows[0].detail["before"] == {"Clinic A": ["nurse"]}
    assert rows[0].detail["after"] == {"Clinic A": ["prescriber", "nurse"]}
    assert rows[0].detail["changed_in"] == ["Clinic A"]


def test_saving_without_changes_records_no_role_change(world):
    nurse = world.users["nurse"]
    world.client("clinic_admin").post(reverse("accounts:user_edit", args=[nurse.pk]), _form(world, nurse))
    assert events(audit.ROLE_CHANGE) == []


def test_an_admin_cannot_grant_another_clinic(world):
    nurse = world.users["nurse"]
    response = world.client("clinic_admin").post(
        reverse("accounts:user_edit", args=[nurse.pk]),
        _form(world, nurse, **{f"roles_{world.other_clinic.pk}": ["clinic_admin"]}),
    )
    assert response.status_code == 302  # the other clinic's field is not on the form: ignored
    assert User.objects.get(pk=nurse.pk).roles_by_clinic() == {world.clinic.pk: frozenset({"nurse"})}


def test_an_admin_cannot_remove_their_own_admin_role(world):
    admin = world.users["clinic_admin"]
    response = world.client("clinic_admin").post(
        reverse("accounts:user_edit", args=[admin.pk]), _form(world, admin, roles=["nurse"])
    )
    assert response.status_code == 200
    assert "Roles in Clinic A</a>: You cannot remove your own clinic administrator role" in (
        response.content.decode()
    )
    assert User.objects.get(pk=admin.pk).roles_in(world.clinic) == {"clinic_admin"}


def test_roles_in_a_clinic_the_admin_does_not_administer_are_kept(world):
    both = make_user("both", ["nurse"], [world.clinic, world.other_clinic])
    page = world.client("clinic_admin").get(reverse("accounts:user_edit", args=[both.pk])).content.decode()
    assert "Clinic B" in page  # named in the account facts, not offered as a choice
    assert f'name="roles_{world.other_clinic.pk}"' not in page
    world.client("clinic_admin").post(
        reverse("accounts:user_edit", args=[both.pk]), _form(world, both, roles=["prescriber"])
    )
    assert User.objects.get(pk=both.pk).roles_by_clinic() == {
        world.clinic.pk: frozenset({"prescriber"}),
        world.other_clinic.pk: frozenset({"nurse"}),
    }


def test_a_name_change_is_audited_as_an_update(world):
    nurse = world.users["nurse"]
    world.client("clinic_admin").post(
        reverse("accounts:user_edit", args=[nurse.pk]), _form(world, nurse, last_name="Renamed")
    )
    rows = events(audit.UPDATE)
    assert rows[-1].detail["changed"] == {"last_name": ["Persona", "Renamed"]}


def test_the_name_of_someone_who_also_works_in_another_clinic_is_not_changed_by_one_clinics_admin(world):
    both = make_user("both", ["nurse"], [world.clinic, world.other_clinic])
    page = world.client("clinic_admin").get(reverse("accounts:user_edit", args=[both.pk])).content.decode()
    assert "its administrators share this account" in page
    world.client("clinic_admin").post(
        reverse("accounts:user_edit", args=[both.pk]), _form(world, both, last_name="Renamed")
    )
    assert User.objects.get(pk=both.pk).last_name == "Persona"
    assert events(audit.UPDATE) == []


def test_it_needs_a_csrf_token(csrf_client, world):
    from remit.testing import login

    login(csrf_client, world.users["clinic_admin"])
    nurse = world.users["nurse"]
    response = csrf_client.post(
        reverse("accounts:user_edit", args=[nurse.pk]), _form(world, nurse, roles=["prescriber"])
    )
    assert response.status_code == 403
