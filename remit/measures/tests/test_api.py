"""The measures JSON API: instruments, clinician entry, a patient's assessments."""

from __future__ import annotations

import json

import pytest

from remit.audit.models import AuditEvent
from remit.measures.models import Assessment
from remit.testing import PermissionMatrix, make_patient

MADRS = {f"q{i}": 2 for i in range(1, 11)}


def assessments_url(patient_id):
    return f"/api/v1/measures/patients/{patient_id}/assessments"


def post(client, patient_id, body):
    return client.post(assessments_url(patient_id), json.dumps(body), content_type="application/json")


class ApiMatrix(PermissionMatrix):
    def test_matrix_anonymous_is_sent_to_sign_in(self, world):
        patient = make_patient(world.clinic)
        assert self.request(world.client("anonymous"), self.url(world, patient)).status_code == 401


class TestInstrumentsPermissions(ApiMatrix):
    capability = "clinical.view"
    other_clinic_not_applicable = "the list of instruments is the same for every clinic"

    def url(self, world, patient):
        return "/api/v1/measures/instruments"


class TestListPermissions(ApiMatrix):
    capability = "clinical.view"

    def url(self, world, patient):
        return assessments_url(patient.pk)


class TestCreatePermissions(ApiMatrix):
    capability = "measures.rate"
    ok_status = 201

    def url(self, world, patient):
        return assessments_url(patient.pk)

    def request(self, client, url):
        return client.post(
            url, json.dumps({"instrument": "madrs", "answers": MADRS}), content_type="application/json"
        )


def test_instruments_list_codes_items_and_ranges_but_no_licensed_wording(world):
    body = world.client("nurse").get("/api/v1/measures/instruments").json()
    by_code = {i["code"]: i for i in body}
    assert {
        "phq9",
        "gad7",
        "qids_sr16",
        "madrs",
        "cadss",
        "cadss6",
        "cssrs_screen",
        "auditc",
        "dast10",
        "moaas",
        "hamd17",
        "pcl5",
    } <= set(by_code)
    madrs = by_code["madrs"]
    assert madrs["wording_licensed"] and all(item["text"] is None for item in madrs["items"])
    assert madrs["items"][0]["min"] == 0 and madrs["items"][0]["max"] == 6
    assert by_code["phq9"]["items"][8]["text"].startswith("Thoughts that you would be better off dead")


def test_it_records_a_rating_and_returns_the_score(world):
    patient = make_patient(world.clinic)
    response = post(
        world.client("nurse"), patient.pk, {"instrument": "madrs", "answers": MADRS, "session_id": "S-1"}
    )
    assert response.status_code == 201
    body = response.json()
    assert {k: body[k] for k in ("instrument", "valid", "total", "max", "band", "flags", "missing")} == {
        "instrument": "madrs",
        "valid": True,
        "total": 20,
        "max": 60,
        "band": "moderate",
        "flags": [],
        "missing": [],
    }
    for key in ("id", "version", "loinc"):
        assert key in body
    a = Assessment.objects.get(pk=body["id"])
    assert a.entered_by == world.users["nurse"] and a.respondent == "clinician" and a.session_id == "S-1"


def test_yes_no_items_take_json_booleans(world):
    patient = make_patient(world.clinic)
    answers = {"q1": True, "q2": False, "q6": False}
    body = post(
        world.client("prescriber"), patient.pk, {"instrument": "cssrs_screen", "answers": answers}
    ).json()
    assert body["band"] == "low"


@pytest.mark.parametrize(
    ("answers", "item", "text"),
    [
        (MADRS | {"q3": 9}, "q3", "9 is out of range 0–6"),
        (MADRS | {"q3": "high"}, "q3", "expected a whole number"),
        (MADRS | {"q11": 1}, "q11", "unknown item"),
    ],
)
def test_a_bad_answer_is_422_naming_the_item_and_stores_nothing(world, answers, item, text):
    patient = make_patient(world.clinic)
    before = AuditEvent.objects.count()
    response = post(world.client("nurse"), patient.pk, {"instrument": "madrs", "answers": answers})
    assert response.status_code == 422
    detail = response.json()["detail"]
    assert item in detail and text in detail[item]
    assert Assessment.objects.count() == 0
    assert AuditEvent.objects.count() == before


def test_an_unknown_instrument_is_422(world):
    patient = make_patient(world.clinic)
    response = post(world.client("nurse"), patient.pk, {"instrument": "nope", "answers": {}})
    assert response.status_code == 422 and "instrument" in response.json()["detail"]


def test_listing_returns_the_patients_assessments_and_is_audited_once(world):
    patient = make_patient(world.clinic)
    client = world.client("nurse")
    post(client, patient.pk, {"instrument": "madrs", "answers": MADRS})
    post(client, patient.pk, {"instrument": "moaas", "answers": {"score": 5}})
    before = AuditEvent.objects.count()
    body = client.get(assessments_url(patient.pk)).json()
    assert sorted(a["instrument"] for a in body) == ["madrs", "moaas"]
    assert body[0]["answers"]
    rows = list(AuditEvent.objects.filter(seq__gt=before))
    assert len(rows) == 1 and rows[0].action == "view" and rows[0].patient_id == patient.pk


def test_it_is_in_the_openapi_document(world):
    paths = world.client("nurse").get("/api/v1/openapi.json").json()["paths"]
    assert "/api/v1/measures/patients/{patient_id}/assessments" in paths
