"""Adding a diagnosis (ICD-10-CM) to the chart."""

from __future__ import annotations

import pytest
from django.urls import reverse

from remit.audit.models import AuditEvent
from remit.patients.models import Diagnosis
from remit.testing import PermissionMatrix, error_summary, make_patient


def url(patient):
    return reverse("patients:add_diagnosis", kwargs={"pk": patient.pk})


VALID = {
    "code": "F33.2",
    "description": "MDD, recurrent, severe",
    "status": "active",
    "onset_date": "2019-04-01",
}


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
        return client.post(url, VALID)


def test_it_upper_cases_and_trims_the_code(world):
    patient = make_patient(world.clinic)
    response = world.client("prescriber").post(url(patient), {**VALID, "code": "  f41.1 "})
    assert response.status_code == 302
    assert Diagnosis.objects.get().code == "F41.1"
    assert AuditEvent.objects.filter(action="create", patient_id=patient.pk).count() == 1


@pytest.mark.parametrize("code", ["F3", "33.2", "F33.22222", "F33-2", "FF3.2", "F3C.1"])
def test_a_malformed_code_is_refused_naming_the_field(world, code):
    patient = make_patient(world.clinic)
    events = AuditEvent.objects.count()
    response = world.client("nurse").post(url(patient), {**VALID, "code": code})
    assert response.status_code == 200
    errors = response.context["form"].errors["code"]
    assert any("is not an ICD-10-CM code" in e or "at most" in e for e in errors), errors
    assert "ICD-10-CM code" in error_summary(response.content.decode())
    assert not Diagnosis.objects.exists()
    assert AuditEvent.objects.count() == events


def test_a_resolution_before_onset_is_refused(world):
    patient = make_patient(world.clinic)
    response = world.client("nurse").post(
        url(patient),
        {**VALID, "status": "resolved", "onset_date": "2020-01-01", "resolved_date": "2019-01-01"},
    )
    assert "resolved_date" in response.context["form"].errors
    assert not Diagnosis.objects.exists()


def test_nothing_can_be_added_to_a_voided_patient(world):
    from remit.patients import actions

    patient = make_patient(world.clinic)
    actions.void_patient(world.users["nurse"], patient, "duplicate", None)
    assert world.client("nurse").post(url(patient), VALID).status_code == 403
    assert not Diagnosis.objects.exists()
