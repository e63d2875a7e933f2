"""45 CFR 170.315(d)(8) Integrity.

The criterion: create a message digest with a hashing algorithm of at least SHA-2 strength
(45 CFR 170.210(c)(2)), and on receipt of health information verify with it that the information
was not altered. Remit: every answer of the FHIR and JSON APIs carries an RFC 9530
``Content-Digest`` (SHA-256); a request that carries one is checked before anything reads it; a
FHIR export writes SHA-256 digests beside its files and an import checks them before storing
anything.
"""

from __future__ import annotations

import base64
import hashlib
import io
import json
import shutil
import subprocess

import pytest
from django.core.management import CommandError, call_command

from remit.fhir.tests.api import get, token_for
from remit.fhir.tests.records import charted_patient
from remit.measures.models import Assessment
from remit.patients.models import Patient
from remit.testing import login, make_patient

MADRS = {"instrument": "madrs", "answers": {f"q{i}": 2 for i in range(1, 11)}}


def _digest(body: bytes, algorithm: str = "sha256") -> str:
    name = {"sha256": "sha-256", "sha512": "sha-512"}[algorithm]
    return f"{name}=:{base64.b64encode(hashlib.new(algorithm, body).digest()).decode()}:"


def _post(world, patient, body: bytes, digest: str | None):
    client = login(world.client("anonymous"), world.users["prescriber"])
    headers = {"HTTP_CONTENT_DIGEST": digest} if digest is not None else {}
    return client.post(
        f"/api/v1/measures/patients/{patient.pk}/assessments",
        body,
        content_type="application/json",
        **headers,
    )


@pytest.mark.parametrize("algorithm", ["sha256", "sha512"])
def test_a_request_whose_body_matches_its_digest_is_stored(world, algorithm):
    patient = make_patient(world.clinic)
    body = json.dumps(MADRS).encode()
    response = _post(world, patient, body, _digest(body, algorithm))
    assert response.status_code == 201, response.content
    assert Assessment.objects.filter(patient=patient).count() == 1


def test_a_body_altered_on_the_way_is_refused_and_nothing_is_stored(world):
    patient = make_patient(world.clinic)
    sent = json.dumps(MADRS).encode()
    altered = sent.replace(b'"q1": 2', b'"q1": 6')
    response = _post(world, patient, altered, _digest(sent))
    assert response.status_code == 400
    assert "does not match its Content-Digest" in response.json()["detail"]
    assert Assessment.objects.filter(patient=patient).count() == 0


@pytest.mark.parametrize(
    ("header", "words"),
    [
        ("sha-256=abc", "not in the form sha-256=:<base64>:"),
        ("sha-256=:not base64!:", "is not base64"),
        ("md5=:AAAA:", "names no algorithm Remit checks"),
    ],
)
def test_a_digest_that_cannot_be_checked_is_refused_in_plain_words(world, header, words):
    patient = make_patient(world.clinic)
    response = _post(world, patient, json.dumps(MADRS).encode(), header)
    assert response.status_code == 400
    assert words in response.json()["detail"]
    assert Assessment.objects.filter(patient=patient).count() == 0


def test_every_fhir_answer_carries_the_sha256_of_its_body(world):
    patient = charted_patient(world)
    _token, raw = token_for(world)
    for path in [
        f"/fhir/r4/Patient/{patient.pk}",
        f"/fhir/r4/Observation?patient={patient.pk}",
        "/fhir/r4/metadata",
    ]:
        response = get(path, raw)
        assert response.status_code == 200
        assert response["Content-Digest"] == _digest(response.content)


def test_a_refused_fhir_request_answers_with_an_operation_outcome(world):
    _token, raw = token_for(world)
    response = get("/fhir/r4/metadata", raw, HTTP_CONTENT_DIGEST="sha-256=:AAAA:")
    assert response.status_code == 400
    outcome = response.json()
    assert outcome["resourceType"] == "OperationOutcome"
    assert "does not match its Content-Digest" in outcome["issue"][0]["diagnostics"]


def test_an_exported_bundle_has_a_digest_that_sha256sum_accepts(world, tmp_path):
    patient = charted_patient(world)
    out = tmp_path / "bundle.json"
    call_command("fhir", "export", "--patient", patient.mrn, "--out", str(out), stdout=io.StringIO())
    sidecar = tmp_path / "bundle.json.sha256"
    assert sidecar.read_text().split()[0] == hashlib.sha256(out.read_bytes()).hexdigest()
    if shutil.which("sha256sum") is None:
        pytest.skip("sha256sum (coreutils) is not installed, so the outside check cannot run")
    checked = subprocess.run(["sha256sum", "-c", sidecar.name], cwd=tmp_path, capture_output=True, text=True)
    assert checked.returncode == 0, checked.stdout + checked.stderr


def test_an_import_refuses_a_file_changed_after_export_and_stores_nothing(world, tmp_path):
    patient = charted_patient(world)
    out = tmp_path / "bundle.json"
    call_command("fhir", "export", "--patient", patient.mrn, "--out", str(out), stdout=io.StringIO())
    text = out.read_text()
    out.write_text(text.replace(patient.family_name, "Altered", 1))
    before = Patient.objects.count(), Assessment.objects.count()
    with pytest.raises(CommandError, match="bundle.json does not match its SHA-256"):
        call_command("fhir", "import", str(out), "--clinic", world.other_clinic.slug, stdout=io.StringIO())
    assert (Patient.objects.count(), Assessment.objects.count()) == before


def test_a_bulk_export_lists_every_file_and_a_cut_short_file_is_refused(world, tmp_path):
    charted_patient(world)
    out = tmp_path / "bulk"
    call_command("fhir", "export", "--clinic", world.clinic.slug, "--out", str(out), stdout=io.StringIO())
    listed = (out / "SHA256SUMS").read_text().splitlines()
    assert sorted(line.split("  ")[1] for line in listed) == sorted(p.name for p in out.glob("*.ndjson"))
    victim = sorted(out.glob("*.ndjson"))[0]
    victim.write_bytes(victim.read_bytes()[:-10])
    with pytest.raises(CommandError, match=f"{victim.name} does not match its SHA-256"):
        call_command("fhir", "import", str(out), "--clinic", world.other_clinic.slug, stdout=io.StringIO())


def test_an_import_can_insist_on_a_digest(world, tmp_path):
    patient = charted_patient(world)
    out = tmp_path / "bundle.json"
    call_command("fhir", "export", "--patient", patient.mrn, "--out", str(out), stdout=io.StringIO())
    (tmp_path / "bundle.json.sha256").unlink()
    with pytest.raises(CommandError, match="There is no bundle.json.sha256 beside bundle.json"):
        call_command(
            "fhir",
            "import",
            str(out),
            "--clinic",
            world.other_clinic.slug,
            "--require-digest",
            stdout=io.StringIO(),
        )
