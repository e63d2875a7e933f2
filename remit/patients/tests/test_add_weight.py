"""Adding a weight to the chart."""

from __future__ import annotations

import pytest
from django.urls import reverse

from remit.audit.models import AuditEvent
from remit.patients.models import WeightEntry
from remit.testing import PermissionMatrix, make_patient


def url(patient):
    return reverse("patients:add_weight", kwargs={"pk": patient.pk})


class TestPermissionsToOpen(PermissionMatrix):
    capability = "clinical.weight"

    def url(self, world, patient):
        return url(patient)


class TestPermissionsToAdd(PermissionMatrix):
    capability = "clinical.weight"
    ok_status = 302

    def url(self, world, patient):
        return url(patient)

    def request(self, client, url):
        return client.post(url, {"measured_on": "2024-03-01", "weight_kg": "81.4"})


def test_it_adds_a_weight_and_audits_it(world):
    patient = make_patient(world.clinic)
    response = world.client("tms_technician").post(
        url(patient), {"measured_on": "2024-03-01", "weight_kg": "81.4"}
    )
    assert response["Location"].endswith(f"/patients/{patient.pk}/#weight")
    weight = WeightEntry.objects.get()
    assert str(weight.weight_kg) == "81.4"
    row = AuditEvent.objects.get(action="create")
    assert (row.object_type, row.object_id, row.patient_id) == (
        "patients.weightentry",
        str(weight.pk),
        patient.pk,
    )


@pytest.mark.parametrize(
    "weight, message",
    [
        ("-70", "Enter a weight more than 0 kg."),
        ("0", "Enter a weight more than 0 kg."),
        ("401", "Enter a weight of 400 kg or less."),
        ("heavy", "Weight (kg) must be a number."),
    ],
)
def test_an_impossible_weight_is_refused_naming_the_field(world, weight, message):
    patient = make_patient(world.clinic)
    events = AuditEvent.objects.count()
    response = world.client("nurse").post(url(patient), {"measured_on": "2024-03-01", "weight_kg": weight})
    assert response.status_code == 200
    assert message in response.context["form"].errors["weight_kg"]
    assert f"Weight (kg): {message}" in response.content.decode()
    assert 'aria-invalid="true"' in response.content.decode()
    assert WeightEntry.objects.count() == 0
    assert AuditEvent.objects.count() == events


def test_a_future_measurement_date_is_refused(world):
    patient = make_patient(world.clinic)
    response = world.client("nurse").post(url(patient), {"measured_on": "2999-01-01", "weight_kg": "70"})
    assert "measured_on" in response.context["form"].errors
    assert not WeightEntry.objects.exists()


def test_it_enforces_csrf(world, csrf_client):
    from remit.testing import login

    patient = make_patient(world.clinic)
    login(csrf_client, world.users["nurse"])
    assert csrf_client.post(url(patient), {"measured_on": "2024-03-01", "weight_kg": "70"}).status_code == 403
    assert not WeightEntry.objects.exists()
