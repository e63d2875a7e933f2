"""Registering a patient: who may, what is checked, what is recorded."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from remit.accounts.models import Clinic
from remit.audit.models import AuditEvent
from remit.patients.models import Patient
from remit.testing import PermissionMatrix, login, make_patient, make_user

CREATE = reverse("patients:create")


def valid(**overrides):
    data = {
        "mrn": "NEW-001",
        "given_name": "Ima",
        "family_name": "Synthetic",
        "date_of_birth": "1985-03-04",
        "sex_at_birth": "female",
        "gender_identity": "",
        "phone": "  555-0101  ",
        "email": "ima@example.invalid",
        "preferred_contact": "sms",
        "consent_sms": "on",
        "emergency_contact_name": "",
        "emergency_contact_phone": "",
        "postal_code": "",
    }
    data.update(overrides)
    return data


class TestPermissionsToOpen(PermissionMatrix):
    capability = "patient.edit"
    other_clinic_not_applicable = "a form for a new record, which names no record of another clinic"

    def url(self, world, patient):
        return CREATE


class TestPermissionsToRegister(PermissionMatrix):
    capability = "patient.edit"
    other_clinic_not_applicable = "a form for a new record, which names no record of another clinic"
    ok_status = 302

    def url(self, world, patient):
        return CREATE

    def request(self, client, url):
        return client.post(url, valid(mrn=f"M{Patient.objects.count()}"))


def test_it_registers_a_patient_in_the_users_clinic_and_audits_it(world):
    response = world.client("front_desk").post(CREATE, valid())
    patient = Patient.objects.get(mrn="NEW-001")
    assert response.status_code == 302
    assert response["Location"] == reverse("patients:detail", kwargs={"pk": patient.pk})
    assert patient.clinic == world.clinic
    assert patient.phone == "555-0101"  # trimmed
    assert patient.consent_sms is True
    row = AuditEvent.objects.get(action="create")
    assert (row.object_type, row.object_id, row.patient_id, row.actor_id) == (
        "patients.patient",
        str(patient.pk),
        patient.pk,
        world.users["front_desk"].pk,
    )


def assert_refused(world, data, field, message=None):
    patients, events = Patient.objects.count(), AuditEvent.objects.count()
    response = world.client("front_desk").post(CREATE, data)
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert field in errors, errors
    if message:
        assert message in errors[field]
    label = response.context["form"][field].label
    assert f"{label}: " in response.content.decode()  # the summary names the field
    assert Patient.objects.count() == patients
    assert AuditEvent.objects.count() == events
    return response


def test_a_duplicate_mrn_in_the_same_clinic_is_refused_on_the_mrn_field(world):
    make_patient(world.clinic, mrn="DUP-1")
    assert_refused(world, valid(mrn="DUP-1"), "mrn", "A patient with this MRN already exists in this clinic.")


def test_the_same_mrn_in_another_clinic_is_fine(world):
    make_patient(world.other_clinic, mrn="SHARED-1")
    response = world.client("front_desk").post(CREATE, valid(mrn="SHARED-1"))
    assert response.status_code == 302
    assert Patient.objects.filter(mrn="SHARED-1").count() == 2


@pytest.mark.parametrize(
    "dob, message",
    [
        ((timezone.localdate() + timedelta(days=1)).isoformat(), "Date of birth cannot be in the future."),
        ("1890-01-01", "Date of birth is more than 120 years ago."),
        ("2001-02-30", "Date of birth must be a date, like 2026-03-31."),
    ],
)
def test_an_impossible_date_of_birth_is_refused_naming_the_field(world, dob, message):
    response = assert_refused(world, valid(date_of_birth=dob), "date_of_birth", message)
    assert f"Date of birth: {message}" in response.content.decode()


def test_a_malformed_email_is_refused(world):
    assert_refused(world, valid(email="not-an-email", preferred_contact="sms"), "email")


def test_consent_to_texts_needs_a_phone(world):
    assert_refused(world, valid(phone=""), "phone")


def test_required_fields_are_named(world):
    assert_refused(world, valid(given_name="   "), "given_name", "Given name is required.")


def test_it_enforces_csrf(world, csrf_client):
    login(csrf_client, world.users["front_desk"])
    response = csrf_client.post(CREATE, valid())
    assert response.status_code == 403
    assert not Patient.objects.exists()


def test_staff_of_several_clinics_choose_among_their_own(world):
    third = Clinic.objects.create(name="Clinic C", slug="clinic-c")
    roaming = make_user("roaming", ["front_desk"], [world.clinic, third])
    client = login(Client(), roaming)
    assert client.post(CREATE, valid(clinic=third.pk)).status_code == 302
    assert Patient.objects.get(mrn="NEW-001").clinic == third
    refused = client.post(CREATE, valid(mrn="NEW-002", clinic=world.other_clinic.pk))
    assert "clinic" in refused.context["form"].errors
    assert not Patient.objects.filter(mrn="NEW-002").exists()


def test_a_date_input_is_offered_for_date_of_birth(world):
    html = world.client("front_desk").get(CREATE).content.decode()
    assert 'type="date" name="date_of_birth"' in html
