"""The instrument library as a whole (clinical-reference 1.11 licensing; 8 LOINC)."""

from __future__ import annotations

import pytest

from remit.core.instruments import INSTRUMENTS, UnknownInstrument, get_instrument

CODES = {
    "phq9", "gad7", "qids_sr16", "madrs", "cadss", "cadss6", "cssrs_screen",
    "auditc", "dast10", "moaas", "hamd17", "pcl5",
}  # fmt: skip
FREE_WORDING = {"phq9", "gad7", "hamd17", "pcl5"}


def test_every_code_in_the_brief_is_registered() -> None:
    """Instrument codes are a stable contract (design.md, Contracts)."""
    assert set(INSTRUMENTS) == CODES
    assert all(get_instrument(code).code == code for code in CODES)


def test_unknown_code_names_itself_and_lists_the_valid_ones() -> None:
    """Bad input raises a clear exception that names the offending field."""
    with pytest.raises(UnknownInstrument) as caught:
        get_instrument("phq8")
    assert isinstance(caught.value, ValueError)
    assert "'phq8'" in str(caught.value)
    assert all(code in str(caught.value) for code in CODES)


def test_wording_ships_only_for_instruments_free_to_reproduce() -> None:
    """PHQ-9, GAD-7 (Pfizer), HAM-D (public domain) and PCL-5 (US Govt) may be reproduced;
    MADRS, C-SSRS, QIDS, CADSS, AUDIT, DAST wording is not shipped (clinical-reference 1.11)."""
    for code, instrument in INSTRUMENTS.items():
        has_text = [item.text is not None for item in instrument.items]
        if code in FREE_WORDING:
            assert instrument.show_wording and all(has_text), code
        else:
            assert not any(has_text), code
            if code != "moaas":
                assert instrument.wording_licensed, code


def test_every_band_and_instrument_names_its_source() -> None:
    """Every rule, band and threshold names its source (clinical-reference, How to use it)."""
    for instrument in INSTRUMENTS.values():
        assert instrument.sources and instrument.licence
        assert all(band.source for band in instrument.bands)
        assert all(item.label and item.options for item in instrument.items)


def test_unverified_loinc_codes_are_left_unset() -> None:
    """QIDS-SR16, MADRS, HAM-D17 totals: none found; leave unset rather than guess (clinical-reference 8)."""
    for code in ("qids_sr16", "madrs", "hamd17", "cadss", "cadss6", "moaas"):
        assert get_instrument(code).loinc_total is None


def test_items_in_order_and_lookup_by_id() -> None:
    """Item ids follow the form's order (comma lists rely on it, design.md Contracts)."""
    phq9 = get_instrument("phq9")
    assert [item.id for item in phq9.items_in_order] == [f"q{n}" for n in range(1, 11)]
    assert phq9.item("q9").label
    with pytest.raises(KeyError, match="q99"):
        phq9.item("q99")
