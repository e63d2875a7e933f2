"""`remit fhir export --clinic SLUG --out DIR`: Bulk Data NDJSON, one file per resource type."""

from __future__ import annotations

import json

import pytest
from django.core.management import call_command

from remit.fhir.tests.helpers import validate_r4b
from remit.fhir.tests.records import charted_patient

pytestmark = pytest.mark.django_db


def test_each_type_gets_one_file_and_every_line_validates_with_r4b(world, tmp_path):
    first = charted_patient(world)
    charted_patient(world)
    other = charted_patient(world, clinic=world.other_clinic)
    out = tmp_path / "bulk"
    summary = json.loads(_run(clinic="clinic-a", out=str(out)))
    names = sorted(p.name for p in out.iterdir())
    assert names == [
        "Condition.ndjson",
        "Flag.ndjson",
        "MedicationAdministration.ndjson",
        "Observation.ndjson",
        "Patient.ndjson",
        "Procedure.ndjson",
        "QuestionnaireResponse.ndjson",
        "SHA256SUMS",
    ]
    seen_patients = set()
    for path in out.glob("*.ndjson"):
        kind = path.name.removesuffix(".ndjson")
        lines = path.read_text().splitlines()
        assert len(lines) == summary["counts"][kind]
        for line in lines:
            resource = json.loads(line)
            assert resource["resourceType"] == kind
            validate_r4b(resource)
            if kind == "Patient":
                seen_patients.add(int(resource["id"]))
    assert first.pk in seen_patients and other.pk not in seen_patients
    assert summary["patients"] == 2
    assert summary["counts"]["Patient"] == 2


def test_a_chunked_export_writes_the_same_lines(world, tmp_path, monkeypatch):
    from remit.fhir import export

    for _ in range(3):
        charted_patient(world)
    _run(clinic="clinic-a", out=str(tmp_path / "big"))
    monkeypatch.setattr(export, "CHUNK", 2)
    _run(clinic="clinic-a", out=str(tmp_path / "small"))
    for path in (tmp_path / "big").iterdir():
        assert path.read_text() == (tmp_path / "small" / path.name).read_text()


def test_since_leaves_out_old_records_and_their_files(world, tmp_path):
    charted_patient(world)
    summary = json.loads(_run(clinic="clinic-a", out=str(tmp_path / "none"), since="2100-01-01"))
    assert summary["counts"] == {} and list((tmp_path / "none").glob("*.ndjson")) == []


def _run(**options):
    from io import StringIO

    out = StringIO()
    call_command("fhir", "export", json=True, stdout=out, **options)
    return out.getvalue()
