"""The clinic administrator's escalation list page: add people in order, remove them; audited."""

from __future__ import annotations

from django.urls import reverse

from remit.alerts.models import EscalationContact
from remit.audit.models import AuditEvent
from remit.testing import PermissionMatrix, login

PAGE = reverse("alerts:escalation")


class TestPermissions(PermissionMatrix):
    capability = "users.manage"
    other_clinic_not_applicable = "a clinic-wide settings page: each clinic edits its own"

    def url(self, world, patient):
        return PAGE


class TestRemovePermissions(PermissionMatrix):
    capability = "users.manage"
    ok_status = 302

    def url(self, world, patient):
        nurse = with_contact_details(world.users["nurse"])
        contact = EscalationContact.objects.create(clinic=world.clinic, user=nurse, order=1)
        return reverse("alerts:escalation_remove", args=[contact.pk])

    def request(self, client, url):
        return client.post(url)


def with_contact_details(user, email="x@clinic.example", phone="+15550001111"):
    user.email, user.phone = email, phone
    user.save()
    return user


def test_it_adds_a_person_and_audits(world):
    nurse = with_contact_details(world.users["nurse"])
    client = world.client("clinic_admin")
    before = AuditEvent.objects.count()
    response = client.post(
        PAGE,
        {
            "clinic": world.clinic.pk,
            "user": nurse.pk,
            "order": 1,
            "notify_by_email": "on",
            "notify_by_sms": "on",
        },
    )
    assert response.status_code == 302
    contact = EscalationContact.objects.get()
    assert (contact.clinic, contact.user, contact.order, contact.notify_by_email, contact.notify_by_sms) == (
        world.clinic,
        nurse,
        1,
        True,
        True,
    )
    [row] = list(AuditEvent.objects.order_by("seq"))[before:]
    assert (row.action, row.object_type, row.actor) == (
        "create",
        "alerts.escalationcontact",
        world.users["clinic_admin"],
    )
    page = client.get(PAGE).content.decode()
    assert "Nurse Persona" in page


def test_it_lists_only_the_admins_clinics(world):
    theirs = with_contact_details(world.users["other_clinic"])
    EscalationContact.objects.create(clinic=world.other_clinic, user=theirs, order=1)
    page = world.client("clinic_admin").get(PAGE).content.decode()
    assert "Other Clinic Persona" not in page
    assert "Clinic B" not in page


def post_and_expect_error(world, data, field):
    before = AuditEvent.objects.count()
    response = world.client("clinic_admin").post(PAGE, {"clinic": world.clinic.pk, "order": 1, **data})
    assert response.status_code == 200
    assert field in response.context["form"].errors, response.context["form"].errors
    assert EscalationContact.objects.count() == 0
    assert AuditEvent.objects.count() == before
    return response


def test_it_refuses_a_person_who_is_not_clinical_staff(world):
    desk = with_contact_details(world.users["front_desk"])
    response = post_and_expect_error(world, {"user": desk.pk, "notify_by_email": "on"}, "user")
    assert b"Person: Only clinical staff" in response.content


def test_it_refuses_a_person_of_another_clinic(world):
    theirs = with_contact_details(world.users["other_clinic"])
    post_and_expect_error(world, {"user": theirs.pk, "notify_by_email": "on"}, "user")


def test_it_needs_a_channel_the_person_can_be_reached_by(world):
    nurse = world.users["nurse"]  # no email or phone on the account
    post_and_expect_error(world, {"user": nurse.pk}, "notify_by_email")
    post_and_expect_error(world, {"user": nurse.pk, "notify_by_email": "on"}, "notify_by_email")
    post_and_expect_error(world, {"user": nurse.pk, "notify_by_sms": "on"}, "notify_by_sms")


def test_it_refuses_the_same_person_twice(world):
    nurse = with_contact_details(world.users["nurse"])
    EscalationContact.objects.create(clinic=world.clinic, user=nurse, order=1)
    before = AuditEvent.objects.count()
    response = world.client("clinic_admin").post(
        PAGE, {"clinic": world.clinic.pk, "user": nurse.pk, "order": 2, "notify_by_email": "on"}
    )
    assert "user" in response.context["form"].errors
    assert EscalationContact.objects.count() == 1
    assert AuditEvent.objects.count() == before


def test_it_removes_a_person_and_audits(world):
    nurse = with_contact_details(world.users["nurse"])
    contact = EscalationContact.objects.create(clinic=world.clinic, user=nurse, order=1)
    before = AuditEvent.objects.count()
    response = world.client("clinic_admin").post(reverse("alerts:escalation_remove", args=[contact.pk]))
    assert response.status_code == 302
    assert not EscalationContact.objects.exists()
    [row] = list(AuditEvent.objects.order_by("seq"))[before:]
    assert row.detail == {"removed": True, "user": "nurse", "order": 1}


def test_another_clinics_entry_cannot_be_removed(world):
    theirs = with_contact_details(world.users["other_clinic"])
    contact = EscalationContact.objects.create(clinic=world.other_clinic, user=theirs, order=1)
    response = world.client("clinic_admin").post(reverse("alerts:escalation_remove", args=[contact.pk]))
    assert response.status_code == 404
    assert EscalationContact.objects.filter(pk=contact.pk).exists()


def test_removing_is_refused_to_other_roles(world):
    nurse = with_contact_details(world.users["nurse"])
    contact = EscalationContact.objects.create(clinic=world.clinic, user=nurse, order=1)
    assert (
        world.client("prescriber").post(reverse("alerts:escalation_remove", args=[contact.pk])).status_code
        == 403
    )
    assert EscalationContact.objects.exists()


def test_it_refuses_a_post_without_the_csrf_token(world, csrf_client):
    nurse = with_contact_details(world.users["nurse"])
    login(csrf_client, world.users["clinic_admin"])
    response = csrf_client.post(
        PAGE, {"clinic": world.clinic.pk, "user": nurse.pk, "order": 1, "notify_by_email": "on"}
    )
    assert response.status_code == 403
    assert not EscalationContact.objects.exists()
