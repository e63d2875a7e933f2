"""Voiding a patient's record: with a reason, never deleting."""

from __future__ import annotations

from django.urls import reverse

from remit.audit.models import AuditEvent
from remit.patients.models import Patient
from remit.testing import PermissionMatrix, make_patient


def void(patient):
    return reverse("patients:void", kwargs={"pk": patient.pk})


class TestPermissions(PermissionMatrix):
    capability = "patient.edit"
    ok_status = 302

    def url(self, world, patient):
        return void(patient)

    def request(self, client, url):
        return client.post(url, {"reason": "registered twice"})


def test_it_voids_with_a_reason_and_keeps_the_record(world):
    patient = make_patient(world.clinic)
    response = world.client("front_desk").post(void(patient), {"reason": "  registered twice "})
    assert response.status_code == 302
    patient.refresh_from_db()
    assert patient.is_voided
    assert patient.void_reason == "registered twice"
    assert patient.voided_by == world.users["front_desk"]
    row = AuditEvent.objects.get(action="void")
    assert (row.patient_id, row.object_type, row.actor_id) == (
        patient.pk,
        "patients.patient",
        world.users["front_desk"].pk,
    )


def test_a_blank_reason_is_refused_naming_the_field(world):
    patient = make_patient(world.clinic)
    events = AuditEvent.objects.count()
    response = world.client("front_desk").post(void(patient), {"reason": "   "})
    assert response.status_code == 200
    assert "reason" in response.context["form"].errors
    assert "Reason for voiding: Reason for voiding is required." in response.content.decode()
    assert not Patient.objects.get(pk=patient.pk).is_voided
    assert AuditEvent.objects.count() == events


def test_voiding_twice_is_refused(world):
    patient = make_patient(world.clinic)
    client = world.client("front_desk")
    client.post(void(patient), {"reason": "first"})
    response = client.post(void(patient), {"reason": "second"})
    assert response.status_code == 200
    assert Patient.objects.get(pk=patient.pk).void_reason == "first"
    assert AuditEvent.objects.filter(action="void").count() == 1


def test_it_enforces_csrf(world, csrf_client):
    from remit.testing import login

    patient = make_patient(world.clinic)
    login(csrf_client, world.users["front_desk"])
    assert csrf_client.post(void(patient), {"reason": "x"}).status_code == 403
    assert not Patient.objects.get(pk=patient.pk).is_voided
