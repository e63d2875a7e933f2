"""HIPAA Safe Harbor helpers (45 CFR 164.514(b)(2); HHS OCR de-identification guidance, 2012)."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from remit.core import deidentify as de

SECRET = b"export-2026-03-secret"


def test_safe_harbor_lists_18_identifier_kinds_a_to_r() -> None:
    """45 CFR 164.514(b)(2)(i) paragraphs (A) names ... (R) any other unique code."""
    kinds = de.safe_harbor_identifiers()
    assert [k.code for k in kinds] == [chr(c) for c in range(ord("A"), ord("R") + 1)]
    assert len(kinds) == 18
    assert kinds[0].description == "Names"
    assert "Medical record" in kinds[7].description


def test_the_date_offset_is_stable_per_patient_nonzero_and_within_the_bound() -> None:
    """Per-patient shift keeps intervals; never 0, which would leave the real date."""
    a = de.date_offset_days("patient-1", SECRET, max_days=30)
    assert a == de.date_offset_days("patient-1", SECRET, max_days=30)
    assert a != 0 and -30 <= a <= 30


def test_the_offset_depends_on_the_secret() -> None:
    """Without the secret the shift cannot be recomputed; a new secret per export unlinks exports."""
    keys = [f"patient-{i}" for i in range(20)]
    first = [de.date_offset_days(k, SECRET) for k in keys]
    other = [de.date_offset_days(k, b"another-secret") for k in keys]
    assert first != other
    assert len(set(first)) > 10  # offsets differ between patients


@settings(max_examples=100, deadline=None)
@given(
    key=st.text(min_size=1, max_size=20),
    a=st.dates(min_value=dt.date(2000, 1, 1), max_value=dt.date(2040, 1, 1)),
    b=st.dates(min_value=dt.date(2000, 1, 1), max_value=dt.date(2040, 1, 1)),
    max_days=st.integers(min_value=1, max_value=730),
)
def test_shifting_keeps_every_interval_within_a_patient(
    key: str, a: dt.date, b: dt.date, max_days: int
) -> None:
    offset = de.date_offset_days(key, SECRET, max_days)
    assert 1 <= abs(offset) <= max_days
    assert de.shift_date(b, offset) - de.shift_date(a, offset) == b - a
    assert de.shift_date(a, offset) != a


def test_ages_over_89_are_grouped_as_90_plus() -> None:
    """164.514(b)(2)(i)(C): ages over 89 aggregated into 90 or older."""
    assert de.export_age(89) == 89
    assert de.export_age(90) == "90+"
    assert de.export_age(104) == "90+"
    with pytest.raises(de.DeidentifyInputError, match="age"):
        de.export_age(-1)


def test_the_birth_year_of_someone_over_89_is_dropped() -> None:
    """164.514(b)(2)(i)(C): date elements, including year, indicative of an age over 89 are removed."""
    as_of = dt.date(2026, 6, 1)
    assert de.export_birth_year(dt.date(1936, 6, 2), as_of) == 1936  # 89 until tomorrow
    assert de.export_birth_year(dt.date(1936, 6, 1), as_of) is None  # 90 today


def test_zip_codes_keep_three_digits() -> None:
    """164.514(b)(2)(i)(B): the initial three digits may stay where the area holds > 20,000 people."""
    assert de.truncate_zip("94110") == "941"
    assert de.truncate_zip("10027-1234") == "100"


@pytest.mark.parametrize("zip3", sorted(de.RESTRICTED_ZIP3))
def test_the_17_small_zip_areas_become_000(zip3: str) -> None:
    """HHS OCR guidance (2000 Census): 17 three-digit areas with 20,000 or fewer people -> '000'."""
    assert de.truncate_zip(f"{zip3}42") == "000"


def test_the_restricted_list_has_the_17_prefixes_of_the_hhs_guidance() -> None:
    assert len(de.RESTRICTED_ZIP3) == 17
    assert {
        "036",
        "059",
        "063",
        "102",
        "203",
        "556",
        "692",
        "790",
        "821",
        "823",
        "830",
        "831",
        "878",
        "879",
        "884",
        "890",
        "893",
    } == de.RESTRICTED_ZIP3


def test_a_malformed_zip_names_the_field() -> None:
    with pytest.raises(de.DeidentifyInputError) as err:
        de.truncate_zip("9411", field="patients[3].zip")
    assert err.value.field == "patients[3].zip"


def test_free_text_is_dropped_not_scrubbed() -> None:
    """No scrubber finds every identifier in free text, so exports carry none (Safe Harbor (A)-(R))."""
    assert de.scrub_free_text("Seen with her husband John Smith, 12 Elm St, MRN 88231") is None
