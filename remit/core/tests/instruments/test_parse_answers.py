"""Reading answers as text (design.md, Contracts: JSON object or comma list in item order)."""

from __future__ import annotations

import pytest

from remit.core.instruments import AnswerError, get_instrument, parse_answers

PHQ9 = get_instrument("phq9")
CSSRS = get_instrument("cssrs_screen")


def test_a_comma_list_fills_items_in_order_and_an_empty_place_is_unanswered() -> None:
    """'a comma list in item order where an empty place is an unanswered item' (design.md)."""
    answers = parse_answers(PHQ9, "1, 2,,3,0,0,0,0,1,2")
    assert answers["q1"] == 1 and answers["q2"] == 2 and answers["q3"] is None
    assert answers["q10"] == 2


def test_unscored_trailing_items_may_be_left_off() -> None:
    """PHQ-9 item 10 is not scored (clincalc phq9.rs), so nine places are enough."""
    answers = parse_answers(PHQ9, "0,0,0,0,0,0,0,0,0")
    assert answers["q10"] is None


def test_cssrs_places_are_q1_to_q6_then_q6_recent() -> None:
    """Q6 has the follow-up 'within the past 3 months' (clinical-reference 1.7)."""
    assert CSSRS.item_ids == ("q1", "q2", "q3", "q4", "q5", "q6", "q6_recent")
    answers = parse_answers(CSSRS, "yes,no,,,,1,0")
    assert answers == {"q1": 1, "q2": 0, "q3": None, "q4": None, "q5": None, "q6": 1, "q6_recent": 0}


@pytest.mark.parametrize("text", ["1,2,3", "0,0,0,0,0,0,0,0,0,0,0"])
def test_a_list_of_the_wrong_length_is_refused(text: str) -> None:
    """A short or long list would shift answers onto the wrong items (design.md, comma list in item order)."""
    with pytest.raises(AnswerError, match="places given"):
        parse_answers(PHQ9, text)


def test_a_non_number_names_its_item() -> None:
    """Bad input names the offending item."""
    with pytest.raises(AnswerError) as caught:
        parse_answers(PHQ9, "0,0,x,0,0,0,0,0,0")
    assert caught.value.item == "q3"


def test_a_json_object_is_read_by_item_id() -> None:
    """'A is a JSON object keyed by item id' (design.md)."""
    assert parse_answers(PHQ9, '{"q1": 3, "q2": null}')["q1"] == 3
    assert parse_answers(CSSRS, '{"q1": true, "q2": false, "q6": false}')["q1"] == 1


@pytest.mark.parametrize(
    ("text", "item"),
    [
        ('{"q11": 1}', "q11"),
        ('{"q1": "2"}', "q1"),
        ('{"q1": 2.5}', "q1"),
        ('{"q2": true}', "q2"),
        ('{"q1": 9}', "q1"),
    ],
)
def test_bad_json_answers_name_their_item(text: str, item: str) -> None:
    """Unknown ids, wrong types and out-of-range values are refused by name (PHQ-9 items 0-3, clincalc)."""
    with pytest.raises(AnswerError) as caught:
        parse_answers(PHQ9, text)
    assert caught.value.item == item


@pytest.mark.parametrize("text", ["{not json", "[1, 2]"])
def test_unreadable_json_is_refused(text: str) -> None:
    """Answers must be a JSON object or a comma list (design.md)."""
    with pytest.raises(AnswerError, match="phq9 answers"):
        parse_answers(PHQ9, text)
