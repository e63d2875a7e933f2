"""QuestionnaireResponse, score Observation and session ratings; read back by the importer."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from remit.core.fhir_systems import BAND_SYSTEM, INSTRUMENT_SYSTEM, LOINC
from remit.core.instruments import INSTRUMENTS, get_instrument, score
from remit.core.instruments.questionnaire import answers_from_response, score_response
from remit.fhir.mapping import (
    AssessmentData,
    MappingError,
    RatingData,
    instrument_questionnaire,
    questionnaire_response,
    rating_observation,
    score_observation,
)
from remit.fhir.tests.helpers import AT, validate_r4b

PHQ9_ANSWERS = {"q1": 2, "q2": 2, "q3": 1, "q4": 3, "q5": 0, "q6": 1, "q7": 2, "q8": 0, "q9": 1, "q10": 2}


def phq9_assessment(**overrides):
    result = score("phq9", PHQ9_ANSWERS)
    values = dict(
        id=41,
        patient_id=7,
        instrument_code="phq9",
        answers=PHQ9_ANSWERS,
        taken_at=AT,
        total=result.total,
        band=result.band,
    )
    values.update(overrides)
    return AssessmentData(**values)


def test_the_response_validates_and_names_our_questionnaire():
    response = questionnaire_response(phq9_assessment())
    validate_r4b(response)
    assert response["id"] == "41"
    assert response["questionnaire"] == "https://remit.invalid/fhir/Questionnaire/phq9|1.0"
    assert response["subject"] == {"reference": "Patient/7"}
    assert response["authored"] == "2024-05-01T14:30:00+00:00"
    items = {item["linkId"]: item for item in response["item"]}
    assert items["q1"]["answer"][0]["valueCoding"]["code"] == "LA6570-1"
    assert items["total"]["answer"] == [{"valueInteger": 12}]


def test_unanswered_items_are_left_out():
    answers = {**PHQ9_ANSWERS, "q10": None}
    response = questionnaire_response(phq9_assessment(answers=answers))
    assert "q10" not in {item["linkId"] for item in response["item"]}


def test_the_score_observation_has_the_loinc_total_band_and_derived_from():
    observation = score_observation(phq9_assessment())
    validate_r4b(observation)
    assert observation["id"] == "41-score"
    assert observation["code"]["coding"][0] == {"system": LOINC, "code": "44261-6"}
    assert observation["code"]["coding"][1]["system"] == INSTRUMENT_SYSTEM
    assert observation["valueQuantity"] == {
        "value": 12,
        "unit": "{score}",
        "system": "http://unitsofmeasure.org",
        "code": "{score}",
    }
    assert observation["interpretation"][0]["coding"][0] == {
        "system": BAND_SYSTEM,
        "code": "moderate",
        "display": "Moderate",
    }
    assert observation["derivedFrom"] == [{"reference": "QuestionnaireResponse/41"}]
    assert observation["effectiveDateTime"] == "2024-05-01T14:30:00+00:00"
    assert observation["category"][0]["coding"][0]["code"] == "survey"


def test_an_invalid_assessment_has_no_score_observation():
    with pytest.raises(MappingError, match="no valid total"):
        score_observation(phq9_assessment(total=None, band=None))


def test_a_naive_date_time_is_refused():
    with pytest.raises(MappingError, match="time zone"):
        questionnaire_response(phq9_assessment(taken_at=dt.datetime(2024, 5, 1, 9, 0)))


def test_an_answer_outside_the_options_is_refused():
    with pytest.raises(MappingError, match="q1"):
        questionnaire_response(phq9_assessment(answers={**PHQ9_ANSWERS, "q1": 7}))


def test_our_response_read_back_gives_the_same_answers_and_score():
    assessment = phq9_assessment()
    scored = score_response(instrument_questionnaire("phq9"), questionnaire_response(assessment))
    assert scored.read.answers == PHQ9_ANSWERS
    assert scored.read.match.matched_by == "canonical_url"
    assert scored.read.incoming_total == assessment.total
    assert scored.result.total == assessment.total
    assert scored.result.band == assessment.band
    assert scored.mismatch is None


@settings(max_examples=25, deadline=None)
@given(data=st.data(), code=st.sampled_from(sorted(INSTRUMENTS)))
def test_any_instruments_answers_survive_the_round_trip(data, code):
    instrument = get_instrument(code)
    answers = {
        item.id: data.draw(st.one_of(st.none(), st.sampled_from([o.value for o in item.options])))
        for item in instrument.items
    }
    assessment = AssessmentData(
        id="a-1", patient_id="p-1", instrument_code=code, answers=answers, taken_at=AT
    )
    response = questionnaire_response(assessment)
    validate_r4b(response)
    read = answers_from_response(instrument_questionnaire(code), response)
    assert read.answers == answers


@pytest.mark.parametrize(
    ("code", "total", "answers"),
    [("moaas", 3, {"score": 3}), ("cadss6", 5, {"q1": 2, "q2": 3}), ("cadss", 0, {})],
)
def test_session_ratings_use_remits_instrument_code(code, total, answers):
    rating = RatingData(
        id=f"r-{code}",
        patient_id=7,
        instrument_code=code,
        total=total,
        taken_at=AT,
        answers=answers,
        part_of="MedicationAdministration/dose-3",
    )
    observation = rating_observation(rating)
    validate_r4b(observation)
    assert observation["code"]["coding"] == [
        {"system": INSTRUMENT_SYSTEM, "code": code, "display": get_instrument(code).name}
    ]
    assert observation["valueQuantity"]["value"] == total
    assert observation["partOf"] == [{"reference": "MedicationAdministration/dose-3"}]
    assert len(observation.get("component", [])) == len(answers)


def test_a_rating_outside_the_scale_is_refused():
    with pytest.raises(MappingError, match="total"):
        rating_observation(RatingData(id=1, patient_id=7, instrument_code="moaas", total=6, taken_at=AT))
