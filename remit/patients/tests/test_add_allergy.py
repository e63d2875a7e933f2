"""Adding an allergy to the chart."""

from __future__ import annotations

from django.urls import reverse

from remit.audit.models import AuditEvent
from remit.patients.models import Allergy
from remit.testing import PermissionMatrix, make_patient


def url(patient):
    return reverse("patients:add_allergy", kwargs={"pk": patient.pk})


class TestPermissionsToOpen(PermissionMatrix):
    capability = "clinical.edit"

    def url(self, world, patient):
        return url(patient)


class TestPermissionsToAdd(PermissionMatrix):
    capability = "clinical.edit"
    ok_status = 302

    def url(self, world, patient):
        return url(patient)

    def request(self, client, url):
        return client.post(url, {"substance": "penicillin", "reaction": "hives"})


def test_it_adds_an_allergy_and_audits_it(world):
    patient = make_patient(world.clinic)
    world.client("nurse").post(url(patient), {"substance": " penicillin ", "reaction": "hives"})
    assert Allergy.objects.get().substance == "penicillin"
    assert AuditEvent.objects.get(action="create").patient_id == patient.pk


def test_a_blank_substance_is_refused(world):
    patient = make_patient(world.clinic)
    events = AuditEvent.objects.count()
    response = world.client("nurse").post(url(patient), {"substance": "", "reaction": "hives"})
    assert "substance" in response.context["form"].errors
    assert "Substance: Substance is required." in response.content.decode()
    assert not Allergy.objects.exists()
    assert AuditEvent.objects.count() == events
