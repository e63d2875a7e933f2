"""Dose arithmetic: ketamine mg/mL/mL-per-hour, esketamine devices and label doses, TMS output."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from remit.core.dosing import (
    ESKETAMINE_PHASES,
    DoseError,
    KetamineDose,
    esketamine_allowed_doses,
    esketamine_devices,
    esketamine_dose,
    esketamine_phase_for_week,
    esketamine_start_dose,
    ketamine_dose,
    tms_machine_output,
)

weights = st.decimals(min_value=Decimal("20"), max_value=Decimal("200"), places=1)
per_kg = st.decimals(min_value=Decimal("0.1"), max_value=Decimal("1.0"), places=2)


def _standard(weight: object, **overrides: object) -> KetamineDose:
    arguments: dict[str, object] = {
        "weight_kg": weight,
        "mg_per_kg": Decimal("0.5"),
        "concentration_mg_per_ml": Decimal("10"),
        "infusion_minutes": 40,
        "max_mg_per_kg": Decimal("1.0"),
    }
    arguments.update(overrides)
    return ketamine_dose(**arguments)  # type: ignore[arg-type]


# --- ketamine ------------------------------------------------------------------------------


def test_standard_infusion_for_70_kg_is_35_mg_3_5_ml_at_5_3_ml_per_hour() -> None:
    """0.5 mg/kg IV over 40 minutes (Fava 2020; Williams 2018; Oliver 2022; clinical-reference §3).

    70 kg x 0.5 = 35 mg; at 10 mg/mL that is 3.5 mL; 3.5 mL over 40 min = 5.25 mL/h, shown as 5.3.
    """
    dose = ketamine_dose(70, Decimal("0.5"), 10, 40, Decimal("1.0"))
    assert (dose.mg, dose.ml, dose.rate_ml_per_h) == (Decimal("35.0"), Decimal("3.50"), Decimal("5.3"))
    assert dose.overridden is False and dose.override_reason is None


def test_mg_rounds_half_up_to_a_tenth_and_volume_comes_from_the_rounded_mg() -> None:
    """73.3 kg x 0.5 = 36.65 -> 36.7 mg; 36.7 / 50 = 0.734 -> 0.73 mL; 0.73 x 60 / 40 = 1.095 -> 1.1 mL/h."""
    dose = ketamine_dose(Decimal("73.3"), Decimal("0.5"), 50, 40, Decimal("1.0"))
    assert (dose.mg, dose.ml, dose.rate_ml_per_h) == (Decimal("36.7"), Decimal("0.73"), Decimal("1.1"))


def test_a_float_weight_is_read_as_the_number_typed_not_its_binary_expansion() -> None:
    dose = ketamine_dose(80.1, 0.5, 10, 40, 1)
    assert dose.weight_kg == Decimal("80.1")
    assert dose.mg == Decimal("40.1")  # 40.05 rounds half up


def test_an_im_bolus_has_a_volume_but_no_pump_rate() -> None:
    dose = ketamine_dose(60, Decimal("0.5"), 50, None, Decimal("1.0"))
    assert dose.mg == Decimal("30.0") and dose.ml == Decimal("0.60")
    assert dose.rate_ml_per_h is None and dose.infusion_minutes is None


@pytest.mark.parametrize(
    "weight", [0, -1, Decimal("400.1"), 1000, float("nan"), float("inf"), True, "70", None]
)
def test_an_impossible_weight_is_refused_naming_weight_kg(weight: object) -> None:
    with pytest.raises(DoseError) as caught:
        _standard(weight)
    assert caught.value.field == "weight_kg"


def test_400_kg_is_the_heaviest_weight_accepted() -> None:
    assert ketamine_dose(400, Decimal("0.5"), 10, 40, 1).mg == Decimal("200.0")


@pytest.mark.parametrize(
    ("name", "value"),
    [("mg_per_kg", 0), ("concentration_mg_per_ml", 0), ("infusion_minutes", 0), ("max_mg_per_kg", -1)],
)
def test_a_zero_or_negative_input_is_refused_naming_its_field(name: str, value: object) -> None:
    with pytest.raises(DoseError) as caught:
        _standard(70, **{name: value})
    assert caught.value.field == name


def test_a_dose_above_the_clinic_maximum_is_refused_without_an_override() -> None:
    """Hard stop above the clinic's maximum mg/kg unless a prescriber overrides with a reason."""
    with pytest.raises(DoseError) as caught:
        _standard(70, mg_per_kg=Decimal("1.1"))
    assert caught.value.field == "mg_per_kg"


