from __future__ import annotations

from django.urls import reverse

from remit.audit import actions as audit
from remit.audit.models import AuditEvent
from remit.testing import login, make_user


def _superuser(world):
    user = make_user("root", [], [world.clinic])
    user.is_superuser = True
    user.is_staff = True
    user.save()
    return user


def test_anonymous_is_sent_to_remits_sign_in(client, db):
    response = client.get("/admin/", follow=True)
    assert response.redirect_chain[-1][0] == f"{reverse('accounts:login')}?next=%2Fadmin%2F"


def test_staff_who_are_not_superusers_are_refused(world):
    response = world.client("clinic_admin").get("/admin/", follow=True)
    assert response.status_code == 403


def test_a_superuser_still_needs_the_second_factor(client, world):
    client.force_login(_superuser(world))
    response = client.get("/admin/")
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:mfa"))


def test_a_verified_superuser_sees_the_admin_without_password_hashes(client, world):
    root = _superuser(world)
    login(client, root)
    assert client.get("/admin/").status_code == 200
    nurse = world.users["nurse"]
    page = client.get(reverse("admin:accounts_user_change", args=[nurse.pk]))
    assert page.status_code == 200
    assert nurse.password.encode() not in page.content
    assert b"md5$" not in page.content and b"argon2" not in page.content
    assert client.get(reverse("admin:accounts_clinic_changelist")).status_code == 200


def test_the_audit_trail_is_read_only_in_the_admin(client, world):
    root = _superuser(world)
    login(client, root)
    event = audit.record(audit.LOGOUT, actor=root)
    assert client.get(reverse("admin:audit_auditevent_changelist")).status_code == 200
    assert client.get(reverse("admin:audit_auditevent_change", args=[event.pk])).status_code == 200
    assert client.get(reverse("admin:audit_auditevent_add")).status_code == 403
    assert (
        client.post(reverse("admin:audit_auditevent_delete", args=[event.pk]), {"post": "yes"}).status_code
        == 403
    )
    assert AuditEvent.objects.filter(pk=event.pk).exists()
