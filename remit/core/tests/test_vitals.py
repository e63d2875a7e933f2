"""Vital signs: impossible values, clinic thresholds, esketamine BP rise, vitals due, monitoring time."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from remit.core.vitals import (
    ESKETAMINE_PREDOSE_CAUTION,
    EXAMPLE_KETAMINE_THRESHOLDS,
    PLAUSIBLE_RANGES,
    VITAL_FIELDS,
    MonitoringMinimums,
    VitalsError,
    VitalsReading,
    VitalThresholds,
    check_vitals,
    esketamine_bp_rise,
    minimum_monitoring_met,
    next_vitals_due,
    validate_vitals,
)

START = dt.datetime(2025, 1, 6, 9, 0, tzinfo=dt.UTC)


# --- plausibility --------------------------------------------------------------------------


def test_bp_300_over_20_is_refused_naming_systolic() -> None:
    """BP 300/20 gets a message naming the field."""
    with pytest.raises(VitalsError) as caught:
        validate_vitals(systolic=300, diastolic=20)
    assert caught.value.field == "systolic"


@pytest.mark.parametrize(
    ("values", "field"),
    [
        ({"systolic": 49, "diastolic": 30}, "systolic"),
        ({"systolic": 120, "diastolic": 19}, "diastolic"),
        ({"systolic": 120, "diastolic": 181}, "diastolic"),
        ({"systolic": 100, "diastolic": 100}, "diastolic"),
        ({"heart_rate": 19}, "heart_rate"),
        ({"heart_rate": 251}, "heart_rate"),
        ({"spo2": 101}, "spo2"),
        ({"spo2": 49}, "spo2"),
        ({"respiratory_rate": 3}, "respiratory_rate"),
        ({"respiratory_rate": 61}, "respiratory_rate"),
        ({"systolic": 120}, "diastolic"),
        ({"diastolic": 80}, "systolic"),
        ({"heart_rate": 72.5}, "heart_rate"),
        ({"spo2": "98"}, "spo2"),
        ({"heart_rate": True}, "heart_rate"),
    ],
)
def test_an_impossible_reading_is_refused_naming_the_field(values: dict[str, object], field: str) -> None:
    with pytest.raises(VitalsError) as caught:
        validate_vitals(**values)
    assert caught.value.field == field


def test_the_edges_of_the_plausible_ranges_are_accepted() -> None:
    low = validate_vitals(systolic=50, diastolic=20, heart_rate=20, spo2=50, respiratory_rate=4)
    high = validate_vitals(systolic=280, diastolic=179, heart_rate=250, spo2=100, respiratory_rate=60)
    assert low.systolic == 50 and high.spo2 == 100


@settings(max_examples=60)
@given(
    name=st.sampled_from(VITAL_FIELDS),
    offset=st.integers(1, 500),
    above=st.booleans(),
)
def test_any_value_outside_its_plausible_range_is_refused_naming_that_field(
    name: str, offset: int, above: bool
) -> None:
    low, high = PLAUSIBLE_RANGES[name]  # type: ignore[index]
    values: dict[str, object] = (
        {"systolic": 150, "diastolic": 60} if name in ("systolic", "diastolic") else {}
    )
    values[name] = high + offset if above else low - offset
    with pytest.raises(VitalsError) as caught:
        validate_vitals(**values)
    assert caught.value.field == name


# --- thresholds ----------------------------------------------------------------------------


def test_the_shipped_ketamine_thresholds_are_labelled_examples_with_their_sources() -> None:
    """Clinical-reference §8: no authoritative IV ketamine hold/stop numbers; example values labelled."""
    assert EXAMPLE_KETAMINE_THRESHOLDS.is_example
    assert (
        "EXAMPLE" in EXAMPLE_KETAMINE_THRESHOLDS.source
        and "Del Sant 2020" in EXAMPLE_KETAMINE_THRESHOLDS.source
    )


def test_a_reading_above_a_high_limit_breaches_and_one_at_it_does_not() -> None:
    """Example high of 180 systolic follows Del Sant 2020's SBP >180 (clinical-reference §3 [V])."""
    at_limit = validate_vitals(systolic=180, diastolic=110, heart_rate=120)
    assert check_vitals(at_limit, EXAMPLE_KETAMINE_THRESHOLDS) == ()
    (breach,) = check_vitals(validate_vitals(systolic=181, diastolic=100), EXAMPLE_KETAMINE_THRESHOLDS)
    assert (breach.field, breach.value, breach.limit, breach.direction) == ("systolic", 181, 180, "above")


def test_a_low_spo2_breaches_below_and_every_breach_is_reported_in_field_order() -> None:
    reading = validate_vitals(systolic=200, diastolic=120, heart_rate=45, spo2=88, respiratory_rate=6)
    breaches = check_vitals(reading, EXAMPLE_KETAMINE_THRESHOLDS)
    assert [(b.field, b.direction) for b in breaches] == [
        ("systolic", "above"),
        ("diastolic", "above"),
        ("heart_rate", "below"),
        ("spo2", "below"),
        ("respiratory_rate", "below"),
    ]


def test_missing_values_and_unset_limits_are_not_checked() -> None:
    assert check_vitals(VitalsReading(), EXAMPLE_KETAMINE_THRESHOLDS) == ()
    assert check_vitals(validate_vitals(heart_rate=200), VitalThresholds(source="clinic")) == ()


