"""The registry's actions: validate, write and audit in one transaction, for every caller."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from unittest import mock

import pytest
from django.core.exceptions import ValidationError

from remit.audit.models import AuditEvent
from remit.patients import actions
from remit.patients.models import Diagnosis, Patient, WeightEntry
from remit.testing import make_patient

DATA = {
    "mrn": "A-1",
    "given_name": "Ima",
    "family_name": "Synthetic",
    "date_of_birth": date(1980, 1, 1),
    "sex_at_birth": "male",
}


def test_create_refuses_a_duplicate_mrn_on_the_mrn_field(world):
    actions.create_patient(world.users["nurse"], world.clinic, DATA)
    with pytest.raises(ValidationError) as error:
        actions.create_patient(world.users["nurse"], world.clinic, {**DATA, "given_name": "Other"})
    assert error.value.message_dict == {"mrn": ["A patient with this MRN already exists in this clinic."]}
    assert Patient.objects.count() == 1
    assert AuditEvent.objects.filter(action="create").count() == 1


def test_create_accepts_the_same_mrn_in_another_clinic(world):
    actions.create_patient(world.users["nurse"], world.clinic, DATA)
    actions.create_patient(world.users["other_clinic"], world.other_clinic, DATA)
    assert Patient.objects.filter(mrn="A-1").count() == 2


def test_create_validates_the_model(world):
    with pytest.raises(ValidationError) as error:
        actions.create_patient(
            world.users["nurse"], world.clinic, {**DATA, "date_of_birth": date(2999, 1, 1)}
        )
    assert "date_of_birth" in error.value.message_dict
    assert not Patient.objects.exists() and not AuditEvent.objects.exists()


def test_nothing_is_stored_when_the_audit_row_cannot_be_written(world):
    with mock.patch("remit.audit.actions.record", side_effect=RuntimeError("audit down")):
        with pytest.raises(RuntimeError):
            actions.create_patient(world.users["nurse"], world.clinic, DATA)
    assert not Patient.objects.exists()
    patient = make_patient(world.clinic)
    with mock.patch("remit.audit.actions.record", side_effect=RuntimeError("audit down")):
        with pytest.raises(RuntimeError):
            actions.add_weight(
                world.users["nurse"], patient, {"measured_on": date(2024, 1, 1), "weight_kg": Decimal("70")}
            )
        with pytest.raises(RuntimeError):
            actions.void_patient(world.users["nurse"], patient, "duplicate")
    assert not WeightEntry.objects.exists()
    patient.refresh_from_db()
    assert not patient.is_voided


def test_add_weight_refuses_a_negative_weight_on_weight_kg(world):
    patient = make_patient(world.clinic)
    with pytest.raises(ValidationError) as error:
        actions.add_weight(
            world.users["nurse"], patient, {"measured_on": date(2024, 1, 1), "weight_kg": Decimal("-3")}
        )
    assert list(error.value.message_dict) == ["weight_kg"]
    assert not WeightEntry.objects.exists()


def test_add_diagnosis_normalises_then_validates_the_code(world):
    patient = make_patient(world.clinic)
    diagnosis = actions.add_diagnosis(world.users["nurse"], patient, {"code": " f33.1 ", "status": "active"})
    assert diagnosis.code == "F33.1"
    with pytest.raises(ValidationError) as error:
        actions.add_diagnosis(world.users["nurse"], patient, {"code": "depression", "status": "active"})
    assert "code" in error.value.message_dict
    assert Diagnosis.objects.count() == 1


def test_nothing_is_added_to_a_voided_patient(world):
    patient = make_patient(world.clinic)
    actions.void_patient(world.users["nurse"], patient, "duplicate")
    with pytest.raises(ValidationError):
        actions.add_allergy(world.users["nurse"], patient, {"substance": "latex"})


def test_void_record_refuses_a_blank_reason_and_a_second_void(world):
    patient = make_patient(world.clinic)
    allergy = actions.add_allergy(world.users["nurse"], patient, {"substance": "latex"})
    with pytest.raises(ValidationError) as error:
        actions.void_record(world.users["nurse"], allergy, "   ")
    assert "reason" in error.value.message_dict
    actions.void_record(world.users["nurse"], allergy, "wrong chart")
    with pytest.raises(ValidationError):
        actions.void_record(world.users["nurse"], allergy, "again")
    assert AuditEvent.objects.filter(action="void").count() == 1


def test_update_records_only_what_changed(world):
    patient = make_patient(world.clinic)
    actions.update_patient(
        world.users["nurse"], patient, {"consent_email": True, "email": "a@example.invalid"}
    )
    row = AuditEvent.objects.get(action="update")
    assert row.detail == {"changed": {"consent_email": {"old": False, "new": True}, "email": "changed"}}
    assert patient.consent_email is True


def test_update_refuses_an_unknown_field(world):
    patient = make_patient(world.clinic)
    with pytest.raises(ValidationError):
        actions.update_patient(
            world.users["nurse"], patient, {"clinic_id": world.other_clinic.pk, "voided_at": None}
        )


def test_the_medication_table_suggests_class_flags():
    assert actions.suggested_medication_flags("Vyvanse 30 mg")["is_psychostimulant"] is True
    assert actions.suggested_medication_flags("clonazepam")["is_benzodiazepine"] is True
    assert not any(actions.suggested_medication_flags("sertraline").values())
    assert "is_opioid" not in actions.suggested_medication_flags("oxycodone")  # no table: left for staff