@pytest.mark.parametrize("reason", ["", "   ", None])
def test_a_blank_override_reason_does_not_lift_the_hard_stop(reason: str | None) -> None:
    with pytest.raises(DoseError):
        _standard(70, mg_per_kg=Decimal("1.1"), override_reason=reason)


def test_an_override_with_a_reason_allows_the_dose_and_is_marked() -> None:
    dose = ketamine_dose(70, Decimal("1.1"), 10, 40, Decimal("1.0"), override_reason=" partial response ")
    assert dose.overridden is True and dose.override_reason == "partial response"
    assert dose.mg == Decimal("77.0")


def test_a_dose_exactly_at_the_maximum_needs_no_override() -> None:
    assert ketamine_dose(70, Decimal("1.0"), 10, 40, Decimal("1.0")).overridden is False


def test_an_override_reason_on_a_dose_within_the_maximum_is_not_recorded_as_an_override() -> None:
    dose = _standard(70, override_reason="not needed")
    assert dose.overridden is False and dose.override_reason is None


@settings(max_examples=60)
@given(weight=weights, mg_per_kg=per_kg)
def test_the_dose_is_weight_times_mg_per_kg_within_rounding(weight: Decimal, mg_per_kg: Decimal) -> None:
    dose = ketamine_dose(weight, mg_per_kg, 10, 40, Decimal("1.0"))
    assert abs(dose.mg - weight * mg_per_kg) <= Decimal("0.05")
    assert abs(dose.ml * 10 - dose.mg) <= Decimal("0.05")


@settings(max_examples=60)
@given(weight=st.decimals(min_value=Decimal("20"), max_value=Decimal("200"), places=1), mg_per_kg=per_kg)
def test_doubling_the_weight_doubles_the_dose(weight: Decimal, mg_per_kg: Decimal) -> None:
    single = ketamine_dose(weight, mg_per_kg, 10, 40, Decimal("1.0")).mg
    double = ketamine_dose(weight * 2, mg_per_kg, 10, 40, Decimal("1.0")).mg
    assert abs(double - 2 * single) <= Decimal("0.1")


@settings(max_examples=60)
@given(
    weight=weights,
    mg_per_kg=st.decimals(min_value=Decimal("0.1"), max_value=Decimal("3"), places=2),
    maximum=st.decimals(min_value=Decimal("0.1"), max_value=Decimal("2"), places=2),
)
def test_a_dose_never_exceeds_the_maximum_without_an_override(
    weight: Decimal, mg_per_kg: Decimal, maximum: Decimal
) -> None:
    try:
        dose = ketamine_dose(weight, mg_per_kg, 10, 40, maximum)
    except DoseError as error:
        assert error.field == "mg_per_kg" and mg_per_kg > maximum
    else:
        assert dose.mg <= weight * maximum + Decimal("0.05")


# --- esketamine ----------------------------------------------------------------------------


@pytest.mark.parametrize(("mg", "devices"), [(28, 1), (56, 2), (84, 3)])
def test_each_device_delivers_28_mg(mg: int, devices: int) -> None:
    """Spravato label: 28 mg per device; 56 mg = 2 devices, 84 mg = 3 (clinical-reference §4 [V])."""
    assert esketamine_devices(mg) == devices


@pytest.mark.parametrize("mg", [0, -28, 30, 70, 100, 56.0, True])
def test_a_dose_that_is_not_whole_devices_is_refused_naming_dose_mg(mg: object) -> None:
    with pytest.raises(DoseError) as caught:
        esketamine_devices(mg)  # type: ignore[arg-type]
    assert caught.value.field == "dose_mg"


@settings(max_examples=30)
@given(devices=st.integers(min_value=1, max_value=20))
def test_devices_times_28_is_the_dose(devices: int) -> None:
    assert esketamine_devices(devices * 28) == devices


@pytest.mark.parametrize(("age", "mg"), [(18, 56), (64, 56), (65, 28), (90, 28)])
def test_the_start_dose_is_28_mg_from_age_65_and_56_mg_below(age: int, mg: int) -> None:
    """Label day-1 56 mg [V]; age 65 and over start at 28 mg (MIMS HK [V2]); clinical-reference §4."""
    assert esketamine_start_dose(age) == mg


