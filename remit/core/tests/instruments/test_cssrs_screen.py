"""C-SSRS Screener (clinical-reference 1.7)."""

from __future__ import annotations

import pytest

from remit.core.instruments import AnswerError, get_instrument, score
from remit.core.instruments.cssrs_screen import applicable_items

CSSRS = get_instrument("cssrs_screen")
ALL_NO_Q2_YES = {"q1": 0, "q2": 1, "q3": 0, "q4": 0, "q5": 0, "q6": 0}


def test_q3_to_q5_are_skipped_when_q2_is_no() -> None:
    """'Ask Q1 and Q2. If Q2 = No, skip to Q6.' (rula.com; Millisecond manual)."""
    assert applicable_items({"q1": 1, "q2": 0}) == ("q1", "q2", "q6")
    result = score("cssrs_screen", {"q1": 0, "q2": 0, "q6": 0})
    assert result.valid
    assert result.missing == ()
    assert result.band == "none"


def test_q3_to_q5_are_asked_when_q2_is_yes() -> None:
    """'If Q2 = Yes, ask Q3, Q4, Q5 and Q6.' (rula.com; Millisecond manual)."""
    assert applicable_items({"q2": 1}) == ("q1", "q2", "q3", "q4", "q5", "q6")
    result = score("cssrs_screen", {"q1": 1, "q2": 1, "q6": 0})
    assert not result.valid
    assert result.missing == ("q3", "q4", "q5")


def test_q6_recent_is_asked_only_after_a_yes_to_q6() -> None:
    """Q6 has the sub-question 'Was this within the past 3 months?' (NINDS CDE; Millisecond manual)."""
    assert applicable_items({"q2": 0, "q6": 1})[-1] == "q6_recent"
    assert "q6_recent" not in applicable_items({"q2": 0, "q6": 0})


def test_an_answer_to_a_skipped_item_is_refused() -> None:
    """Q3-Q5 are not asked when Q2 = No (rula.com); an answer there is a form error, not data."""
    with pytest.raises(AnswerError) as caught:
        score("cssrs_screen", {"q1": 0, "q2": 0, "q4": 1, "q6": 0})
    assert caught.value.item == "q4"
    assert "q4 is skipped when q2 is No" in str(caught.value)
    with pytest.raises(AnswerError, match="q6_recent is skipped when q6 is No"):
        score("cssrs_screen", {"q1": 0, "q2": 0, "q6": 0, "q6_recent": 0})


@pytest.mark.parametrize(
    ("answers", "risk"),
    [
        ({"q1": 0, "q2": 0, "q6": 0}, "none"),
        ({"q1": 1, "q2": 0, "q6": 0}, "low"),
        (ALL_NO_Q2_YES, "low"),
        (ALL_NO_Q2_YES | {"q3": 1}, "moderate"),
        ({"q1": 0, "q2": 0, "q6": 1, "q6_recent": 0}, "moderate"),
        (ALL_NO_Q2_YES | {"q4": 1}, "high"),
        (ALL_NO_Q2_YES | {"q5": 1}, "high"),
        ({"q1": 0, "q2": 0, "q6": 1, "q6_recent": 1}, "high"),
        (ALL_NO_Q2_YES | {"q3": 1, "q6": 1, "q6_recent": 0}, "moderate"),
    ],
)
def test_risk_ladder_follows_the_triage_points(answers: dict[str, int | None], risk: str) -> None:
    """HIGH: Q4 or Q5 or recent Q6; MODERATE: Q3 or non-recent Q6; LOW: Q1 or Q2
    (SPiER pathway spec, published-instrument verification; cssrs.columbia.edu triage page)."""
    assert score("cssrs_screen", answers).band == risk


def test_the_old_spier_readme_mapping_is_not_used() -> None:
    """SPiER's README table (Q4 -> moderate; any Q6 -> high) is the old, wrong mapping (clinical-reference 1.7)."""
    assert score("cssrs_screen", ALL_NO_Q2_YES | {"q4": 1}).band == "high"
    assert score("cssrs_screen", {"q1": 0, "q2": 0, "q6": 1, "q6_recent": 0}).band == "moderate"


def test_total_counts_yes_answers_to_q1_to_q6() -> None:
    """The screener has no summed score; Remit's total is the count of Yes to Q1-Q6 (documented)."""
    result = score("cssrs_screen", {"q1": 1, "q2": 1, "q3": 1, "q4": 0, "q5": 0, "q6": 1, "q6_recent": 1})
    assert result.total == 4
    assert result.max == 6


def test_flags_for_each_risk_level() -> None:
    """Any 'yes' raises an alert at once (design.md); Q2 is active ideation; moderate/high need referral
    or consultation (SPiER pathway spec)."""
    wish_only = score("cssrs_screen", {"q1": 1, "q2": 0, "q6": 0})
    assert wish_only.flags == ("positive_screen",)
    active = score("cssrs_screen", ALL_NO_Q2_YES)
    assert active.flags == ("positive_screen", "suicidal_ideation")
    method = score("cssrs_screen", ALL_NO_Q2_YES | {"q3": 1})
    assert method.flags == ("positive_screen", "suicidal_ideation", "suicide_risk_moderate_or_high")
    assert score("cssrs_screen", {"q1": 0, "q2": 0, "q6": 0}).flags == ()


def test_a_yes_to_q6_is_flagged_even_before_q6_recent_is_answered() -> None:
    """Q6 = Yes is at least MODERATE whatever the recency (triage ladder); safety flags come first."""
    result = score("cssrs_screen", {"q1": 0, "q2": 0, "q6": 1})
    assert not result.valid
    assert result.missing == ("q6_recent",)
    assert result.band is None
    assert "suicide_risk_moderate_or_high" in result.flags


def test_q1_and_q2_are_always_required() -> None:
    """'Ask Q1 and Q2' (rula.com; Millisecond manual)."""
    assert score("cssrs_screen", {"q6": 0}).missing == ("q1", "q2")


def test_yes_no_answers_are_0_or_1() -> None:
    """Six yes/no items (NINDS CDE)."""
    with pytest.raises(AnswerError, match=r"cssrs_screen q1: 2 is out of range 0–1 \(0 = No, 1 = Yes\)"):
        score("cssrs_screen", {"q1": 2})


def test_loinc_codes() -> None:
    """Panel 93373-9, items 93246-7 ... 93269-9, risk level 93374-7 (SPiER FHIR-Resources/C-SSRS)."""
    assert CSSRS.loinc_panel == "93373-9"
    assert CSSRS.loinc_band == "93374-7"
    assert [item.loinc for item in CSSRS.items] == [
        "93246-7", "93247-5", "93248-3", "93249-1", "93250-9", "93267-3", "93269-9",
    ]  # fmt: skip
    assert CSSRS.wording_licensed
