"""AUDIT-C (clinical-reference 1.8)."""

from __future__ import annotations

import pytest

from remit.core.instruments import AnswerError, get_instrument, score
from remit.core.tests.instruments.helpers import load_shared_json, spread

AUDITC = get_instrument("auditc")


@pytest.mark.parametrize(
    ("sex", "total", "band"),
    [
        ("male", 3, "negative"),
        ("male", 4, "positive"),
        ("female", 2, "negative"),
        ("female", 3, "positive"),
        (None, 2, "negative"),
        (None, 3, "positive"),
        ("male", 12, "positive"),
        ("female", 0, "negative"),
    ],
)
def test_positive_screen_is_4_for_men_and_3_for_women(sex: str | None, total: int, band: str) -> None:
    """Positive >= 4 men, >= 3 women (Bush 1998; Bradley 2007, via clincalc auditc.rs);
    unknown sex uses the lower cut-off."""
    result = score("auditc", spread(AUDITC, total), sex=sex)
    assert (result.total, result.band, result.max) == (total, band, 12)


def test_unknown_sex_is_flagged_when_the_lower_cutoff_is_used() -> None:
    """The lower (women's) cut-off is the conservative choice when sex is unknown (clincalc auditc.rs cut-offs)."""
    assert "sex_unknown_used_lower_cutoff" in score("auditc", spread(AUDITC, 3)).flags
    assert "sex_unknown_used_lower_cutoff" not in score("auditc", spread(AUDITC, 3), sex="female").flags


def test_points_only_from_q1_is_flagged_for_review() -> None:
    """If all points come from Q1 (Q2 = Q3 = 0) the patient probably drinks within limits (US Core note)."""
    assert "points_only_from_q1" in score("auditc", {"q1": 4, "q2": 0, "q3": 0}, sex="male").flags
    assert "points_only_from_q1" not in score("auditc", {"q1": 0, "q2": 0, "q3": 0}, sex="male").flags
    assert "points_only_from_q1" not in score("auditc", {"q1": 3, "q2": 1, "q3": 0}, sex="male").flags


def test_an_unknown_sex_value_is_refused() -> None:
    """Cut-offs exist for men and women only (clincalc auditc.rs)."""
    with pytest.raises(AnswerError) as caught:
        score("auditc", spread(AUDITC, 3), sex="other")
    assert caught.value.item == "sex"


def test_answer_codes_match_the_us_core_questionnaire() -> None:
    """Q2 68519-8 and Q3 68520-6 with their LA answer codes, as in the US Core AUDIT-C Questionnaire."""
    questionnaire = load_shared_json("fhir-samples/us-core-Questionnaire-AUDIT-C.json")
    assert questionnaire["code"][0]["code"] == AUDITC.loinc_panel == "72109-2"
    by_code = {item["code"][0]["code"]: item for item in questionnaire["item"]}
    assert AUDITC.loinc_total == "75626-2" and "75626-2" in by_code
    for item_id in ("q2", "q3"):
        item = AUDITC.item(item_id)
        assert item.loinc is not None
        fhir_options = by_code[item.loinc]["answerOption"]
        assert [o["valueCoding"]["code"] for o in fhir_options] == [o.loinc for o in item.options]
        assert [o["extension"][1]["valueDecimal"] for o in fhir_options] == [o.value for o in item.options]
