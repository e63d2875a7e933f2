"""PHQ-9 (clinical-reference 1.1)."""

from __future__ import annotations

import pytest

from remit.core.instruments import AnswerError, get_instrument, score
from remit.core.tests.instruments.helpers import load_shared_json, spread

PHQ9 = get_instrument("phq9")
FIRST_EIGHT = tuple(f"q{n}" for n in range(1, 9))


@pytest.mark.parametrize(
    ("total", "band"),
    [
        (0, "minimal"),
        (4, "minimal"),
        (5, "mild"),
        (9, "mild"),
        (10, "moderate"),
        (14, "moderate"),
        (15, "moderately_severe"),
        (19, "moderately_severe"),
        (20, "severe"),
        (27, "severe"),
    ],
)
def test_band_edges_follow_kroenke(total: int, band: str) -> None:
    """Bands 0-4 / 5-9 / 10-14 / 15-19 / 20-27: clincalc phq9.rs unit tests (Kroenke 2001)."""
    result = score("phq9", spread(PHQ9, total, (*FIRST_EIGHT, "q9")))
    assert result.valid
    assert result.total == total
    assert result.band == band
    assert result.max == 27


def test_total_is_the_sum_of_items_1_to_9() -> None:
    """Total = sum(item1..item9), each 0-3 (clincalc phq9.rs)."""
    answers = {"q1": 3, "q2": 2, "q3": 1, "q4": 0, "q5": 3, "q6": 2, "q7": 1, "q8": 0, "q9": 1}
    assert score("phq9", answers).total == 13


def test_item_10_is_stored_but_never_summed() -> None:
    """'The tenth functional-difficulty question is NOT scored' (clincalc phq9.rs)."""
    base = spread(PHQ9, 11, FIRST_EIGHT) | {"q9": 0}
    easy = score("phq9", base | {"q10": 0})
    hard = score("phq9", base | {"q10": 3})
    assert easy.total == hard.total == 11
    assert hard.answers["q10"] == 3


def test_item_10_may_be_left_blank() -> None:
    """Item 10 is outside the 0-27 score, so leaving it blank does not invalidate it (clincalc phq9.rs)."""
    result = score("phq9", spread(PHQ9, 6, FIRST_EIGHT) | {"q9": 0})
    assert result.valid
    assert result.missing == ()
    assert result.answers["q10"] is None


@pytest.mark.parametrize("item9", [1, 2, 3])
def test_item_9_at_1_or_more_flags_suicidal_ideation_whatever_the_total(item9: int) -> None:
    """Item 9 >= 1 flags a suicide-risk assessment whatever the total (clincalc; SPiER pathway spec)."""
    result = score("phq9", dict.fromkeys(FIRST_EIGHT, 0) | {"q9": item9})
    assert result.band == "minimal"
    assert "suicidal_ideation" in result.flags


def test_item_9_at_0_raises_no_flag_even_when_severe() -> None:
    """Positive is 'score of 1-3' on item 9 (SPiER pathway spec), not a high total."""
    result = score("phq9", dict.fromkeys(FIRST_EIGHT, 3) | {"q9": 0})
    assert result.band == "severe"
    assert "suicidal_ideation" not in result.flags


def test_a_blank_scored_item_makes_the_result_invalid_without_prorating() -> None:
    """No published prorating rule: a missing scored item gives valid false (clinical-reference 8)."""
    answers = spread(PHQ9, 20, (*FIRST_EIGHT, "q9")) | {"q3": None}
    result = score("phq9", answers)
    assert not result.valid
    assert result.total is None
    assert result.band is None
    assert result.missing == ("q3",)


def test_an_absent_key_counts_as_unanswered() -> None:
    """Same rule as a blank: no prorating (clinical-reference 8)."""
    result = score("phq9", {"q1": 1, "q2": 1})
    assert result.missing == tuple(f"q{n}" for n in range(3, 10))


