"""Adding a current medication, with its class flags pre-ticked from the name."""

from __future__ import annotations

from django.urls import reverse

from remit.audit.models import AuditEvent
from remit.patients.models import Medication
from remit.testing import PermissionMatrix, make_patient


def url(patient):
    return reverse("patients:add_medication", kwargs={"pk": patient.pk})


FLAGS = reverse("patients:medication_flags")


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
        return client.post(url, {"name": "sertraline", "daily_dose_mg": "100"})


class TestPermissionsForTheFlagsLookup(PermissionMatrix):
    capability = "clinical.edit"
    other_clinic_not_applicable = "a lookup of medication names, which holds no clinic's records"

    def url(self, world, patient):
        return f"{FLAGS}?name=phenelzine"


def test_it_saves_the_flags_staff_chose(world):
    patient = make_patient(world.clinic)
    response = world.client("nurse").post(
        url(patient), {"name": "oxycodone", "daily_dose_mg": "10", "is_opioid": "on"}
    )
    assert response.status_code == 302
    medication = Medication.objects.get()
    assert medication.flags() == ["opioid"]
    assert AuditEvent.objects.filter(action="create", object_type="patients.medication").count() == 1


def test_the_lookup_pre_ticks_classes_from_the_screening_table(world):
    client = world.client("prescriber")
    html = client.get(FLAGS, {"name": "Phenelzine 15 mg"}).content.decode()
    assert 'name="is_maoi" id="id_is_maoi" checked' in html
    assert "Ticked from the medication name" in html
    html = client.get(FLAGS, {"name": "naltrexone ER"}).content.decode()
    assert 'name="is_opioid_antagonist" id="id_is_opioid_antagonist" checked' in html
    assert "checked" not in client.get(FLAGS, {"name": "sertraline"}).content.decode()


def test_the_form_carries_the_lookup_to_the_name_field(world):
    patient = make_patient(world.clinic)
    html = world.client("nurse").get(url(patient)).content.decode()
    assert f'hx-get="{FLAGS}"' in html
    assert 'id="medication-flags"' in html


def test_a_name_in_the_address_pre_ticks_the_form(world):
    patient = make_patient(world.clinic)
    response = world.client("nurse").get(url(patient), {"name": "alprazolam"})
    assert response.context["form"].initial["is_benzodiazepine"] is True


def test_a_blank_name_or_negative_dose_is_refused(world):
    patient = make_patient(world.clinic)
    events = AuditEvent.objects.count()
    response = world.client("nurse").post(url(patient), {"name": " ", "daily_dose_mg": "-1"})
    errors = response.context["form"].errors
    assert "name" in errors and "daily_dose_mg" in errors
    assert not Medication.objects.exists()
    assert AuditEvent.objects.count() == events
