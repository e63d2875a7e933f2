"""Parsing the intake document: schema, semantic checks, and errors that name the field."""

from __future__ import annotations

from typing import Any

import jsonschema
import pytest

from remit.core.screening import Intake, IntakeError, intake_schema, parse_intake
from remit.core.screening.intake import BloodPressure, Diagnosis, Medication
from remit.core.tests.screening.intakes import eligible_doc, with_

ISSUE_SAMPLE: dict[str, Any] = {
    "age": 45,
    "sex": "female",
    "pregnant": False,
    "breastfeeding": False,
    "weight_kg": 70.0,
    "blood_pressure": {"systolic": 128, "diastolic": 80},
    "diagnoses": [{"code": "F33.2", "status": "active"}],
    "medications": [{"name": "sertraline", "daily_dose_mg": 100}],
    "allergies": [],
    "screens": {"auditc": [1, 1, 0], "dast10": [0, 0, 1, 0, 0, 0, 0, 0, 0, 0]},
    "tms_safety": {
        "metal_in_head": False,
        "cochlear_implant": False,
        "implanted_stimulator": False,
        "cardiac_device": False,
        "medication_pump": False,
        "seizure_history": False,
        "epilepsy_family_history": False,
        "head_injury_loss_of_consciousness": False,
        "seizure_threshold_medication": False,
        "sleep_deprivation": False,
    },
}


def _objects(schema: Any) -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = []
    if isinstance(schema, dict):
        if "properties" in schema:
            found.append(schema)
        for value in schema.values():
            found.extend(_objects(value))
    elif isinstance(schema, list):
        for value in schema:
            found.extend(_objects(value))
    return found


def test_the_schema_is_valid_json_schema_2020_12() -> None:
    """The intake is documented as a JSON Schema."""
    schema = intake_schema()
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    jsonschema.Draft202012Validator.check_schema(schema)


def test_every_object_in_the_schema_refuses_unknown_keys_and_every_key_is_described() -> None:
    """Unknown keys are an error."""
    objects = _objects(intake_schema())
    assert len(objects) >= 7
    for obj in objects:
        assert obj["additionalProperties"] is False
        for name, prop in obj["properties"].items():
            assert prop.get("description"), name


def test_the_issue_sample_parses_to_typed_facts() -> None:
    intake = parse_intake(ISSUE_SAMPLE)
    assert intake.age == 45
    assert intake.blood_pressure == BloodPressure(128, 80)
    assert intake.diagnoses == (Diagnosis("F33.2", "active"),)
    assert intake.medications == (Medication("sertraline", 100.0),)
    assert intake.allergies == ()
    assert intake.screens.dast10 == (0, 0, 1, 0, 0, 0, 0, 0, 0, 0)
    assert intake.tms_safety.metal_in_head is False
    assert intake.vascular.raised_intracranial_pressure is None


def test_missing_keys_and_nulls_are_unknown_not_false() -> None:
    assert parse_intake({}) == Intake()
    assert parse_intake({"pregnant": None, "diagnoses": None, "tms_safety": None}) == Intake()
    assert parse_intake({"diagnoses": []}).diagnoses == ()


@pytest.mark.parametrize(
    ("doc", "field"),
    [
        ({"smoker": True}, "smoker"),
        ({"tms_safety": {"metal_in_head": False, "tattoo": True}}, "tms_safety.tattoo"),
        ({"vascular": {"stroke": True}}, "vascular.stroke"),
        ({"screens": {"phq9": [0] * 9}}, "screens.phq9"),
        ({"blood_pressure": {"systolic": 120, "diastolic": 80, "pulse": 70}}, "blood_pressure.pulse"),
        ({"diagnoses": [{"code": "F33.2", "status": "active", "since": "2020"}]}, "diagnoses[0].since"),
        ({"medications": [{"name": "x", "route": "oral"}]}, "medications[0].route"),
    ],
)
def test_an_unknown_key_is_an_error_naming_the_key(doc: dict[str, Any], field: str) -> None:
    """Unknown keys are an error."""
    with pytest.raises(IntakeError) as raised:
        parse_intake(doc)
    assert raised.value.field == field
    assert field in str(raised.value)


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"age": 130}, "age"),
        ({"age": -1}, "age"),
        ({"age": "forty"}, "age"),
        ({"sex": "f"}, "sex"),
        ({"pregnant": "no"}, "pregnant"),
        ({"weight_kg": 0.5}, "weight_kg"),
        ({"weight_kg": 401}, "weight_kg"),
        ({"blood_pressure": {"systolic": 301, "diastolic": 80}}, "blood_pressure.systolic"),
        ({"blood_pressure": {"systolic": 120, "diastolic": 10}}, "blood_pressure.diastolic"),
        ({"blood_pressure": {"systolic": 120, "diastolic": 120}}, "blood_pressure.diastolic"),
        ({"blood_pressure": {"systolic": 120}}, "blood_pressure.diastolic"),
        (
            {"diagnoses": [{"code": "F33.2", "status": "active"}, {"code": "f20.9", "status": "active"}]},
            "diagnoses[1].code",
        ),
        ({"diagnoses": [{"code": "U07.1", "status": "active"}]}, "diagnoses[0].code"),
        ({"diagnoses": [{"code": "F33.", "status": "active"}]}, "diagnoses[0].code"),
        ({"diagnoses": [{"code": "F33.2", "status": "chronic"}]}, "diagnoses[0].status"),
        ({"diagnoses": [{"status": "active"}]}, "diagnoses[0].code"),
        ({"diagnoses": "F33.2"}, "diagnoses"),
        ({"medications": [{"name": ""}]}, "medications[0].name"),
        ({"medications": [{"name": "lorazepam", "daily_dose_mg": -1}]}, "medications[0].daily_dose_mg"),
        ({"allergies": ["penicillin", 3]}, "allergies[1]"),
        ({"screens": {"auditc": [1, 1]}}, "screens.auditc"),
        ({"screens": {"auditc": [1, 1, 5]}}, "screens.auditc[2]"),
        ({"screens": {"dast10": [0, 0, 2, 0, 0, 0, 0, 0, 0, 0]}}, "screens.dast10[2]"),
        ({"tms_safety": {"sleep_deprivation": 1}}, "tms_safety.sleep_deprivation"),
        ({"vascular": {"arteriovenous_malformation": "yes"}}, "vascular.arteriovenous_malformation"),
    ],
)
def test_a_malformed_value_is_an_error_naming_the_field(changes: dict[str, Any], field: str) -> None:
    """Malformed values are refused, naming the field."""
    with pytest.raises(IntakeError) as raised:
        parse_intake({**eligible_doc(), **changes})
    assert raised.value.field == field
    assert str(raised.value).startswith(field)


def test_a_document_that_is_not_an_object_is_refused() -> None:
    with pytest.raises(IntakeError) as raised:
        parse_intake([1, 2])  # type: ignore[arg-type]
    assert raised.value.field == "intake"


def test_whole_number_floats_are_read_as_integers() -> None:
    intake = parse_intake(with_(age=45.0, screens={"auditc": [1.0, 0, 0]}))
    assert intake.age == 45 and isinstance(intake.age, int)
    assert intake.screens.auditc == (1, 0, 0)


def test_the_reference_intake_round_trips_through_the_schema() -> None:
    jsonschema.validate(eligible_doc(), intake_schema())
