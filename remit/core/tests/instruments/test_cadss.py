"""CADSS (23 items) and CADSS-6 (clinical-reference 1.6 and 8)."""

from __future__ import annotations

import pytest

from remit.core.instruments import AnswerError, get_instrument, score
from remit.core.tests.instruments.helpers import all_at

CADSS = get_instrument("cadss")
CADSS6 = get_instrument("cadss6")


def test_cadss_has_23_items_rated_0_to_4_totalling_0_to_92() -> None:
    """23-item CADSS (Rodrigues 2021; Bremner 2024); items 0-4, total 0-92 from a registry copy (8)."""
    assert len(CADSS.items) == 23
    assert score("cadss", all_at("cadss", 4)).total == 92
    assert score("cadss", all_at("cadss", 0) | {"q5": 3, "q19": 2}).total == 5
    assert (CADSS.total_min, CADSS.total_max) == (0, 92)


def test_cadss_range_is_marked_unverified_in_its_source_text() -> None:
    """Items 0-4 and total 0-92 come from a registry copy only (clinical-reference 8)."""
    assert "UNVERIFIED" in CADSS.licence
    assert any("UNVERIFIED" in source for source in CADSS.sources)


def test_cadss6_keeps_the_23_item_numbering() -> None:
    """CADSS-6 = items 1, 2, 6, 7, 15 and 22 of the 23-item CADSS (Rodrigues 2021)."""
    assert CADSS6.item_ids == ("q1", "q2", "q6", "q7", "q15", "q22")
    assert score("cadss6", all_at("cadss6", 4)).total == 24
    with pytest.raises(AnswerError) as caught:
        score("cadss6", {"q3": 1})
    assert caught.value.item == "q3"


def test_cadss6_is_labelled_not_validated() -> None:
    """'has not been validated' (Rodrigues 2021 abstract)."""
    assert any("NOT VALIDATED" in source.upper() for source in CADSS6.sources)


def test_cadss_has_no_bands_and_ships_no_wording() -> None:
    """No bands or wording found; ask the author before reproducing text (clinical-reference 1.6)."""
    result = score("cadss", all_at("cadss", 2))
    assert result.band is None and result.valid
    for instrument in (CADSS, CADSS6):
        assert instrument.respondent == "clinician"
        assert instrument.wording_licensed
        assert all(item.text is None for item in instrument.items)
        assert instrument.loinc_total is None


def test_a_blank_cadss6_item_is_missing() -> None:
    """No prorating rule exists (clinical-reference 8)."""
    result = score("cadss6", all_at("cadss6", 1) | {"q22": None})
    assert (result.valid, result.total, result.missing) == (False, None, ("q22",))