@pytest.mark.parametrize("age", [17, 0, 131, 64.5])
def test_a_non_adult_or_impossible_age_is_refused_naming_age(age: object) -> None:
    with pytest.raises(DoseError) as caught:
        esketamine_start_dose(age)  # type: ignore[arg-type]
    assert caught.value.field == "age"


@pytest.mark.parametrize(
    ("week", "phase"),
    [(1, "induction"), (4, "induction"), (5, "maintenance_weekly"), (8, "maintenance_weekly")]
    + [(9, "maintenance_individualized"), (52, "maintenance_individualized")],
)
def test_label_phases_are_weeks_1_to_4_5_to_8_and_9_on(week: int, phase: str) -> None:
    """Spravato label: induction weeks 1-4, weekly weeks 5-8, week 9 on individualized (§4 [V])."""
    assert esketamine_phase_for_week(week) == phase


def test_under_65_the_first_dose_is_56_mg_only_and_later_doses_56_or_84() -> None:
    """Label TRD adults <65: day 1 56 mg, then 56 or 84 mg (clinical-reference §4 [V])."""
    assert esketamine_allowed_doses("induction", age=40, first_dose=True) == {56}
    for phase in ESKETAMINE_PHASES:
        assert esketamine_allowed_doses(phase, age=40) == {56, 84}


def test_84_mg_on_day_1_under_65_is_refused_naming_dose_mg() -> None:
    with pytest.raises(DoseError) as caught:
        esketamine_dose(84, phase="induction", age=40, first_dose=True)
    assert caught.value.field == "dose_mg"


def test_28_mg_is_a_labelled_dose_only_from_65() -> None:
    """MIMS HK [V2]: 28 mg start at 65 and over; not a TRD dose below 65 (label [V])."""
    assert esketamine_dose(28, phase="induction", age=70, first_dose=True).devices == 1
    with pytest.raises(DoseError):
        esketamine_dose(28, phase="induction", age=40)


def test_84_mg_twice_weekly_is_allowed_for_suicidal_ideation_without_a_maintenance_phase() -> None:
    """Label: MDD with acute suicidal ideation 84 mg twice weekly for 4 weeks, reducible to 56 (§4 [V])."""
    assert (
        esketamine_dose(84, phase="induction", age=40, indication="mdd_suicidal", first_dose=True).devices
        == 3
    )
    with pytest.raises(DoseError) as caught:
        esketamine_allowed_doses("maintenance_weekly", age=40, indication="mdd_suicidal")
    assert caught.value.field == "phase"


# --- TMS ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("threshold", "intensity", "output"),
    [(50, 120, 60), (55, 120, 66), (47, 120, 56), (57, 110, 63), (50, 125, 63), (60, 90, 54)],
)
def test_machine_output_is_mt_times_percent_mt_rounded_half_up_to_whole_percent(
    threshold: int, intensity: int, output: int
) -> None:
    """O'Reardon 2007: intensity 120% of motor threshold (clinical-reference §5 [V]); 47 x 1.2 = 56.4 -> 56."""
    assert tms_machine_output(threshold, intensity) == Decimal(output)


def test_an_output_above_100_percent_is_impossible_and_names_intensity_pct_mt() -> None:
    with pytest.raises(DoseError) as caught:
        tms_machine_output(90, 120)  # 108% MSO
    assert caught.value.field == "intensity_pct_mt"


@pytest.mark.parametrize("threshold", [0, -5, 101, "50"])
def test_an_impossible_motor_threshold_is_refused(threshold: object) -> None:
    with pytest.raises(DoseError) as caught:
        tms_machine_output(threshold, 120)  # type: ignore[arg-type]
    assert caught.value.field == "motor_threshold_pct_mso"


@settings(max_examples=60)
@given(threshold=st.integers(min_value=20, max_value=100), intensity=st.integers(min_value=50, max_value=140))
def test_machine_output_is_within_half_a_percent_of_exact_and_never_above_100(
    threshold: int, intensity: int
) -> None:
    exact = Decimal(threshold * intensity) / 100
    try:
        output = tms_machine_output(threshold, intensity)
    except DoseError:
        assert exact >= Decimal("100.5")
    else:
        assert abs(output - exact) <= Decimal("0.5") and output <= 100
        assert output == output.to_integral_value()
