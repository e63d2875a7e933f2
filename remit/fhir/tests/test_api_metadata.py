"""`/fhir/r4/metadata` (CapabilityStatement) and `/fhir/r4/openapi.json`, both public."""

from __future__ import annotations

import pytest
from django.test import Client

from remit.fhir.tests.helpers import validate_r4b

pytestmark = pytest.mark.django_db


def test_the_capability_statement_lists_interactions_and_search_params():
    response = Client().get("/fhir/r4/metadata")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/fhir+json")
    statement = response.json()
    validate_r4b(statement)
    assert statement["fhirVersion"] == "4.0.1"
    resources = {r["type"]: r for r in statement["rest"][0]["resource"]}
    assert resources["Patient"]["interaction"] == [{"code": "read"}]
    assert {p["name"] for p in resources["Observation"]["searchParam"]} >= {
        "patient",
        "code",
        "date",
        "_count",
    }
    assert set(resources) == {"Patient", "Observation", "QuestionnaireResponse", "Condition"}


def test_the_openapi_document_names_the_read_endpoints():
    document = Client().get("/fhir/r4/openapi.json").json()
    assert document["openapi"].startswith("3.")
    assert set(document["paths"]) == {
        "/fhir/r4/metadata",
        "/fhir/r4/Patient/{id}",
        "/fhir/r4/Observation",
        "/fhir/r4/QuestionnaireResponse",
        "/fhir/r4/Condition",
    }
