"""Export → import into a fresh clinic → export gives the same resources.

Compared: the types the import stores — Patient, Condition, QuestionnaireResponse — and what
Remit derives from them again on import: the score Observations (survey category, derivedFrom a
response) and the Flags of the safety alerts the answers raise. Vital signs, ratings, doses, TMS
procedures are export-only (the import counts them as skipped) and are not compared.

Normalised before comparing (nothing else):
- resource ``id``s: Patients are named by MRN, responses by (patient, questionnaire, authored),
  conditions and observations by their content;
- references (``subject``, ``derivedFrom``) rewritten to those names;
- the MRN identifier's ``system`` (it names the clinic, which differs by design);
- ``meta.lastUpdated`` (not written today, dropped if present);
- a Flag's ``period.start`` (the alert is raised again, at import time).

Only the Flags of answer-driven safety alerts are compared: alerts that the decision rules raise from
treatment history (non-response, relapse, misuse, ...) depend on sessions, which are export-only.
"""

from __future__ import annotations

import datetime as dt
import json
from collections import Counter
from pathlib import Path

import pytest
from django.core.management import call_command
from django.utils import timezone

from remit.accounts.models import Clinic
from remit.fhir.importer import import_path
from remit.measures.actions_assessments import record_assessment
from remit.patients.models import Patient

pytestmark = pytest.mark.django_db

COMPARED = ("Patient", "Condition", "QuestionnaireResponse", "Observation", "Flag")
ANSWER_ALERTS = {"suicidal_ideation", "cssrs_risk"}


def read(directory: Path) -> dict[str, list[dict]]:
    out: dict[str, list[dict]] = {}
    for path in directory.glob("*.ndjson"):
        out[path.stem] = [json.loads(line) for line in path.read_text().splitlines()]
    return out


def normalise(resources: dict[str, list[dict]]) -> dict[str, Counter]:
    names: dict[str, str] = {}
    for patient in resources.get("Patient", []):
        names[f"Patient/{patient['id']}"] = f"Patient#{patient['identifier'][0]['value']}"
    for response in resources.get("QuestionnaireResponse", []):
        subject = names[response["subject"]["reference"]]
        names[f"QuestionnaireResponse/{response['id']}"] = (
            f"QR#{subject}#{response['questionnaire']}#{response['authored']}"
        )

    def clean(resource: dict) -> str:
        resource = json.loads(json.dumps(resource))
        resource.pop("id", None)
        resource.get("meta", {}).pop("lastUpdated", None)
        if not resource.get("meta", True):
            resource.pop("meta")
        for key in ("subject",):
            if key in resource:
                resource[key]["reference"] = names[resource[key]["reference"]]
        for ref in resource.get("derivedFrom", []):
            ref["reference"] = names[ref["reference"]]
        if resource["resourceType"] == "Patient":
            for identifier in resource["identifier"]:
                identifier["system"] = "<mrn system>"
        if resource["resourceType"] == "Flag":
            resource["period"].pop("start")
        return json.dumps(resource, sort_keys=True)

    compared: dict[str, Counter] = {}
    for kind in COMPARED:
        rows = resources.get(kind, [])
        if kind == "Observation":
            rows = [r for r in rows if r.get("derivedFrom")]
        if kind == "Flag":
            rows = [r for r in rows if r["code"]["coding"][0]["code"] in ANSWER_ALERTS]
        compared[kind] = Counter(clean(r) for r in rows)
    return compared


def test_export_import_export_of_a_generated_clinic_gives_the_same_resources(world, tmp_path):
    call_command("generate", patients=20, seed=7, as_of="2025-06-01")
    source = Clinic.objects.exclude(pk__in=[world.clinic.pk, world.other_clinic.pk]).order_by("id").first()
    patients = list(Patient.objects.filter(clinic=source).order_by("id"))
    assert len(patients) >= 5
    at = timezone.make_aware(dt.datetime(2025, 5, 1, 10, 0))
    for n, patient in enumerate(patients):
        answers = {f"q{i}": (n + i) % 4 for i in range(1, 10)} | {"q10": n % 4}
        answers["q9"] = 1 if n % 5 == 0 else 0  # some raise a suicidal-ideation alert
        record_assessment(
            patient=patient, instrument="phq9", answers=answers, respondent="patient", taken_at=at
        )
        record_assessment(
            patient=patient,
            instrument="gad7",
            answers={f"q{i}": (n * i) % 4 for i in range(1, 8)},
            respondent="patient",
            taken_at=at + dt.timedelta(days=n),
        )
        if n % 4 == 0:  # an incomplete one: a response without a score
            record_assessment(
                patient=patient, instrument="phq9", answers={"q1": 2}, respondent="patient", taken_at=at
            )
    call_command("fhir", "export", clinic=source.slug, out=str(tmp_path / "first"))
    first = read(tmp_path / "first")

    fresh = Clinic.objects.create(name="Fresh clinic", slug="fresh")
    result = import_path(tmp_path / "first", clinic=fresh)
    assert result.created["Patient"] == len(patients)
    assert result.mismatches == []

    call_command("fhir", "export", clinic="fresh", out=str(tmp_path / "second"))
    second = read(tmp_path / "second")
    before, after = normalise(first), normalise(second)
    for kind in COMPARED:
        assert before[kind] == after[kind], kind
    assert sum(before["QuestionnaireResponse"].values()) > 2 * len(patients)
    assert sum(before["Flag"].values()) >= 1
    assert sum(before["Condition"].values()) >= 1
