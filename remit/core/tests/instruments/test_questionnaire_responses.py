"""Reading and scoring other teams' QuestionnaireResponses with Remit's own scorer."""

from __future__ import annotations

import copy
from typing import Any

import pytest

from remit.core.instruments import score
from remit.core.instruments.questionnaire import (
    QuestionnaireError,
    ScoreMismatch,
    answers_from_response,
    score_response,
)
from remit.core.tests.instruments.helpers import load_fhir_sample

US_CORE_ANSWERS = {"q1": 2, "q2": 2, "q3": 2, "q4": 2, "q5": 1, "q6": 1, "q7": 2, "q8": 0, "q9": 0, "q10": 1}


def us_core() -> tuple[Any, Any]:
    return (
        load_fhir_sample("us-core-Questionnaire-phq-9-example.json"),
        load_fhir_sample("us-core-QuestionnaireResponse-phq-9-example.json"),
    )


def test_the_us_core_response_reads_as_remit_answers() -> None:
    read = answers_from_response(*us_core())
    assert read.instrument_code == "phq9"
    assert read.answers == US_CORE_ANSWERS
    assert read.incoming_total == 12
    assert read.response_id == "phq-9-example"
    assert read.ignored_link_ids == ()


def test_the_us_core_response_scores_exactly_as_the_built_in_scorer() -> None:
    scored = score_response(*us_core())
    builtin = score("phq9", US_CORE_ANSWERS)
    assert scored.result == builtin
    assert scored.result.to_dict() == builtin.to_dict()
    assert scored.result.total == 12
    assert scored.result.band == "moderate"
    assert scored.read.incoming_total == scored.result.total
    assert scored.mismatch is None


def test_a_wrong_incoming_total_is_reported_as_a_mismatch() -> None:
    questionnaire, response = us_core()
    total = next(item for item in response["item"] if item["linkId"] == "/44261-6")
    total["answer"] = [{"valueDecimal": 14}]
    scored = score_response(questionnaire, response)
    assert scored.result.total == 12  # Remit's score is kept; the sender's is only compared
    assert scored.mismatch == ScoreMismatch(
        instrument_code="phq9",
        response_id="phq-9-example",
        incoming_total=14,
        remit_total=12,
        reason="the sender's total is 14; Remit scores 12",
    )


def test_a_response_to_the_lhc_questionnaire_reads_by_ordinal_even_without_answer_systems() -> None:
    lhc = load_fhir_sample("lhc-forms-phq9-questionnaire.json")
    _questionnaire, response = us_core()
    response = copy.deepcopy(response)
    response.pop("questionnaire")
    for item in response["item"]:
        for answer in item["answer"]:
            answer.get("valueCoding", {}).pop("system", None)
    scored = score_response(lhc, response)
    assert scored.read.answers == US_CORE_ANSWERS
    assert scored.result == score("phq9", US_CORE_ANSWERS)
    assert scored.mismatch is None


def test_an_answer_known_only_by_its_ordinal_value_resolves_through_the_questionnaire() -> None:
    questionnaire, response = us_core()
    for item in questionnaire["item"]:
        for option in item.get("answerOption", []):
            option["valueCoding"] = {
                "system": "http://example.org/local",
                "code": "X" + option["valueCoding"]["code"],
            }
    response["item"] = [item for item in response["item"] if item["linkId"] != "/69722-7"]
    for item in response["item"]:
        for answer in item["answer"]:
            if "valueCoding" in answer:
                answer["valueCoding"] = {
                    "system": "http://example.org/local",
                    "code": "X" + answer["valueCoding"]["code"],
                }
    read = answers_from_response(questionnaire, response)
    assert read.answers == {**US_CORE_ANSWERS, "q10": None}


def test_an_answer_with_neither_a_known_code_nor_an_ordinal_is_named_by_its_path() -> None:
    questionnaire, response = us_core()
    item10 = next(i for i, item in enumerate(response["item"]) if item["linkId"] == "/69722-7")
    response["item"][item10]["answer"] = [
        {"valueCoding": {"system": "http://example.org/local", "code": "odd"}}
    ]
    with pytest.raises(QuestionnaireError) as error:
        answers_from_response(questionnaire, response)
    assert error.value.path == f"QuestionnaireResponse.item[{item10}].answer[0].valueCoding"
    assert "carries no ordinal value" in error.value.message


def test_an_unreadable_answer_is_named_by_its_path() -> None:
    questionnaire, response = us_core()
    response["item"][0]["answer"] = [{"valueCoding": {"system": "http://loinc.org", "code": "LA0000-0"}}]
    with pytest.raises(QuestionnaireError) as error:
        answers_from_response(questionnaire, response)
    assert error.value.path == "QuestionnaireResponse.item[0].answer[0].valueCoding"
    assert "q1" in error.value.message


def test_a_response_to_another_questionnaire_is_refused() -> None:
    questionnaire, response = us_core()
    response["questionnaire"] = "http://example.org/Questionnaire/other"
    with pytest.raises(QuestionnaireError, match="not this Questionnaire"):
        answers_from_response(questionnaire, response)


def test_two_answers_to_one_item_are_refused() -> None:
    questionnaire, response = us_core()
    response["item"][0]["answer"] = response["item"][0]["answer"] * 2
    with pytest.raises(QuestionnaireError, match="one answer"):
        answers_from_response(questionnaire, response)


def test_the_audit_c_sample_reports_that_remit_cannot_score_it() -> None:
    scored = score_response(
        load_fhir_sample("us-core-Questionnaire-AUDIT-C.json"),
        load_fhir_sample("us-core-QuestionnaireResponse-AUDIT-C.json"),
    )
    assert scored.read.instrument_code == "auditc"
    assert scored.read.answers == {"q1": None, "q2": 0, "q3": 0}
    assert scored.read.ignored_link_ids == ("/68517-2",)
    assert scored.result.valid is False
    assert scored.result.missing == ("q1",)
    assert scored.mismatch is not None
    assert scored.mismatch.incoming_total == 0
    assert scored.mismatch.remit_total is None
    assert "q1 unanswered" in scored.mismatch.reason
