"""MADRS (clinical-reference 1.4)."""

from __future__ import annotations

import pytest

from remit.core.instruments import AnswerError, get_instrument, score
from remit.core.tests.instruments.helpers import all_at, spread

MADRS = get_instrument("madrs")


@pytest.mark.parametrize(
    ("total", "band"),
    [
        (0, "normal"),
        (6, "normal"),
        (7, "mild"),
        (19, "mild"),
        (20, "moderate"),
        (34, "moderate"),
        (35, "severe"),
        (60, "severe"),
    ],
)
def test_band_edges_follow_snaith(total: int, band: str) -> None:
    """0-6 normal, 7-19 mild, 20-34 moderate, 35-60 severe (Snaith via Wikipedia; Canvas README) [V2]."""
    result = score("madrs", spread(MADRS, total))
    assert (result.total, result.band, result.max) == (total, band, 60)


def test_items_are_rated_0_to_6() -> None:
    """10 items, each 0-6 (Montgomery & Åsberg 1979)."""
    assert score("madrs", all_at("madrs", 6)).total == 60
    with pytest.raises(AnswerError, match="madrs q4: 7 is out of range 0–6"):
        score("madrs", {"q4": 7})


def test_no_threshold_is_invented_for_the_suicidal_thoughts_item() -> None:
    """No item-10 threshold was found in the sources consulted (clinical-reference 1.4)."""
    assert score("madrs", {"q10": 6}).flags == ()


def test_item_wording_is_not_shipped_only_labels() -> None:
    """RCPsych refused permission (CamCOPS tasks_missing.rst): ship labels, not item text."""
    assert MADRS.wording_licensed and not MADRS.show_wording
    assert all(item.text is None for item in MADRS.items)
    assert MADRS.item("q1").label == "Apparent sadness"
    assert MADRS.item("q10").label == "Suicidal thoughts"
    assert MADRS.respondent == "clinician"
    assert MADRS.loinc_total is None
