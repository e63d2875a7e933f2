"""The FHIR import refuses a response answered before the patient's birth, in the future, or not at all."""

from __future__ import annotations

import json
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from remit.fhir.tests.helpers import load_sample
from remit.fhir.tests.importing import patient, transaction, write
from remit.measures.models import Assessment
from remit.patients.models import Patient

pytestmark = pytest.mark.django_db


def refused(tmp_path, response):
    bundle = transaction(patient(), load_sample("us-core-Questionnaire-phq-9-example.json"), response)
    err = StringIO()
    with pytest.raises(CommandError):
        call_command(
            "fhir", "import", write(tmp_path, bundle), clinic="clinic-a", stdout=StringIO(), stderr=err
        )
    assert Patient.objects.count() == 0 and Assessment.objects.count() == 0
    [issue] = json.loads(err.getvalue())["issue"]
    return issue


@pytest.mark.parametrize(
    ("authored", "words"),
    [
        ("0001-01-01T00:00:00Z", "before the patient's birth (1987-02-20)"),
        ("2099-01-01T00:00:00Z", "is in the future"),
    ],
)
def test_a_response_authored_in_year_1_or_2099_is_refused_naming_authored(world, tmp_path, authored, words):
    response = load_sample("us-core-QuestionnaireResponse-phq-9-example.json")
    response["authored"] = authored
    issue = refused(tmp_path, response)
    assert issue["expression"] == ["Bundle.entry[2].resource.authored"]
    assert words in issue["diagnostics"]


def test_a_response_with_no_item_answered_is_refused(world, tmp_path):
    response = load_sample("us-core-QuestionnaireResponse-phq-9-example.json")
    response["item"] = []
    issue = refused(tmp_path, response)
    assert "no item is answered" in issue["diagnostics"]