def test_item_9_flag_is_raised_even_when_the_form_is_incomplete() -> None:
    """Safety first: item 9 >= 1 needs assessment 'whatever the total' (clincalc phq9.rs; design.md)."""
    result = score("phq9", {"q1": None, "q9": 2})
    assert not result.valid
    assert "suicidal_ideation" in result.flags


def test_out_of_range_answer_names_the_item_and_range() -> None:
    """Items are scored 0-3 (clincalc phq9.rs)."""
    with pytest.raises(AnswerError) as caught:
        score("phq9", {"q3": 4})
    assert caught.value.item == "q3"
    assert str(caught.value) == "phq9 q3: 4 is out of range 0–3"


@pytest.mark.parametrize("bad", ["2", 2.0, True, -1])
def test_non_integer_or_negative_answers_are_refused(bad: object) -> None:
    """Answers are whole numbers 0-3 (clincalc phq9.rs)."""
    with pytest.raises(AnswerError) as caught:
        score("phq9", {"q2": bad})
    assert caught.value.item == "q2"
    assert "q2" in str(caught.value) and "0–3" in str(caught.value)


def test_unknown_item_id_is_refused() -> None:
    """PHQ-9 has items 1-10 only (US Core PHQ-9 Questionnaire)."""
    with pytest.raises(AnswerError) as caught:
        score("phq9", {"q11": 1})
    assert caught.value.item == "q11"
    assert isinstance(caught.value, ValueError)


def test_panel_total_and_item_loinc_codes() -> None:
    """Panel 44249-1, total 44261-6, item 9 44260-8, item 10 69722-7 (clinical-reference 1.1)."""
    assert PHQ9.loinc_panel == "44249-1"
    assert PHQ9.loinc_total == "44261-6"
    assert PHQ9.item("q9").loinc == "44260-8"
    assert PHQ9.item("q10").loinc == "69722-7"
    assert score("phq9", {}).loinc == "44261-6"


def test_item_and_answer_codes_match_the_us_core_questionnaire() -> None:
    """Item and answer LOINC codes, in order, as in HL7 US Core Questionnaire phq-9-example."""
    questionnaire = load_shared_json("fhir-samples/us-core-Questionnaire-phq-9-example.json")
    assert questionnaire["code"][0]["code"] == PHQ9.loinc_panel
    choices = [item for item in questionnaire["item"] if item["type"] == "choice"]
    assert [item["code"][0]["code"] for item in choices] == [item.loinc for item in PHQ9.items]
    for fhir_item, item in zip(choices, PHQ9.items, strict=True):
        fhir_codes = [option["valueCoding"]["code"] for option in fhir_item["answerOption"]]
        assert fhir_codes == [option.loinc for option in item.options]
        for option in fhir_item["answerOption"]:
            ordinals = [
                ext["valueDecimal"]
                for ext in option.get("extension", [])
                if ext["url"].endswith("ordinalValue")
            ]
            ours = next(o for o in item.options if o.loinc == option["valueCoding"]["code"])
            assert ordinals in ([], [ours.value])


def test_us_core_questionnaire_response_scores_to_the_total_it_carries() -> None:
    """The US Core PHQ-9 QuestionnaireResponse example carries its own total (44261-6)."""
    response = load_shared_json("fhir-samples/us-core-QuestionnaireResponse-phq-9-example.json")
    by_item_code = {item.loinc: item for item in PHQ9.items}
    answers: dict[str, int | None] = {}
    carried_total = None
    for fhir_item in response["item"]:
        code = fhir_item["linkId"].lstrip("/")
        answer = fhir_item["answer"][0]
        if code == PHQ9.loinc_total:
            carried_total = answer["valueDecimal"]
            continue
        item = by_item_code[code]
        answers[item.id] = next(o.value for o in item.options if o.loinc == answer["valueCoding"]["code"])
    result = score("phq9", answers)
    assert carried_total is not None
    assert result.valid
    assert result.total == carried_total


def test_wording_is_shipped_because_pfizer_needs_no_permission() -> None:
    """'No permission required to reproduce, translate, display or distribute' (US Core copyright text)."""
    assert PHQ9.show_wording
    assert all(item.text for item in PHQ9.items)
