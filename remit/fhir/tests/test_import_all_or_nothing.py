"""One invalid resource rejects the whole import, naming the resource and the path; nothing is stored."""

from __future__ import annotations

import json

import pytest
from django.core.management import CommandError, call_command

from remit.audit.models import AuditEvent
from remit.fhir.importer import ImportRejected, import_path
from remit.fhir.mapping import AssessmentData, questionnaire_response
from remit.fhir.tests.importing import patient, transaction, write
from remit.measures.models import Assessment
from remit.patients.models import Diagnosis, Patient
from remit.testing import make_patient

pytestmark = pytest.mark.django_db


def big_bundle(n_patients: int = 250):
    """4 resources per patient (250 patients: 1,000): a Patient, a Condition and two PHQ-9 responses."""
    import copy
    import datetime as dt

    template = questionnaire_response(
        AssessmentData(
            id="template",
            patient_id="template",
            instrument_code="phq9",
            answers={f"q{i}": i % 3 if i != 9 else 0 for i in range(1, 11)},
            taken_at=dt.datetime(2024, 1, 1, 9, 0, tzinfo=dt.UTC),
        )
    )
    resources = []
    for n in range(n_patients):
        pid = f"p{n}"
        resources.append(patient(pid, mrn=f"BULK-{n:04d}"))
        resources.append(
            {
                "resourceType": "Condition",
                "id": f"c{n}",
                "code": {"coding": [{"system": "http://hl7.org/fhir/sid/icd-10-cm", "code": "F33.1"}]},
                "subject": {"reference": f"Patient/{pid}"},
            }
        )
        for k in range(2):
            response = copy.deepcopy(template)
            response.update(id=f"r{n}-{k}", subject={"reference": f"Patient/{pid}"})
            response["authored"] = f"2024-01-0{k + 1}T09:00:00+00:00"
            resources.append(response)
    assert len(resources) == 4 * n_patients
    return transaction(*resources)


def counts():
    return (
        Patient.objects.count(),
        Diagnosis.objects.count(),
        Assessment.objects.count(),
        AuditEvent.objects.count(),
    )


def test_a_clean_bundle_stores_everything(world, tmp_path):
    result = import_path(write(tmp_path, big_bundle(25)), clinic=world.clinic)
    assert result.resources == 100
    assert result.created == {"Condition": 25, "Patient": 25, "QuestionnaireResponse": 50}
    assert Assessment.objects.filter(patient__clinic=world.clinic).count() == 50


def test_one_bad_answer_among_a_thousand_resources_rejects_them_all_naming_it(world, tmp_path):
    make_patient(world.clinic)
    bundle = big_bundle()
    bundle["entry"][998]["resource"]["item"][0]["answer"][0]["valueCoding"] = {
        "system": "http://loinc.org",
        "code": "LA-nonsense",
    }
    before = counts()
    with pytest.raises(ImportRejected) as rejected:
        import_path(write(tmp_path, bundle), clinic=world.clinic)
    assert counts() == before
    [issue] = rejected.value.outcome["issue"]
    assert rejected.value.outcome["resourceType"] == "OperationOutcome"
    assert issue["severity"] == "error" and issue["code"] == "invalid"
    assert issue["expression"] == ["Bundle.entry[998].resource.item[0].answer[0].valueCoding"]
    assert "entry 998 (QuestionnaireResponse/r249-0)" in issue["diagnostics"]


def test_a_structural_error_is_named_by_its_r4b_path(world, tmp_path):
    bundle = big_bundle(5)
    bundle["entry"][4]["resource"]["birthDate"] = "1990-13-45"
    bundle["entry"][7]["resource"]["status"] = "finished-ish"
    before = counts()
    with pytest.raises(ImportRejected) as rejected:
        import_path(write(tmp_path, bundle), clinic=world.clinic)
    assert counts() == before
    expressions = [i["expression"][0] for i in rejected.value.outcome["issue"]]
    assert "Bundle.entry[4].resource.birthDate" in expressions
    assert "Bundle.entry[7].resource.status" in expressions


def test_a_condition_coded_in_another_system_is_refused_with_its_path(world, tmp_path):
    bundle = big_bundle(2)
    bundle["entry"][5]["resource"]["code"]["coding"] = [
        {"system": "http://snomed.info/sct", "code": "36923009"}
    ]
    with pytest.raises(ImportRejected) as rejected:
        import_path(write(tmp_path, bundle), clinic=world.clinic)
    [issue] = rejected.value.outcome["issue"]
    assert issue["expression"] == ["Bundle.entry[5].resource.code.coding"]
    assert "only ICD-10-CM" in issue["diagnostics"] and "snomed" in issue["diagnostics"]
    assert Patient.objects.count() == 0


def test_ndjson_errors_name_the_file_and_line(world, tmp_path):
    bundle = big_bundle(3)
    directory = tmp_path / "bulk"
    directory.mkdir()
    by_type: dict[str, list[str]] = {}
    for entry in bundle["entry"]:
        by_type.setdefault(entry["resource"]["resourceType"], []).append(json.dumps(entry["resource"]))
    by_type["Condition"][1] = by_type["Condition"][1].replace('"F33.1"', '"F33.1X!"')
    for kind, lines in by_type.items():
        (directory / f"{kind}.ndjson").write_text("\n".join(lines) + "\n")
    with pytest.raises(ImportRejected) as rejected:
        import_path(directory, clinic=world.clinic)
    [issue] = rejected.value.outcome["issue"]
    assert issue["expression"] == ["Condition.code.coding[0].code"]
    assert issue["diagnostics"].startswith("Condition.ndjson line 2 (Condition/c1)")
    assert Patient.objects.count() == 0


def test_an_unexpected_failure_while_storing_rolls_everything_back(world, tmp_path, monkeypatch):
    from remit.fhir.importer import writing

    calls = {"n": 0}
    real = writing.record_assessment

    def flaky(**kwargs):
        calls["n"] += 1
        if calls["n"] == 7:
            raise RuntimeError("disk on fire")
        return real(**kwargs)

    monkeypatch.setattr(writing, "record_assessment", flaky)
    before = counts()
    with pytest.raises(RuntimeError):
        import_path(write(tmp_path, big_bundle(5)), clinic=world.clinic)
    assert counts() == before


def test_the_command_prints_the_operation_outcome_on_stderr_and_fails(world, tmp_path, capsys):
    bundle = big_bundle(2)
    bundle["entry"][0]["resource"]["identifier"] = []
    path = write(tmp_path, bundle)
    with pytest.raises(CommandError, match="import refused: 4 error"):
        call_command("fhir", "import", path, clinic="clinic-a", json=True)
    err = capsys.readouterr().err
    outcome = json.loads(err[err.index("{") :])
    assert outcome["issue"][0]["expression"] == ["Bundle.entry[0].resource.identifier"]
    # Its Condition and responses are refused with it, each naming why.
    assert [i["expression"][0] for i in outcome["issue"][1:]] == [
        f"Bundle.entry[{n}].resource.subject" for n in (1, 2, 3)
    ]
    assert Patient.objects.count() == 0
