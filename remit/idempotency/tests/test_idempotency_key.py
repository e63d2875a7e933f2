"""``Idempotency-Key`` on the APIs' creating calls: a retry returns the first answer and stores nothing new."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.test import Client
from django.utils import timezone

from remit.audit.models import AuditEvent
from remit.idempotency.models import IdempotencyKey
from remit.idempotency.store import purge_expired
from remit.jobs import registered
from remit.measures.models import Assessment
from remit.testing import login, make_patient

pytestmark = pytest.mark.django_db

PHQ9 = {f"q{i}": 1 for i in range(1, 11)}


def post(client, patient, body, key=None):
    headers = {"Idempotency-Key": key} if key is not None else {}
    return client.post(
        f"/api/v1/measures/patients/{patient.pk}/assessments",
        json.dumps(body),
        content_type="application/json",
        headers=headers,
    )


def test_the_same_idempotency_key_and_body_return_the_first_response_and_store_one_assessment(world):
    patient = make_patient(world.clinic)
    client = world.client("nurse")
    body = {"instrument": "phq9", "answers": PHQ9}
    first = post(client, patient, body, key="4b0c2c1e-retry-1")
    audit_rows = AuditEvent.objects.count()
    again = post(client, patient, body, key="4b0c2c1e-retry-1")
    assert first.status_code == 201
    assert (again.status_code, again.content) == (first.status_code, first.content)
    assert again["Idempotent-Replayed"] == "true"
    assert Assessment.objects.count() == 1
    assert AuditEvent.objects.count() == audit_rows  # the replay wrote nothing


def test_the_same_idempotency_key_with_another_body_is_409_with_a_plain_message(world):
    patient = make_patient(world.clinic)
    client = world.client("nurse")
    post(client, patient, {"instrument": "phq9", "answers": PHQ9}, key="k-1")
    other = post(client, patient, {"instrument": "phq9", "answers": PHQ9 | {"q9": 0}}, key="k-1")
    assert other.status_code == 409
    assert other.json()["detail"] == (
        "This Idempotency-Key was already used for a different request. Send a new key with a new request."
    )
    assert Assessment.objects.count() == 1


def test_a_refusal_is_replayed_too_and_a_new_key_is_a_new_request(world):
    patient = make_patient(world.clinic)
    client = world.client("nurse")
    empty = {"instrument": "phq9", "answers": {}}
    first = post(client, patient, empty, key="k-2")
    assert first.status_code == 422
    assert post(client, patient, empty, key="k-2").content == first.content
    assert post(client, patient, {"instrument": "phq9", "answers": PHQ9}, key="k-3").status_code == 201
    assert post(client, patient, {"instrument": "phq9", "answers": PHQ9}).status_code == 201  # no key
    assert Assessment.objects.count() == 2


def test_keys_belong_to_the_caller(world):
    patient = make_patient(world.clinic)
    body = {"instrument": "phq9", "answers": PHQ9}
    post(world.client("nurse"), patient, body, key="shared")
    second = post(world.client("prescriber"), patient, body, key="shared")
    assert second.status_code == 201 and "Idempotent-Replayed" not in second
    assert Assessment.objects.count() == 2


def test_an_anonymous_or_forbidden_request_is_not_remembered(world):
    patient = make_patient(world.clinic)
    body = {"instrument": "phq9", "answers": PHQ9}
    assert post(world.client("anonymous"), patient, body, key="k-4").status_code == 401
    assert post(world.client("front_desk"), patient, body, key="k-4").status_code == 403
    assert IdempotencyKey.objects.count() == 0
    assert post(world.client("nurse"), patient, body, key="k-4").status_code == 201


def test_a_session_request_without_its_csrf_token_is_not_replayed(world):
    patient = make_patient(world.clinic)
    body = {"instrument": "phq9", "answers": PHQ9}
    nurse = world.client("nurse")
    post(nurse, patient, body, key="k-5")
    strict = login(Client(enforce_csrf_checks=True), world.users["nurse"])
    response = post(strict, patient, body, key="k-5")
    assert response.status_code == 403 and "Idempotent-Replayed" not in response


def test_a_bad_key_is_400_naming_the_header(world):
    patient = make_patient(world.clinic)
    response = post(world.client("nurse"), patient, {"instrument": "phq9", "answers": PHQ9}, key="x" * 300)
    assert response.status_code == 400 and "Idempotency-Key" in response.json()["detail"]
    assert Assessment.objects.count() == 0


def test_keys_older_than_the_setting_count_no_more_and_the_worker_purges_them(world, settings):
    settings.REMIT_IDEMPOTENCY_KEY_HOURS = 24
    patient = make_patient(world.clinic)
    client = world.client("nurse")
    body = {"instrument": "phq9", "answers": PHQ9}
    post(client, patient, body, key="old")
    IdempotencyKey.objects.update(created_at=timezone.now() - dt.timedelta(hours=25))
    assert post(client, patient, body, key="old").status_code == 201
    assert Assessment.objects.count() == 2  # an expired key is a new request
    IdempotencyKey.objects.update(created_at=timezone.now() - dt.timedelta(hours=25))
    post(client, patient, body, key="fresh")
    assert "idempotency.purge_expired_keys" in {job.name for job in registered()}
    assert purge_expired() == 1
    assert list(IdempotencyKey.objects.values_list("key", flat=True)) == ["fresh"]


def test_fhir_api_callers_are_told_of_a_reused_key_with_an_operation_outcome(world):
    from remit.fhir.tests.api import token_for

    token, raw = token_for(world)
    client = Client(headers={"Authorization": f"Bearer {raw}", "Idempotency-Key": "fhir-1"})
    first = client.post("/fhir/r4/Patient", "{}", content_type="application/fhir+json")
    assert first.status_code == 405  # the FHIR API is read-only: nothing there creates yet
    assert (
        client.post("/fhir/r4/Patient", "{}", content_type="application/fhir+json").content == first.content
    )
    other = client.post("/fhir/r4/Patient", '{"a": 1}', content_type="application/fhir+json")
    assert other.status_code == 409
    assert other.json()["resourceType"] == "OperationOutcome"
    assert IdempotencyKey.objects.get().owner == f"token:{token.pk}"
