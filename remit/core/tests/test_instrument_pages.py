"""One portal page checked in the core: answers, skip logic and what is still missing."""

from remit.core.instruments import get_instrument
from remit.core.instruments.pages import check_page


def test_a_yes_to_cssrs_q2_reveals_the_next_questions_on_the_same_page() -> None:
    cssrs = get_instrument("cssrs_screen")
    check = check_page(cssrs, {}, {"q1": "1", "q2": "1", "q6": "0"})
    assert check.revealed and not check.errors
    assert check.answers == {"q1": 1, "q2": 1, "q6": 0}


def test_a_shown_question_left_blank_is_asked_for_in_plain_words_and_nothing_is_revealed() -> None:
    phq9 = get_instrument("phq9")
    posted = {item_id: "0" for item_id in phq9.item_ids} | {"q9": ""}
    check = check_page(phq9, {}, posted)
    assert check.errors == {"q9": "Please answer this question."} and not check.revealed


def test_an_answer_out_of_range_is_refused_naming_the_item_without_its_code() -> None:
    phq9 = get_instrument("phq9")
    posted = {item_id: "0" for item_id in phq9.item_ids} | {"q1": "7"}
    check = check_page(phq9, {}, posted)
    assert "q1" in check.errors and "phq9" not in check.errors["q1"] and check.answers["q1"] is None
