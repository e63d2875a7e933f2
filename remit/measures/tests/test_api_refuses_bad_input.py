"""The measures API refuses what it should: no answers, impossible answer times, bodies nested too deep.

The answer checks live in ``record_assessment``, so every way in (API, pages, FHIR import) refuses them.
"""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from remit.audit.models import AuditEvent
from remit.measures.actions_assessments import record_assessment
from remit.measures.models import Assessment
from remit.testing import make_patient

PHQ9 = {f"q{i}": 1 for i in range(1, 11)}


def url(patient):
    return f"/api/v1/measures/patients/{patient.pk}/assessments"


def post(client, patient, body, **headers):
    data = body if isinstance(body, str) else json.dumps(body)
    return client.post(url(patient), data, content_type="application/json", headers=headers)


def assert_nothing_stored(before):
    assert Assessment.objects.count() == 0
    assert AuditEvent.objects.count() == before


@pytest.mark.parametrize("answers", [{}, {"q1": None, "q2": None}])
def test_an_assessment_with_no_answers_is_refused_naming_answers_and_nothing_is_stored(world, answers):
    patient = make_patient(world.clinic)
    before = AuditEvent.objects.count()
    response = post(world.client("nurse"), patient, {"instrument": "phq9", "answers": answers})
    assert response.status_code == 422
    detail = response.json()["detail"]
    assert list(detail) == ["answers"] and "No item is answered" in detail["answers"]
    assert_nothing_stored(before)


@pytest.mark.parametrize(
    ("taken_at", "words"),
    [
        ("0001-01-01T09:00:00+00:00", "before the patient's birth (1980-05-17)"),
        ("1980-05-16T12:00:00-04:00", "before the patient's birth (1980-05-17)"),
        ("2099-06-01T09:00:00+00:00", "is in the future"),
    ],
)
def test_a_taken_at_before_birth_or_in_the_future_is_refused_naming_taken_at(world, taken_at, words):
    patient = make_patient(world.clinic)  # born 1980-05-17
    before = AuditEvent.objects.count()
    response = post(
        world.client("nurse"), patient, {"instrument": "phq9", "answers": PHQ9, "taken_at": taken_at}
    )
    assert response.status_code == 422
    detail = response.json()["detail"]
    assert list(detail) == ["taken_at"] and words in detail["taken_at"]
    assert_nothing_stored(before)


def test_a_taken_at_a_minute_ahead_of_the_server_clock_is_accepted(world):
    patient = make_patient(world.clinic)
    soon = (timezone.now() + dt.timedelta(minutes=1)).isoformat()
    response = post(world.client("nurse"), patient, {"instrument": "phq9", "answers": PHQ9, "taken_at": soon})
    assert response.status_code == 201


def test_record_assessment_itself_refuses_an_answer_time_in_the_future(world):
    """The rule is in the action, so the pages and the FHIR import get it too."""
    patient = make_patient(world.clinic)
    with pytest.raises(ValidationError) as refused:
        record_assessment(
            patient=patient,
            instrument="phq9",
            answers=PHQ9,
            respondent="patient",
            taken_at=timezone.now() + dt.timedelta(hours=2),
        )
    assert "taken_at" in refused.value.message_dict
    assert Assessment.objects.count() == 0


def test_a_body_nested_thousands_deep_is_400_naming_the_depth_limit(world):
    patient = make_patient(world.clinic)
    before = AuditEvent.objects.count()
    deep = '{"instrument": "phq9", "answers": {"q1": ' + "[" * 5000 + "]" * 5000 + "}}"
    response = post(world.client("nurse"), patient, deep)
    assert response.status_code == 400
    assert "depth limit is 100" in response.json()["detail"]
    assert_nothing_stored(before)
