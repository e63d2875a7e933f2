"""Collection Bundles and Bulk Data NDJSON."""

from __future__ import annotations

import json

import pytest

from remit.fhir.mapping import (
    AssessmentData,
    MappingError,
    PatientData,
    collection_bundle,
    group_by_type,
    ndjson_lines,
    patient_resource,
    questionnaire_response,
    score_observation,
)
from remit.fhir.tests.helpers import AT, validate_r4b


def resources():
    import datetime as dt

    patient = patient_resource(
        PatientData(
            id=7,
            clinic_slug="north",
            mrn="N7",
            given_name="A",
            family_name="B",
            birth_date=dt.date(1990, 1, 1),
            sex_at_birth="male",
        )
    )
    assessment = AssessmentData(
        id=1,
        patient_id=7,
        instrument_code="gad7",
        answers={f"q{i}": 1 for i in range(1, 8)},
        taken_at=AT,
        total=7,
        band="mild",
    )
    return [patient, questionnaire_response(assessment), score_observation(assessment)]


def test_the_collection_bundle_validates_with_full_urls():
    bundle = collection_bundle(resources(), bundle_id="export-1", timestamp=AT)
    validate_r4b(bundle)
    assert bundle["type"] == "collection"
    assert [e["fullUrl"] for e in bundle["entry"]] == [
        "https://remit.invalid/fhir/r4/Patient/7",
        "https://remit.invalid/fhir/r4/QuestionnaireResponse/1",
        "https://remit.invalid/fhir/r4/Observation/1-score",
    ]


def test_a_resource_twice_in_a_bundle_is_refused():
    patient = resources()[0]
    with pytest.raises(MappingError, match="twice"):
        collection_bundle([patient, patient])


def test_ndjson_has_one_file_per_type_and_one_resource_per_line():
    files = {name: list(lines) for name, lines in ndjson_lines(group_by_type(resources())).items()}
    assert set(files) == {"Patient.ndjson", "QuestionnaireResponse.ndjson", "Observation.ndjson"}
    for name, lines in files.items():
        for line in lines:
            assert line.endswith("\n") and "\n" not in line[:-1]
            resource = json.loads(line)
            assert resource["resourceType"] == name.removesuffix(".ndjson")
            validate_r4b(resource)


def test_a_resource_filed_under_the_wrong_type_is_refused():
    with pytest.raises(MappingError, match="filed under"):
        list(ndjson_lines({"Observation": [resources()[0]]})["Observation.ndjson"])


def test_fhirclient_refusals_come_back_as_mapping_errors():
    from remit.fhir.mapping import build

    with pytest.raises(MappingError, match="Observation"):
        build({"resourceType": "Observation", "status": "final"})  # no code
    with pytest.raises(MappingError, match="not an R4 resource type"):
        build({"resourceType": "NotAThing"})
