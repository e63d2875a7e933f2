"""PCL-5 (clinical-reference 1.10)."""

from __future__ import annotations

import pytest

from remit.core.instruments import ScoringSettings, get_instrument, score
from remit.core.instruments.engine import score as engine_score
from remit.core.tests.instruments.helpers import all_at, spread

PCL5 = get_instrument("pcl5")
# The least that meets the DSM rule: one B, one C, two D, two E, each rated 2 ("Moderately").
MINIMAL_DSM: dict[str, int | None] = {"q1": 2, "q6": 2, "q8": 2, "q9": 2, "q15": 2, "q16": 2}


def test_total_is_the_sum_of_20_items_rated_0_to_4() -> None:
    """20 items, each 0-4, total 0-80 (comorbidityguidelines.org.au)."""
    assert score("pcl5", all_at("pcl5", 4)).total == 80
    assert score("pcl5", spread(PCL5, 41)).total == 41


def test_there_is_no_severity_band() -> None:
    """No official severity bands (comorbidityguidelines.org.au)."""
    assert score("pcl5", all_at("pcl5", 3)).band is None
    assert PCL5.bands == ()


def test_probable_ptsd_at_the_default_cutoff_of_33() -> None:
    """Provisional cut-off 31-33 (comorbidityguidelines.org.au); Remit's default is 33."""
    assert ScoringSettings().pcl5_probable_ptsd_cutoff == 33
    assert "probable_ptsd" not in score("pcl5", spread(PCL5, 32)).flags
    assert "probable_ptsd" in score("pcl5", spread(PCL5, 33)).flags


def test_the_cutoff_is_a_clinic_setting() -> None:
    """Other cut-offs by population, e.g. 38 or 45 (comorbidityguidelines.org.au)."""
    answers = spread(PCL5, 40)
    assert "probable_ptsd" not in engine_score("pcl5", answers, settings=ScoringSettings(45)).flags
    assert "probable_ptsd" in engine_score("pcl5", answers, settings=ScoringSettings(38)).flags
    with pytest.raises(ValueError, match="pcl5_probable_ptsd_cutoff"):
        ScoringSettings(81)


def test_dsm5_rule_needs_one_b_one_c_two_d_two_e_rated_2_or_more() -> None:
    """Item >= 2 is endorsed; needs >= 1 B, >= 1 C, >= 2 D, >= 2 E (comorbidityguidelines.org.au)."""
    base = all_at("pcl5", 0)
    assert "dsm5_criteria_met" in score("pcl5", base | MINIMAL_DSM).flags
    for item_id in MINIMAL_DSM:
        assert "dsm5_criteria_met" not in score("pcl5", base | MINIMAL_DSM | {item_id: 0}).flags
    # A rating of 1 ("A little bit") does not count as endorsed.
    assert "dsm5_criteria_met" not in score("pcl5", base | MINIMAL_DSM | {"q9": 1}).flags


def test_dsm5_flag_is_independent_of_the_total() -> None:
    """The cluster rule and the cut-off are separate criteria (comorbidityguidelines.org.au)."""
    result = score("pcl5", all_at("pcl5", 0) | MINIMAL_DSM)
    assert result.total == 12
    assert result.flags == ("dsm5_criteria_met",)
    no_b_or_c = all_at("pcl5", 0) | {f"q{n}": 4 for n in range(8, 21)}  # 52 points, clusters D and E only
    assert score("pcl5", no_b_or_c).flags == ("probable_ptsd",)


def test_flags_already_decided_by_a_partial_form_are_raised() -> None:
    """Blank items can only add points, so a met criterion stays met (no prorating, clinical-reference 8)."""
    result = score("pcl5", MINIMAL_DSM | {"q2": 4, "q3": 4, "q4": 4, "q5": 4, "q7": 4, "q17": 3})
    assert not result.valid
    assert set(result.flags) == {"probable_ptsd", "dsm5_criteria_met"}


def test_loinc_total_is_101698_9_not_91006_2() -> None:
    """PCL-5 total 101698-9; 91006-2 is not supported (clinical-reference 8)."""
    assert PCL5.loinc_total == "101698-9"
    assert PCL5.show_wording
