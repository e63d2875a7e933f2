from __future__ import annotations

from django.urls import reverse

from remit.accounts.models import User
from remit.accounts.tests.helpers import events, password_step
from remit.audit import actions as audit
from remit.testing import PermissionMatrix


class TestDeactivatePermissions(PermissionMatrix):
    capability = "users.manage"
    ok_status = 302

    def url(self, world, patient):
        return reverse("accounts:user_deactivate", args=[world.users["nurse"].pk])

    def request(self, client, url):
        return client.post(url, {"reason": "left the clinic"})


def test_it_deactivates_without_deleting_and_audits_the_reason(client, world):
    nurse = world.users["nurse"]
    before = User.objects.count()
    response = world.client("clinic_admin").post(
        reverse("accounts:user_deactivate", args=[nurse.pk]), {"reason": "left the clinic"}
    )
    assert response.status_code == 302
    assert User.objects.count() == before
    nurse.refresh_from_db()
    assert not nurse.is_active
    rows = events(audit.USER_DEACTIVATE)
    assert len(rows) == 1 and rows[0].detail["reason"] == "left the clinic"
    assert password_step(client, "nurse").status_code == 200  # can no longer sign in


def test_a_deactivated_users_open_session_stops_working(world):
    nurse_client = world.client("nurse")
    world.client("clinic_admin").post(
        reverse("accounts:user_deactivate", args=[world.users["nurse"].pk]), {"reason": "left"}
    )
    response = nurse_client.get(reverse("web:today"))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_it_needs_a_reason(world):
    nurse = world.users["nurse"]
    response = world.client("clinic_admin").post(
        reverse("accounts:user_deactivate", args=[nurse.pk]), {"reason": ""}
    )
    assert response.status_code == 200
    assert ">Reason is required.</a>" in response.content.decode()  # the error, linked to its field
    nurse.refresh_from_db()
    assert nurse.is_active


def test_an_admin_cannot_deactivate_themselves(world):
    admin = world.users["clinic_admin"]
    response = world.client("clinic_admin").post(
        reverse("accounts:user_deactivate", args=[admin.pk]), {"reason": "oops"}
    )
    assert response.status_code == 200
    assert "cannot deactivate your own account" in response.content.decode()
    admin.refresh_from_db()
    assert admin.is_active


def test_it_can_be_reactivated(world):
    nurse = world.users["nurse"]
    client = world.client("clinic_admin")
    client.post(reverse("accounts:user_deactivate", args=[nurse.pk]), {"reason": "leave"})
    client.post(reverse("accounts:user_reactivate", args=[nurse.pk]))
    nurse.refresh_from_db()
    assert nurse.is_active
    assert events(audit.UPDATE)[-1].detail["changed"] == {"is_active": [False, True]}


class TestReactivatePermissions(PermissionMatrix):
    capability = "users.manage"
    ok_status = 302

    def url(self, world, patient):
        return reverse("accounts:user_reactivate", args=[world.users["nurse"].pk])

    def request(self, client, url):
        return client.post(url)
