"""Searches: Observation by code and date, QuestionnaireResponse and Condition; paging links; fixed queries."""

from __future__ import annotations

import datetime as dt
from urllib.parse import parse_qs, urlsplit

import pytest
from django.utils import timezone

from remit.fhir.tests.api import get, token_for
from remit.fhir.tests.helpers import validate_r4b
from remit.fhir.tests.records import charted_patient
from remit.measures.actions_assessments import record_assessment
from remit.testing import make_patient

pytestmark = pytest.mark.django_db


def search(raw, query):
    response = get(f"/fhir/r4/{query}", raw)
    assert response.status_code == 200, response.content
    bundle = response.json()
    validate_r4b(bundle)
    return bundle


def ids(bundle):
    return [entry["resource"]["id"] for entry in bundle.get("entry", [])]


def test_observations_of_a_patient_come_as_a_valid_searchset(world):
    patient = charted_patient(world)
    _token, raw = token_for(world)
    bundle = search(raw, f"Observation?patient={patient.pk}")
    assert bundle["type"] == "searchset"
    assert bundle["total"] == 10 == len(bundle["entry"])
    for entry in bundle["entry"]:
        validate_r4b(entry["resource"])
        assert entry["fullUrl"].startswith("http://testserver/fhir/r4/Observation/")
        assert entry["search"] == {"mode": "match"}


def test_code_filters_by_loinc_or_remits_own_system(world):
    patient = charted_patient(world)
    _token, raw = token_for(world)
    scores = search(raw, f"Observation?patient={patient.pk}&code=http://loinc.org|44261-6")
    assert [e["resource"]["code"]["coding"][0]["code"] for e in scores["entry"]] == ["44261-6"]
    heart = search(raw, f"Observation?patient={patient.pk}&code=8867-4")
    assert len(heart["entry"]) == 2 and all(i.endswith("-hr") for i in ids(heart))
    ours = search(
        raw,
        f"Observation?patient={patient.pk}&code=https://remit.invalid/fhir/CodeSystem/instrument|moaas,29463-7",
    )
    assert sorted(i.rsplit("-", 1)[1] for i in ids(ours)) == ["rating", "weight"]
    assert search(raw, f"Observation?patient={patient.pk}&code=http://snomed.info/sct|8867-4")["total"] == 0


def test_date_filters_with_ge_and_le(world):
    patient = charted_patient(world)
    _token, raw = token_for(world)
    on_the_day = search(
        raw, f"Observation?patient={patient.pk}&code=44261-6,70274-6&date=ge2025-03-03&date=le2025-03-03"
    )
    assert len(on_the_day["entry"]) == 1  # the PHQ-9 of 3 March, not the GAD-7 a week later
    later = search(raw, f"Observation?patient={patient.pk}&code=44261-6,70274-6&date=gt2025-03-03")
    assert [e["resource"]["code"]["coding"][0]["code"] for e in later["entry"]] == ["70274-6"]
    before = search(raw, f"Observation?patient={patient.pk}&date=lt2025-03-03")
    assert ids(before) == [f"weight-{patient.weights.get().pk}-weight"]


def test_questionnaire_responses_and_conditions(world):
    patient = charted_patient(world)
    _token, raw = token_for(world)
    responses = search(raw, f"QuestionnaireResponse?patient=Patient/{patient.pk}")
    assert responses["total"] == 3
    conditions = search(raw, f"Condition?patient={patient.pk}")
    assert sorted(e["resource"]["code"]["coding"][0]["code"] for e in conditions["entry"]) == [
        "F33.2",
        "F41.1",
    ]


def add_responses(patient, n):
    at = timezone.make_aware(dt.datetime(2024, 1, 1, 9, 0))
    for k in range(n):
        record_assessment(
            patient=patient,
            instrument="gad7",
            answers={f"q{i}": k % 4 for i in range(1, 8)},
            respondent="patient",
            taken_at=at + dt.timedelta(days=k),
        )


def test_paging_links_walk_every_match_once(world):
    patient = make_patient(world.clinic)
    add_responses(patient, 7)
    _token, raw = token_for(world)
    bundle = search(raw, f"QuestionnaireResponse?patient={patient.pk}&_count=3")
    seen = ids(bundle)
    links = {link["relation"]: link["url"] for link in bundle["link"]}
    assert set(links) == {"self", "next"}
    while "next" in links:
        url = urlsplit(links["next"])
        bundle = search(raw, f"QuestionnaireResponse?{url.query}")
        links = {link["relation"]: link["url"] for link in bundle["link"]}
        assert "previous" in links
        assert parse_qs(urlsplit(links["self"]).query)["patient"] == [str(patient.pk)]
        seen += ids(bundle)
    assert bundle["total"] == 7 and len(seen) == 7 == len(set(seen))
    count_only = search(raw, f"QuestionnaireResponse?patient={patient.pk}&_count=0")
    assert count_only["total"] == 7 and "entry" not in count_only


def test_count_is_capped_at_200(world):
    patient = make_patient(world.clinic)
    _token, raw = token_for(world)
    bundle = search(raw, f"Condition?patient={patient.pk}&_count=5000")
    assert "_count=200" in bundle["link"][0]["url"]


@pytest.mark.parametrize("kind", ["Observation", "QuestionnaireResponse", "Condition"])
def test_a_pages_queries_do_not_grow_with_the_data(world, django_assert_max_num_queries, kind):
    few, many = charted_patient(world), charted_patient(world)
    add_responses(many, 30)
    _token, raw = token_for(world)
    # Up to 25: the page's reads, the request's audit row and the patient's disclosure row.
    with django_assert_max_num_queries(25) as few_queries:
        search(raw, f"{kind}?patient={few.pk}")
    with django_assert_max_num_queries(25) as many_queries:
        search(raw, f"{kind}?patient={many.pk}&_count=20")
    assert len(many_queries) <= len(few_queries) + 1
