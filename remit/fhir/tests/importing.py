"""Helpers for the import tests: Bundles around resources, and the command."""

from __future__ import annotations

import json
from io import StringIO
from typing import Any

from django.core.management import call_command

from remit.core.fhir_systems import V2_0203


def patient(pid: str = "example", mrn: str = "EXT-1", **extra: Any) -> dict[str, Any]:
    resource = {
        "resourceType": "Patient",
        "id": pid,
        "identifier": [
            {
                "type": {"coding": [{"system": V2_0203, "code": "MR"}]},
                "system": "http://hospital.example.org/mrn",
                "value": mrn,
            }
        ],
        "name": [{"family": "Example", "given": ["Amy", "V."]}],
        "gender": "female",
        "birthDate": "1987-02-20",
    }
    resource.update(extra)
    return resource


def transaction(*resources: dict[str, Any]) -> dict[str, Any]:
    return {
        "resourceType": "Bundle",
        "type": "transaction",
        "entry": [
            {
                "fullUrl": f"urn:uuid:00000000-0000-4000-8000-{index:012d}",
                "resource": resource,
                "request": {"method": "POST", "url": resource["resourceType"]},
            }
            for index, resource in enumerate(resources)
        ],
    }


def write(tmp_path, document: Any, name: str = "bundle.json") -> str:
    path = tmp_path / name
    path.write_text(json.dumps(document), encoding="utf-8")
    return str(path)


def run_import(path: str, **options: Any) -> dict[str, Any]:
    out = StringIO()
    call_command("fhir", "import", path, json=True, stdout=out, stderr=StringIO(), **options)
    return json.loads(out.getvalue())
