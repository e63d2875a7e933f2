"""A small hand-made OpenAPI 3 document of the FHIR read API (served at /fhir/r4/openapi.json).

FHIR servers describe themselves with a CapabilityStatement (``/fhir/r4/metadata``); this
document exists so generic HTTP tools (schemathesis in the test suite) can exercise the API.
"""

from __future__ import annotations

from typing import Any

from remit.fhir.api import DEFAULT_COUNT, FHIR_JSON, MAX_COUNT

JSON = dict[str, Any]


def _responses(*statuses: int) -> JSON:
    text = {
        200: "A FHIR resource or searchset Bundle",
        400: "OperationOutcome: a bad search parameter",
        401: "OperationOutcome: no, unknown or revoked token",
        404: "OperationOutcome: not in the token's clinic, or not known",
    }
    body = {FHIR_JSON: {"schema": {"type": "object", "required": ["resourceType"]}}}
    return {str(status): {"description": text[status], "content": body} for status in statuses}


PAGING = [
    {
        "name": "_count",
        "in": "query",
        "required": False,
        "schema": {"type": "integer", "minimum": 0, "maximum": MAX_COUNT, "default": DEFAULT_COUNT},
    },
    {"name": "_offset", "in": "query", "required": False, "schema": {"type": "integer", "minimum": 0}},
]
PATIENT = {
    "name": "patient",
    "in": "query",
    "required": True,
    "description": "A Patient id of the token's clinic: 123 or Patient/123",
    "schema": {"type": "string"},
}


def _search(summary: str, extra: list[JSON] | None = None) -> JSON:
    return {
        "get": {
            "summary": summary,
            "security": [{"bearer": []}],
            "parameters": [PATIENT, *(extra or []), *PAGING],
            "responses": _responses(200, 400, 401, 404),
        }
    }


def document() -> JSON:
    return {
        "openapi": "3.0.3",
        "info": {
            "title": "Remit FHIR R4 read API",
            "version": "1",
            "description": "Read-only FHIR R4 (application/fhir+json). Bearer tokens issued per integration "
            "by a clinic administrator; scoped to one clinic; every request audited.",
        },
        "paths": {
            "/fhir/r4/metadata": {
                "get": {"summary": "CapabilityStatement", "security": [], "responses": _responses(200)}
            },
            "/fhir/r4/Patient/{id}": {
                "get": {
                    "summary": "Read a Patient",
                    "security": [{"bearer": []}],
                    "parameters": [
                        {"name": "id", "in": "path", "required": True, "schema": {"type": "string"}}
                    ],
                    "responses": _responses(200, 401, 404),
                }
            },
            "/fhir/r4/Observation": _search(
                "Score, rating and vital-sign Observations of a patient",
                [
                    {
                        "name": "code",
                        "in": "query",
                        "required": False,
                        "description": "system|code, |code or code; commas for any of several",
                        "schema": {"type": "string"},
                    },
                    {
                        "name": "date",
                        "in": "query",
                        "required": False,
                        "description": "effective date with prefix eq, ge, le, gt or lt (repeatable)",
                        "schema": {"type": "array", "items": {"type": "string"}},
                        "style": "form",
                        "explode": True,
                    },
                ],
            ),
            "/fhir/r4/QuestionnaireResponse": _search("QuestionnaireResponses of a patient"),
            "/fhir/r4/Condition": _search("Conditions (ICD-10-CM diagnoses) of a patient"),
        },
        "components": {"securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}}},
    }
