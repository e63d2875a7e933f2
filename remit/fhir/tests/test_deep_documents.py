"""A FHIR document nested thousands deep is refused with an OperationOutcome naming the depth limit."""

from __future__ import annotations

import json
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from remit.audit.models import AuditEvent
from remit.patients.models import Patient

pytestmark = pytest.mark.django_db

DEEP = 5000


def deep_bundle() -> str:
    inner = "[" * DEEP + "]" * DEEP
    return (
        '{"resourceType": "Bundle", "type": "collection", "entry": [{"resource": '
        '{"resourceType": "Patient", "id": "p", "extension": ' + inner + "}}]}"
    )


def test_a_bundle_nested_thousands_deep_is_refused_by_the_import_with_an_operation_outcome_naming_the_limit(
    world, tmp_path
):
    path = tmp_path / "deep.json"
    path.write_text(deep_bundle(), encoding="utf-8")
    before = AuditEvent.objects.count()
    err = StringIO()
    with pytest.raises(CommandError, match="import refused"):
        call_command("fhir", "import", str(path), clinic="clinic-a", stdout=StringIO(), stderr=err)
    outcome = json.loads(err.getvalue())
    assert outcome["resourceType"] == "OperationOutcome"
    [issue] = outcome["issue"]
    assert issue["severity"] == "error" and issue["code"] == "too-costly"
    assert "depth limit is 100" in issue["diagnostics"]
    assert Patient.objects.count() == 0 and AuditEvent.objects.count() == before


def test_an_ndjson_line_nested_thousands_deep_is_refused_naming_the_line_and_the_limit(world, tmp_path):
    path = tmp_path / "Patient.ndjson"
    path.write_text('{"resourceType": "Patient", "x": ' + "[" * DEEP + "]" * DEEP + "}\n", encoding="utf-8")
    err = StringIO()
    with pytest.raises(CommandError):
        call_command("fhir", "import", str(path), clinic="clinic-a", stdout=StringIO(), stderr=err)
    [issue] = json.loads(err.getvalue())["issue"]
    assert issue["diagnostics"].startswith("Patient.ndjson line 1:")
    assert "depth limit is 100" in issue["diagnostics"]


def test_a_questionnaire_nested_thousands_deep_is_refused_by_instruments_import_naming_the_limit(
    world, tmp_path
):
    path = tmp_path / "q.json"
    path.write_text('{"resourceType": "Questionnaire", "item": ' + "[" * DEEP + "]" * DEEP + "}")
    with pytest.raises(CommandError, match="depth limit is 100"):
        call_command("instruments", "import", str(path), clinic="clinic-a", stdout=StringIO())


def test_a_document_exactly_at_the_limit_is_read():
    from remit.core import safejson

    document = safejson.loads("[" * 100 + "]" * 100)
    depth = 0
    while isinstance(document, list):
        depth += 1
        document = document[0] if document else None
    assert depth == 100
    assert safejson.depth('{"a": "[[[[\\"[["}') == 1  # brackets inside strings do not count
    with pytest.raises(safejson.TooDeep):
        safejson.loads("[" * 101 + "]" * 101)