def test_esketamine_pre_dose_caution_is_above_140_over_90() -> None:
    """Spravato PI via secondary summary: weigh benefit if BP > 140/90 (clinical-reference §8 [V2])."""
    assert check_vitals(validate_vitals(systolic=140, diastolic=90), ESKETAMINE_PREDOSE_CAUTION) == ()
    breaches = check_vitals(validate_vitals(systolic=141, diastolic=91), ESKETAMINE_PREDOSE_CAUTION)
    assert [b.field for b in breaches] == ["systolic", "diastolic"]


def test_thresholds_with_a_low_above_the_high_are_refused() -> None:
    with pytest.raises(VitalsError) as caught:
        VitalThresholds(source="clinic", heart_rate_low=130, heart_rate_high=120)
    assert caught.value.field == "heart_rate_low"


def test_thresholds_without_a_source_are_refused() -> None:
    with pytest.raises(VitalsError) as caught:
        VitalThresholds(source=" ")
    assert caught.value.field == "source"


@settings(max_examples=60)
@given(value=st.integers(50, 100), limit=st.integers(50, 100))
def test_spo2_breaches_exactly_when_below_the_limit(value: int, limit: int) -> None:
    breaches = check_vitals(validate_vitals(spo2=value), VitalThresholds(source="clinic", spo2_low=limit))
    assert bool(breaches) == (value < limit)


# --- esketamine BP rise --------------------------------------------------------------------


def test_a_systolic_rise_of_40_is_a_breach_and_39_is_not() -> None:
    """Spravato label: rise of >=40 mmHg systolic and/or >=25 diastolic (clinical-reference §4 [V])."""
    before = validate_vitals(systolic=120, diastolic=80)
    assert esketamine_bp_rise(before, validate_vitals(systolic=159, diastolic=104)) == ()
    (breach,) = esketamine_bp_rise(before, validate_vitals(systolic=160, diastolic=90))
    assert (breach.field, breach.value, breach.limit, breach.direction) == ("systolic", 40, 40, "rise")


def test_a_diastolic_rise_of_25_is_a_breach() -> None:
    """Spravato label: >=25 mmHg diastolic rise (clinical-reference §4 [V])."""
    (breach,) = esketamine_bp_rise(
        validate_vitals(systolic=120, diastolic=80), validate_vitals(systolic=130, diastolic=105)
    )
    assert (breach.field, breach.value) == ("diastolic", 25)


def test_a_rise_check_needs_a_pre_dose_blood_pressure() -> None:
    with pytest.raises(VitalsError) as caught:
        esketamine_bp_rise(VitalsReading(), validate_vitals(systolic=130, diastolic=80))
    assert caught.value.field == "pre_dose.systolic"


# --- timing --------------------------------------------------------------------------------


def test_next_vitals_are_due_15_minutes_after_the_last_by_default() -> None:
    """ "Next vitals due" at the clinic's interval, default every 15 minutes."""
    assert next_vitals_due(START) == START + dt.timedelta(minutes=15)
    assert next_vitals_due(START, interval_minutes=5) == START + dt.timedelta(minutes=5)


@pytest.mark.parametrize("interval", [0, -15, 7.5])
def test_a_non_positive_vitals_interval_is_refused(interval: object) -> None:
    with pytest.raises(VitalsError) as caught:
        next_vitals_due(START, interval_minutes=interval)  # type: ignore[arg-type]
    assert caught.value.field == "interval_minutes"


def test_esketamine_monitoring_is_not_met_at_119_minutes_and_is_at_120() -> None:
    """Spravato REMS: observe at least 2 hours (clinical-reference §4 [V])."""
    assert not minimum_monitoring_met("esketamine", START, START + dt.timedelta(minutes=119, seconds=59))
    assert minimum_monitoring_met("esketamine", START, START + dt.timedelta(minutes=120))


def test_esketamine_minimum_ignores_a_clinic_setting_lower_than_the_rems() -> None:
    short = MonitoringMinimums(ketamine_iv_minutes=30, ketamine_im_minutes=30)
    assert not minimum_monitoring_met("esketamine", START, START + dt.timedelta(minutes=60), short)


def test_ketamine_monitoring_follows_the_clinic_setting() -> None:
    """No IV ketamine standard (clinical-reference §3 [UNVERIFIED]): a clinic setting, example default 120."""
    at_60 = START + dt.timedelta(minutes=60)
    assert not minimum_monitoring_met("ketamine_iv", START, at_60)
    assert minimum_monitoring_met("ketamine_iv", START, at_60, MonitoringMinimums(ketamine_iv_minutes=60))
    assert minimum_monitoring_met("tms", START, START)


def test_a_now_before_the_start_is_refused_naming_now() -> None:
    with pytest.raises(VitalsError) as caught:
        minimum_monitoring_met("esketamine", START, START - dt.timedelta(minutes=1))
    assert caught.value.field == "now"


def test_mixing_aware_and_naive_times_is_refused() -> None:
    with pytest.raises(VitalsError):
        minimum_monitoring_met("esketamine", START, dt.datetime(2025, 1, 6, 12, 0))


def test_a_negative_monitoring_minimum_is_refused_naming_it() -> None:
    with pytest.raises(VitalsError) as caught:
        MonitoringMinimums(ketamine_im_minutes=-1)
    assert caught.value.field == "ketamine_im_minutes"
