"""Editing a patient's demographics."""

from __future__ import annotations

from django.urls import reverse

from remit.audit.models import AuditEvent
from remit.patients import actions
from remit.patients.forms import PATIENT_FIELDS
from remit.patients.models import Patient
from remit.testing import PermissionMatrix, make_patient


def edit(patient):
    return reverse("patients:edit", kwargs={"pk": patient.pk})


def form_data(patient, **overrides):
    data = {}
    for name in PATIENT_FIELDS:
        value = getattr(patient, name)
        if isinstance(value, bool):
            if value:
                data[name] = "on"
        else:
            data[name] = value.isoformat() if hasattr(value, "isoformat") else value
    data.update(overrides)
    return data


class TestPermissionsToOpen(PermissionMatrix):
    capability = "patient.edit"

    def url(self, world, patient):
        return edit(patient)


class TestPermissionsToSave(PermissionMatrix):
    capability = "patient.edit"
    ok_status = 302

    def url(self, world, patient):
        self.patient = patient
        return edit(patient)

    def request(self, client, url):
        return client.post(url, form_data(self.patient, given_name="Renamed"))


def test_opening_the_form_writes_one_view_row(world):
    patient = make_patient(world.clinic)
    before = AuditEvent.objects.count()
    world.client("front_desk").get(edit(patient))
    rows = list(AuditEvent.objects.filter(seq__gt=before))
    assert [(r.action, r.patient_id) for r in rows] == [("view", patient.pk)]


def test_it_saves_and_audits_the_changed_field_names_without_free_text_values(world):
    patient = make_patient(world.clinic, given_name="Old", phone="555-0000")
    before = AuditEvent.objects.count()
    response = world.client("front_desk").post(
        edit(patient),
        form_data(patient, given_name="New", phone="555-1111", mrn="NEW-MRN", sex_at_birth="unknown"),
    )
    assert response.status_code == 302
    patient.refresh_from_db()
    assert (patient.given_name, patient.phone, patient.mrn) == ("New", "555-1111", "NEW-MRN")
    rows = list(AuditEvent.objects.filter(seq__gt=before))
    assert len(rows) == 1
    assert rows[0].action == "update"
    changed = rows[0].detail["changed"]
    assert changed["given_name"] == "changed"
    assert changed["phone"] == "changed"
    assert changed["mrn"] == {"old": "MRN00001", "new": "NEW-MRN"}
    assert changed["sex_at_birth"] == {"old": "female", "new": "unknown"}
    assert "Old" not in str(rows[0].detail) and "555" not in str(rows[0].detail)
    assert set(changed) == {"given_name", "phone", "mrn", "sex_at_birth"}


def test_saving_without_changes_writes_no_update_row(world):
    patient = make_patient(world.clinic)
    world.client("front_desk").post(edit(patient), form_data(patient))
    assert not AuditEvent.objects.filter(action="update").exists()


def test_a_duplicate_mrn_is_refused_and_nothing_changes(world):
    make_patient(world.clinic, mrn="TAKEN")
    patient = make_patient(world.clinic, mrn="MINE")
    events = AuditEvent.objects.count()
    response = world.client("nurse").post(
        edit(patient), form_data(patient, mrn="TAKEN", given_name="Changed")
    )
    assert response.status_code == 200
    assert response.context["form"].errors["mrn"] == [
        "A patient with this MRN already exists in this clinic."
    ]
    patient.refresh_from_db()
    assert (patient.mrn, patient.given_name) == ("MINE", "Testa")
    assert AuditEvent.objects.count() == events


def test_an_impossible_date_of_birth_is_refused(world):
    patient = make_patient(world.clinic)
    response = world.client("nurse").post(edit(patient), form_data(patient, date_of_birth="3000-01-01"))
    assert "date_of_birth" in response.context["form"].errors
    patient.refresh_from_db()
    assert patient.date_of_birth.year == 1980


def test_a_voided_patient_cannot_be_edited(world):
    patient = make_patient(world.clinic)
    actions.void_patient(world.users["nurse"], patient, "duplicate", None)
    response = world.client("nurse").post(edit(patient), form_data(patient, given_name="X"))
    assert response.status_code == 403
    assert Patient.objects.get(pk=patient.pk).given_name == "Testa"
