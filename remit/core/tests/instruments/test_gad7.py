"""GAD-7 (clinical-reference 1.2)."""

from __future__ import annotations

import pytest

from remit.core.instruments import get_instrument, score
from remit.core.tests.instruments.helpers import spread

GAD7 = get_instrument("gad7")


@pytest.mark.parametrize(
    ("total", "band"),
    [
        (0, "minimal"),
        (4, "minimal"),
        (5, "mild"),
        (9, "mild"),
        (10, "moderate"),
        (14, "moderate"),
        (15, "severe"),
        (21, "severe"),
    ],
)
def test_band_edges_follow_spitzer(total: int, band: str) -> None:
    """Cut-points 5/10/15 give mild/moderate/severe, 0-4 minimal (clincalc gad7.rs; Spitzer 2006)."""
    result = score("gad7", spread(GAD7, total))
    assert (result.total, result.band, result.max) == (total, band, 21)


def test_positive_screen_starts_at_10() -> None:
    """>= 10 is the usual positive screen (clincalc gad7.rs)."""
    assert "positive_screen" not in score("gad7", spread(GAD7, 9)).flags
    assert "positive_screen" in score("gad7", spread(GAD7, 10)).flags


def test_partial_form_already_at_10_is_flagged_positive() -> None:
    """The answered items are a lower bound on the total, so >= 10 is already decided (clincalc gad7.rs)."""
    result = score("gad7", {"q1": 3, "q2": 3, "q3": 3, "q4": 1})
    assert not result.valid
    assert result.missing == ("q5", "q6", "q7")
    assert "positive_screen" in result.flags


def test_partial_form_below_10_is_not_flagged() -> None:
    """Positive means a total >= 10 (clincalc gad7.rs); 9 points so far decides nothing."""
    assert score("gad7", {"q1": 3, "q2": 3, "q3": 3}).flags == ()


def test_loinc_panel_and_total() -> None:
    """Panel 69737-5, total 70274-6 (HL7 PHR IG ValueSet; MII ObservationDefinition)."""
    assert (GAD7.loinc_panel, GAD7.loinc_total) == ("69737-5", "70274-6")


def test_wording_is_shipped_because_it_is_public_domain() -> None:
    """Public domain since 2010, no permission needed (clincalc gad7.rs)."""
    assert GAD7.show_wording and all(item.text for item in GAD7.items)
