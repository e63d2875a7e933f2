"""The least time a TMS session's pulses take, from the pattern's trains."""

from __future__ import annotations

from decimal import Decimal

import pytest

from remit.core import dosing
from remit.core.protocols import TMS_10HZ, TMS_ITBS, TmsDosing


def test_600_itbs_pulses_take_at_least_3_minutes_12_seconds() -> None:
    """iTBS: triplets at 50 Hz repeated at 5 Hz (clinical-reference §5 [V2]), 2 s on / 8 s off (an
    [UNVERIFIED] example the protocol sets); THREE-D (Blumberger 2018) sessions take about 3 minutes [V]."""
    dosing_ = TMS_ITBS.dosing
    assert isinstance(dosing_, TmsDosing)
    assert (dosing_.pulses_per_train, dosing_.inter_train_interval_s) == (30, Decimal(8))
    assert "dosing.inter_train_interval_s" in TMS_ITBS.examples
    least = dosing.tms_minimum_seconds(600, dosing.EXAMPLE_TMS_TRAINS["itbs"])
    assert least == Decimal(192) and dosing.minutes_seconds(least) == "3 min 12 s"


def test_3000_pulses_at_10_hz_take_at_least_the_19_minute_variant() -> None:
    """10 Hz: 4 s trains (40 pulses), 11 s between trains in the "19-minute" variant (clinical-reference
    §5 [V2]): 75 trains of 4 s and 74 pauses of 11 s."""
    assert isinstance(TMS_10HZ.dosing, TmsDosing)
    least = dosing.tms_minimum_seconds(3000, dosing.EXAMPLE_TMS_TRAINS["10hz"])
    assert least == Decimal(75 * 4 + 74 * 11) and dosing.minutes_seconds(least) == "18 min 34 s"


def test_a_partial_last_train_counts_only_its_pulses() -> None:
    """41 pulses at 10 Hz: one full 4 s train, one pause, one pulse (0.1 s)."""
    assert dosing.tms_minimum_seconds(41, dosing.EXAMPLE_TMS_TRAINS["10hz"]) == Decimal("15.1")
    assert dosing.tms_minimum_seconds(0, dosing.EXAMPLE_TMS_TRAINS["10hz"]) == 0


def test_a_negative_pulse_count_is_refused() -> None:
    with pytest.raises(dosing.DoseError):
        dosing.tms_minimum_seconds(-1, dosing.EXAMPLE_TMS_TRAINS["10hz"])
