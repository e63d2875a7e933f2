"""QIDS-SR16 (clinical-reference 1.3)."""

from __future__ import annotations

import pytest

from remit.core.instruments import get_instrument, score

QIDS = get_instrument("qids_sr16")

# One answered item per domain in the shape of the form: sleep q1-q4, q5, weight (q6 or q7, q8 or q9),
# q10-q14, psychomotor q15-q16.
DOMAIN_LEADS = ("q1", "q5", "q6", "q10", "q11", "q12", "q13", "q14", "q15")


def with_total(total: int) -> dict[str, int | None]:
    """All sleep and psychomotor items answered, q6 and q8 answered, q7 and q9 left blank."""
    answers: dict[str, int | None] = {f"q{n}": 0 for n in range(1, 17)} | {"q7": None, "q9": None}
    remaining = total
    for item_id in DOMAIN_LEADS:
        answers[item_id] = min(3, remaining)
        remaining -= answers[item_id] or 0
    assert remaining == 0
    return answers


def test_total_is_the_sum_of_the_nine_domain_scores() -> None:
    """sleep = max(q1..q4), weight = max(q6..q9), psychomotor = max(q15, q16), plus q5, q10-q14
    (Millisecond QIDS-SR16 manual; ids-qids.org)."""
    answers = {
        "q1": 1, "q2": 3, "q3": 0, "q4": 2,  # sleep 3
        "q5": 2,
        "q6": 0, "q7": None, "q8": None, "q9": 1,  # weight 1
        "q10": 1, "q11": 1, "q12": 0, "q13": 2, "q14": 1,  # 5
        "q15": 1, "q16": 3,  # psychomotor 3
    }  # fmt: skip
    result = score("qids_sr16", answers)
    assert result.valid
    assert result.total == 3 + 2 + 1 + 5 + 3


def test_both_items_of_a_pair_filled_uses_the_highest() -> None:
    """The max() rule also gives the right total if both are filled (clinical-reference 1.3)."""
    answers = with_total(0) | {"q6": 1, "q7": 2, "q8": 3, "q9": 0}
    assert score("qids_sr16", answers).total == 3


@pytest.mark.parametrize(
    ("total", "band"),
    [
        (0, "none"),
        (5, "none"),
        (6, "mild"),
        (10, "mild"),
        (11, "moderate"),
        (15, "moderate"),
        (16, "severe"),
        (20, "severe"),
        (21, "very_severe"),
        (27, "very_severe"),
    ],
)
def test_band_edges_follow_the_ids_qids_severity_table(total: int, band: str) -> None:
    """0-5 none, 6-10 mild, 11-15 moderate, 16-20 severe, 21-27 very severe (ids-qids.org/interpretation.html)."""
    result = score("qids_sr16", with_total(total))
    assert (result.total, result.band, result.max) == (total, band, 27)


def test_one_answered_item_of_each_either_or_pair_is_complete() -> None:
    """Patients answer either item 6 or 7, and either 8 or 9 (reproduced form, scales.arabpsychology)."""
    answers = with_total(4) | {"q6": None, "q7": 1, "q8": 2, "q9": None}
    result = score("qids_sr16", answers)
    assert result.valid
    assert result.missing == ()


def test_both_items_of_a_pair_blank_is_missing() -> None:
    """The weight domain needs one of q6/q7 and one of q8/q9 (reproduced form, scales.arabpsychology)."""
    result = score("qids_sr16", with_total(4) | {"q6": None, "q7": None})
    assert not result.valid
    assert result.missing == ("q6", "q7")


@pytest.mark.parametrize("item_id", ["q1", "q2", "q3", "q4", "q15", "q16", "q5", "q14"])
def test_every_sleep_and_psychomotor_item_is_required(item_id: str) -> None:
    """All four sleep items and both psychomotor items are asked on the form (Millisecond manual)."""
    result = score("qids_sr16", with_total(9) | {item_id: None})
    assert not result.valid
    assert result.missing == (item_id,)
    assert result.total is None


def test_item_12_at_1_or_more_flags_suicidal_ideation_even_when_incomplete() -> None:
    """q12 'thoughts of death or suicide' >= 1 is treated like PHQ-9 item 9 (clinical-reference 1.3)."""
    assert "suicidal_ideation" in score("qids_sr16", with_total(0) | {"q12": 1}).flags
    assert "suicidal_ideation" in score("qids_sr16", {"q12": 2}).flags
    assert "suicidal_ideation" not in score("qids_sr16", with_total(27) | {"q12": 0}).flags


def test_no_loinc_code_is_guessed_and_wording_is_not_shipped() -> None:
    """LOINC: none found; licence unconfirmed, treat as copyrighted (clinical-reference 1.3, 8)."""
    assert QIDS.loinc_total is None and QIDS.loinc_panel is None
    assert QIDS.wording_licensed
    assert all(item.text is None for item in QIDS.items)
