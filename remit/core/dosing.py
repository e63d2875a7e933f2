"""Dose arithmetic: weight-based ketamine, esketamine devices, TMS machine output.

Everything is computed in ``decimal.Decimal`` so that a dose shown to a nurse
is exactly the number the arithmetic produced, never a binary-float artefact.
Rounding is ROUND_HALF_UP (what a person rounding by hand does) to the
precision a nurse can draw up or program:

- ketamine mg to 0.1 mg;
- volume to 0.01 mL, computed from the *rounded* mg (the mg that is charted is
  the mg that is drawn up);
- pump rate to 0.1 mL/h, computed from the rounded volume;
- TMS machine output to a whole percent, because stimulators are set in whole
  percent of maximum stimulator output (MSO).

Sources (clinical-reference.md): ketamine 0.5 mg/kg IV over 40 min (§3: Fava
2020; Williams 2018; Oliver 2022); esketamine 28 mg per device, 56 mg = 2,
84 mg = 3, doses by label phase (§4: Spravato label via MIMS/RxList,
spravatohcp.com [V]); start at 28 mg at age 65 and over (§4: MIMS HK [V2]);
TMS intensity as % of motor threshold (§5: O'Reardon 2007 120% MT [V]).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Literal

Number = Decimal | int | float

MAX_WEIGHT_KG = Decimal(400)
MG_QUANTUM = Decimal("0.1")
ML_QUANTUM = Decimal("0.01")
RATE_QUANTUM = Decimal("0.1")

ESKETAMINE_MG_PER_DEVICE = 28
ESKETAMINE_DEVICE_SOURCE = (
    "Spravato label: each nasal spray device delivers 28 mg (2 sprays); 56 mg = 2 devices, "
    "84 mg = 3 devices [V] (clinical-reference §4)"
)
ESKETAMINE_START_65_SOURCE = "MIMS HK: age 65 and over start at 28 mg [V2] (clinical-reference §4)"


class DoseError(ValueError):
    """A dose that cannot be computed or may not be given; ``field`` names the input at fault."""

    def __init__(self, field: str, message: str) -> None:
        self.field = field
        self.message = message
        super().__init__(f"{field}: {message}")


def to_decimal(field: str, value: object) -> Decimal:
    """Convert a user-supplied number to Decimal, refusing booleans, text, NaN and infinity.

    Floats go through ``str`` so 0.1 becomes Decimal("0.1"), not its binary expansion.
    """
    if isinstance(value, bool) or not isinstance(value, Decimal | int | float):
        raise DoseError(field, f"must be a number, got {value!r}")
    if isinstance(value, float) and not math.isfinite(value):
        raise DoseError(field, f"must be a finite number, got {value!r}")
    try:
        result = value if isinstance(value, Decimal) else Decimal(str(value))
    except InvalidOperation:
        raise DoseError(field, f"must be a number, got {value!r}")
    if not result.is_finite():
        raise DoseError(field, f"must be a finite number, got {value!r}")
    return result


def _positive(field: str, value: object) -> Decimal:
    number = to_decimal(field, value)
    if number <= 0:
        raise DoseError(field, f"must be greater than 0, got {number}")
    return number


# --- ketamine -------------------------------------------------------------------------------


@dataclass(frozen=True)
class KetamineDose:
    """A computed ketamine dose.

    ``rate_ml_per_h`` is None for an IM bolus (no infusion time). ``overridden``
    is True when mg/kg is above the clinic maximum and a prescriber gave
    ``override_reason``.
    """

    weight_kg: Decimal
    mg_per_kg: Decimal
    mg: Decimal
    ml: Decimal
    rate_ml_per_h: Decimal | None
    infusion_minutes: Decimal | None
    concentration_mg_per_ml: Decimal
    max_mg_per_kg: Decimal
    overridden: bool = False
    override_reason: str | None = None


def ketamine_dose(
    weight_kg: Number,
    mg_per_kg: Number,
    concentration_mg_per_ml: Number,
    infusion_minutes: Number | None,
    max_mg_per_kg: Number,
    override_reason: str | None = None,
) -> KetamineDose:
    """Weight-based ketamine dose, volume and (for IV) pump rate.

    ``infusion_minutes`` None means an IM bolus: no rate. ``max_mg_per_kg`` is
    the clinic's setting; a dose above it is refused (``DoseError`` naming
    ``mg_per_kg``) unless ``override_reason`` is a non-blank prescriber reason.
    """
    weight = _positive("weight_kg", weight_kg)
    if weight > MAX_WEIGHT_KG:
        raise DoseError("weight_kg", f"{weight} kg is above the plausible maximum of {MAX_WEIGHT_KG} kg")
    per_kg = _positive("mg_per_kg", mg_per_kg)
    concentration = _positive("concentration_mg_per_ml", concentration_mg_per_ml)
    minutes = None if infusion_minutes is None else _positive("infusion_minutes", infusion_minutes)
    maximum = _positive("max_mg_per_kg", max_mg_per_kg)

    reason = override_reason.strip() if isinstance(override_reason, str) else None
    overridden = False
    if per_kg > maximum:
        if not reason:
            raise DoseError(
                "mg_per_kg",
                f"{per_kg} mg/kg is above the clinic maximum of {maximum} mg/kg; "
                "a prescriber must give an override reason",
            )
        overridden = True

    mg = (weight * per_kg).quantize(MG_QUANTUM, rounding=ROUND_HALF_UP)
    if mg == 0:
        raise DoseError("weight_kg", f"{weight} kg x {per_kg} mg/kg rounds to 0 mg")
    ml = (mg / concentration).quantize(ML_QUANTUM, rounding=ROUND_HALF_UP)
    if ml == 0:
        raise DoseError("concentration_mg_per_ml", f"{mg} mg at {concentration} mg/mL rounds to 0 mL")
    rate = None if minutes is None else (ml * 60 / minutes).quantize(RATE_QUANTUM, rounding=ROUND_HALF_UP)
    return KetamineDose(
        weight_kg=weight,
        mg_per_kg=per_kg,
        mg=mg,
        ml=ml,
        rate_ml_per_h=rate,
        infusion_minutes=minutes,
        concentration_mg_per_ml=concentration,
        max_mg_per_kg=maximum,
        overridden=overridden,
        override_reason=reason if overridden else None,
    )


# --- esketamine -----------------------------------------------------------------------------

EsketaminePhase = Literal["induction", "maintenance_weekly", "maintenance_individualized"]
ESKETAMINE_PHASES: tuple[EsketaminePhase, ...] = (
    "induction",
    "maintenance_weekly",
    "maintenance_individualized",
)
EsketamineIndication = Literal["trd", "mdd_suicidal"]


@dataclass(frozen=True)
class EsketamineDose:
    mg: int
    devices: int
    phase: EsketaminePhase
    source: str


def esketamine_devices(dose_mg: int) -> int:
    """Number of 28 mg devices for a dose; a dose that is not a whole number of devices is refused."""
    if isinstance(dose_mg, bool) or not isinstance(dose_mg, int):
        raise DoseError("dose_mg", f"must be a whole number of mg, got {dose_mg!r}")
    if dose_mg <= 0 or dose_mg % ESKETAMINE_MG_PER_DEVICE:
        raise DoseError(
            "dose_mg",
            f"{dose_mg} mg is not a whole number of {ESKETAMINE_MG_PER_DEVICE} mg devices",
        )
    return dose_mg // ESKETAMINE_MG_PER_DEVICE


def _check_adult_age(age: int) -> None:
    if isinstance(age, bool) or not isinstance(age, int):
        raise DoseError("age", f"must be a whole number of years, got {age!r}")
    if not 18 <= age <= 130:
        raise DoseError("age", f"{age} is outside 18-130; esketamine is labelled for adults")


def esketamine_start_dose(age: int) -> int:
    """Day-1 dose in mg: 28 mg at 65 and over [V2, MIMS HK], otherwise 56 mg [V, label]."""
    _check_adult_age(age)
    return 28 if age >= 65 else 56


def esketamine_phase_for_week(week: int) -> EsketaminePhase:
    """Label phase for a treatment week counted from the first dose (week 1 = days 1-7).

    Weeks 1-4 induction (twice weekly), 5-8 weekly, 9 on weekly or every 2 weeks
    (Spravato label via MIMS/RxList [V], clinical-reference §4).
    """
    if isinstance(week, bool) or not isinstance(week, int) or week < 1:
        raise DoseError("week", f"must be a whole number from 1, got {week!r}")
    if week <= 4:
        return "induction"
    if week <= 8:
        return "maintenance_weekly"
    return "maintenance_individualized"


def esketamine_allowed_doses(
    phase: EsketaminePhase,
    *,
    age: int,
    first_dose: bool = False,
    indication: EsketamineIndication = "trd",
) -> frozenset[int]:
    """Doses (mg) the label allows for this phase.

    TRD under 65: day 1 56 mg; then 56 or 84 mg in every phase [V, label].
    65 and over: start 28 mg [V2, MIMS HK]; later doses 28, 56 or 84 mg
    [UNVERIFIED: not in the clinical reference; recalled from the US label's
    geriatric titration; confirm against the current PI].
    MDD with acute suicidal ideation: 84 mg twice weekly for 4 weeks, reducible
    to 56 mg; the label gives no maintenance phase for it [V].
    """
    _check_adult_age(age)
    if phase not in ESKETAMINE_PHASES:
        raise DoseError("phase", f"unknown esketamine phase {phase!r}")
    if indication == "mdd_suicidal":
        if phase != "induction":
            raise DoseError("phase", "the label gives no maintenance phase for MDD with suicidal ideation")
        return frozenset({56, 84})
    if indication != "trd":
        raise DoseError("indication", f"unknown indication {indication!r}")
    if age >= 65:
        return frozenset({28}) if first_dose else frozenset({28, 56, 84})
    return frozenset({56}) if first_dose else frozenset({56, 84})


def esketamine_dose(
    dose_mg: int,
    *,
    phase: EsketaminePhase,
    age: int,
    first_dose: bool = False,
    indication: EsketamineIndication = "trd",
) -> EsketamineDose:
    """Check a prescribed esketamine dose against the label and count its devices."""
    devices = esketamine_devices(dose_mg)
    allowed = esketamine_allowed_doses(phase, age=age, first_dose=first_dose, indication=indication)
    if dose_mg not in allowed:
        listed = ", ".join(str(mg) for mg in sorted(allowed))
        raise DoseError(
            "dose_mg",
            f"{dose_mg} mg is not a labelled dose here ({phase}{', first dose' if first_dose else ''}, "
            f"age {age}); allowed: {listed} mg",
        )
    return EsketamineDose(mg=dose_mg, devices=devices, phase=phase, source=ESKETAMINE_DEVICE_SOURCE)


# --- TMS ------------------------------------------------------------------------------------

MSO_QUANTUM = Decimal(1)


def tms_machine_output(motor_threshold_pct_mso: Number, intensity_pct_mt: Number) -> Decimal:
    """Stimulator setting in whole % of maximum stimulator output: MT x %MT / 100.

    Devices are set in whole percent, so the result is rounded half-up to an
    integer. A setting above 100% MSO cannot be delivered and is refused
    (``DoseError`` naming ``intensity_pct_mt``, the value the operator chose).
    Example: MT 50% MSO at 120% MT (O'Reardon 2007) gives 60% MSO.
    """
    threshold = _positive("motor_threshold_pct_mso", motor_threshold_pct_mso)
    if threshold > 100:
        raise DoseError("motor_threshold_pct_mso", f"{threshold}% is above 100% of machine output")
    intensity = _positive("intensity_pct_mt", intensity_pct_mt)
    output = (threshold * intensity / 100).quantize(MSO_QUANTUM, rounding=ROUND_HALF_UP)
    if output == 0:
        raise DoseError(
            "intensity_pct_mt", f"{intensity}% of {threshold}% MSO rounds to 0% of machine output"
        )
    if output > 100:
        raise DoseError(
            "intensity_pct_mt",
            f"{intensity}% of a motor threshold of {threshold}% MSO is {output}% of machine output; "
            "a stimulator cannot exceed 100%",
        )
    return output
