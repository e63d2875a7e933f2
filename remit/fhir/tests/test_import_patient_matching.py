"""Patients are matched by identifier: the clinic's MRN system, else any identifier equal to an MRN."""

from __future__ import annotations

import pytest

from remit.fhir.importer import ImportRejected, import_path
from remit.fhir.tests.importing import patient, transaction, write
from remit.patients.models import Diagnosis, Patient
from remit.testing import make_patient

pytestmark = pytest.mark.django_db

ICD = "http://hl7.org/fhir/sid/icd-10-cm"


def condition(pid: str, code: str = "F32.1") -> dict:
    return {
        "resourceType": "Condition",
        "code": {"coding": [{"system": ICD, "code": code, "display": "Depression"}]},
        "clinicalStatus": {
            "coding": [
                {"system": "http://terminology.hl7.org/CodeSystem/condition-clinical", "code": "remission"}
            ]
        },
        "onsetDateTime": "2021-06",
        "subject": {"reference": f"Patient/{pid}"},
    }


def test_the_clinic_mrn_system_matches_and_demographics_are_left_alone(world, tmp_path):
    existing = make_patient(world.clinic, mrn="A-77", given_name="Kept")
    incoming = patient(
        "x",
        mrn="ignored",
        identifier=[{"system": "https://remit.invalid/fhir/sid/mrn/clinic-a", "value": "A-77"}],
        name=[{"family": "Changed", "given": ["Changed"]}],
    )
    result = import_path(write(tmp_path, transaction(incoming, condition("x"))), clinic=world.clinic)
    assert result.matched == {"Patient": 1} and result.created == {"Condition": 1}
    existing.refresh_from_db()
    assert existing.given_name == "Kept"
    diagnosis = Diagnosis.objects.get(patient=existing)
    assert (diagnosis.code, diagnosis.status, diagnosis.onset_date, diagnosis.description) == (
        "F32.1",
        "in_remission",
        None,  # a partial onset date is not kept...
        "Depression",
    )
    assert any("partial date" in w["diagnostics"] for w in result.warnings)  # ...and says so


def test_any_identifier_equal_to_an_mrn_of_the_clinic_matches(world, tmp_path):
    existing = make_patient(world.clinic, mrn="H-123")
    make_patient(world.other_clinic, mrn="H-999")
    bundle = transaction(patient("a", mrn="H-123"), patient("b", mrn="H-999"))
    result = import_path(write(tmp_path, bundle), clinic=world.clinic)
    assert result.matched == {"Patient": 1} and result.created == {"Patient": 1}
    assert Patient.objects.filter(
        clinic=world.clinic, mrn="H-999"
    ).exists()  # another clinic's MRN is new here
    assert Patient.objects.filter(clinic=world.clinic).count() == 2
    assert existing.diagnoses.count() == 0


def test_a_new_patient_without_a_birth_date_is_refused_naming_the_element(world, tmp_path):
    incoming = patient("a")
    del incoming["birthDate"]
    with pytest.raises(ImportRejected) as rejected:
        import_path(write(tmp_path, transaction(incoming)), clinic=world.clinic)
    [issue] = rejected.value.outcome["issue"]
    assert issue["expression"] == ["Bundle.entry[0].resource.birthDate"]
    assert Patient.objects.count() == 0


def test_a_reference_to_a_patient_outside_the_import_is_refused(world, tmp_path):
    with pytest.raises(ImportRejected) as rejected:
        import_path(write(tmp_path, transaction(condition("nobody"))), clinic=world.clinic)
    assert rejected.value.outcome["issue"][0]["expression"] == ["Bundle.entry[0].resource.subject.reference"]
