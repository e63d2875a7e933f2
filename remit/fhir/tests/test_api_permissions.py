"""The FHIR read API's permission matrix: tokens only, scoped to one clinic, revocable; errors as OperationOutcome."""

from __future__ import annotations

import pytest

from remit.audit.models import AuditEvent
from remit.fhir.actions import revoke_token
from remit.fhir.tests.api import get, token_for
from remit.testing import make_patient

pytestmark = pytest.mark.django_db


def assert_outcome(response, status):
    assert response.status_code == status, response.content
    assert response["Content-Type"].startswith("application/fhir+json")
    body = response.json()
    assert body["resourceType"] == "OperationOutcome" and body["issue"][0]["severity"] == "error"
    return body


def test_a_token_reads_its_clinics_patient_and_the_read_is_audited(world):
    patient = make_patient(world.clinic)
    _token, raw = token_for(world)
    response = get(f"/fhir/r4/Patient/{patient.pk}", raw)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/fhir+json")
    assert response.json()["identifier"][0]["value"] == patient.mrn
    event = AuditEvent.objects.filter(action="view").latest("seq")
    assert (event.action, event.actor_label, event.actor_id) == ("view", "token:EHR sync", None)
    assert (event.patient_id, event.clinic_id, event.object_type) == (
        patient.pk,
        world.clinic.pk,
        "fhir.Patient",
    )
    # The data went out of the clinic: a disclosure of that patient, after the request's row.
    disclosure = AuditEvent.objects.latest("seq")
    assert (disclosure.action, disclosure.patient_id, disclosure.object_id) == (
        "disclose",
        patient.pk,
        str(event.seq),
    )


def test_a_token_of_clinic_a_gets_404_for_clinic_bs_patient(world):
    other = make_patient(world.other_clinic)
    _token, raw = token_for(world)
    assert_outcome(get(f"/fhir/r4/Patient/{other.pk}", raw), 404)
    assert_outcome(get(f"/fhir/r4/Observation?patient={other.pk}", raw), 404)
    assert_outcome(get(f"/fhir/r4/Condition?patient=Patient/{other.pk}", raw), 404)
    assert_outcome(get(f"/fhir/r4/QuestionnaireResponse?patient={other.pk}", raw), 404)


def test_no_token_gets_401_with_a_bearer_challenge(world):
    patient = make_patient(world.clinic)
    body = assert_outcome(get(f"/fhir/r4/Patient/{patient.pk}"), 401)
    assert "Bearer" in body["issue"][0]["diagnostics"]
    assert get(f"/fhir/r4/Patient/{patient.pk}")["WWW-Authenticate"].startswith("Bearer")


def test_an_unknown_token_gets_401(world):
    patient = make_patient(world.clinic)
    assert_outcome(get(f"/fhir/r4/Patient/{patient.pk}", "remit_not-a-real-token"), 401)
    assert_outcome(get(f"/fhir/r4/Patient/{patient.pk}", None, HTTP_AUTHORIZATION="Basic abc"), 401)


def test_a_revoked_token_gets_401(world):
    patient = make_patient(world.clinic)
    token, raw = token_for(world)
    assert get(f"/fhir/r4/Patient/{patient.pk}", raw).status_code == 200
    revoke_token(actor=world.users["clinic_admin"], token=token)
    body = assert_outcome(get(f"/fhir/r4/Patient/{patient.pk}", raw), 401)
    assert "revoked" in body["issue"][0]["diagnostics"]


def test_a_signed_in_staff_session_is_not_accepted(world):
    patient = make_patient(world.clinic)
    client = world.client("prescriber")
    assert_outcome(get(f"/fhir/r4/Patient/{patient.pk}", client=client), 401)


def test_the_session_of_a_staff_member_never_becomes_the_audited_actor(world):
    patient = make_patient(world.clinic)
    _token, raw = token_for(world)
    get(f"/fhir/r4/Patient/{patient.pk}", raw, client=world.client("prescriber"))
    event = AuditEvent.objects.latest("seq")
    assert event.actor_id is None and event.actor_label == "token:EHR sync"


def test_unknown_resource_types_and_interactions_are_404(world):
    _token, raw = token_for(world)
    assert_outcome(get("/fhir/r4/Encounter?patient=1", raw), 404)
    assert_outcome(get("/fhir/r4/Patient", raw), 404)
    assert_outcome(get("/fhir/r4/Patient/not-a-number", raw), 404)


def test_a_bad_search_parameter_is_400(world):
    patient = make_patient(world.clinic)
    _token, raw = token_for(world)
    for query in (
        f"patient={patient.pk}&colour=blue",
        "code=8867-4",  # no patient
        f"patient={patient.pk}&date=yesterday",
        f"patient={patient.pk}&date=ap2024-01-01",
        f"patient={patient.pk}&_count=-1",
        "patient=Robert'); DROP TABLE",
    ):
        assert_outcome(get(f"/fhir/r4/Observation?{query}", raw), 400)


def test_writes_are_405_and_not_csrf_refused(world, csrf_client):
    patient = make_patient(world.clinic)
    _token, raw = token_for(world)
    for method in ("post", "put", "delete", "patch"):
        response = getattr(csrf_client, method)(
            f"/fhir/r4/Patient/{patient.pk}",
            data="{}",
            content_type="application/fhir+json",
            HTTP_AUTHORIZATION=f"Bearer {raw}",
        )
        assert_outcome(response, 405)
        assert "GET" in response["Allow"]


def test_every_authenticated_request_is_one_audit_row_even_when_refused(world):
    other = make_patient(world.other_clinic)
    _token, raw = token_for(world)
    before = AuditEvent.objects.count()
    get(f"/fhir/r4/Patient/{other.pk}", raw)
    get("/fhir/r4/Observation?colour=blue", raw)
    rows = list(AuditEvent.objects.order_by("seq")[before:])
    assert [r.detail["status"] for r in rows] == [404, 400]
    assert all(r.action == "view" and r.patient_id is None and r.clinic_id == world.clinic.pk for r in rows)
