"""`remit fhir export --patient MRN --out FILE`: one patient's collection Bundle."""

from __future__ import annotations

import json
from collections import Counter

import pytest
from django.core.management import CommandError, call_command

from remit.fhir.tests.helpers import validate_r4b
from remit.fhir.tests.records import charted_patient
from remit.patients.actions import void_record

pytestmark = pytest.mark.django_db


def export(tmp_path, patient, **options):
    out = tmp_path / "bundle.json"
    call_command("fhir", "export", patient=patient.mrn, out=str(out), json=True, **options)
    return json.loads(out.read_text())


def test_every_resource_of_the_bundle_validates_with_the_r4b_models(world, tmp_path):
    patient = charted_patient(world)
    bundle = export(tmp_path, patient)
    validate_r4b(bundle)
    for entry in bundle["entry"]:
        validate_r4b(entry["resource"])
    assert bundle["type"] == "collection"


def test_the_bundle_holds_one_resource_per_record_and_references_line_up(world, tmp_path):
    patient = charted_patient(world)
    charted_patient(world)  # another patient's records stay out
    bundle = export(tmp_path, patient)
    resources = [entry["resource"] for entry in bundle["entry"]]
    kinds = Counter(r["resourceType"] for r in resources)
    assert kinds == {
        "Patient": 1,
        "Condition": 2,
        "QuestionnaireResponse": 3,  # two valid PHQ-9/GAD-7 and one incomplete PHQ-9
        # 2 scores + 1 MOAA/S rating + BP/HR/SpO2/RR + BP/HR + weight
        "Observation": 2 + 1 + 4 + 2 + 1,
        "MedicationAdministration": 1,
        "Procedure": 1,
        "Flag": 1,  # PHQ-9 item 9 answered 1
    }
    ids = {f"{r['resourceType']}/{r['id']}" for r in resources}
    for resource in resources:
        if "subject" in resource:
            assert resource["subject"]["reference"] == f"Patient/{patient.pk}"
        for ref in resource.get("derivedFrom", []) + resource.get("partOf", []):
            assert ref["reference"] in ids
    rating = next(r for r in resources if r["id"].endswith("-rating"))
    assert rating["partOf"][0]["reference"].startswith("MedicationAdministration/")
    dose = next(r for r in resources if r["resourceType"] == "MedicationAdministration")
    assert dose["dosage"]["dose"]["value"] == 35.8
    procedure = next(r for r in resources if r["resourceType"] == "Procedure")
    assert any(e["valueInteger"] == 3000 for e in procedure["extension"] if "valueInteger" in e)


def test_voided_records_are_not_exported(world, tmp_path):
    patient = charted_patient(world)
    diagnosis = patient.diagnoses.get(code="F41.1")
    void_record(world.users["nurse"], diagnosis, "entered for the wrong patient")
    bundle = export(tmp_path, patient)
    codes = [
        r["resource"]["code"]["coding"][0]["code"]
        for r in bundle["entry"]
        if r["resource"]["resourceType"] == "Condition"
    ]
    assert codes == ["F33.2"]


def test_since_keeps_only_what_was_taken_or_recorded_since(world, tmp_path):
    patient = charted_patient(world)
    bundle = export(tmp_path, patient, since="2100-01-01")
    assert [e["resource"]["resourceType"] for e in bundle["entry"]] == ["Patient"]


def test_an_unknown_mrn_is_refused(world, tmp_path):
    with pytest.raises(CommandError, match="no patient"):
        call_command("fhir", "export", patient="NOPE", out=str(tmp_path / "x.json"))
