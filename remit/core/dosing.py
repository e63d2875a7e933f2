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
ESKETAMINE_MAX_DEVICES = 3


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
    """Doses (mg) the label allows for this phase, with no previous dose known.

    TRD under 65: day 1 56 mg; then 56 or 84 mg in every phase [V, label].
    65 and over: the example older-adult schedule (``EXAMPLE_OLDER_ADULT_SCHEDULE``:
    day 1 28 mg, then 28, 56 or 84 mg; MIMS HK [V2], clinical-reference §4).
    MDD with acute suicidal ideation: 84 mg twice weekly for 4 weeks, reducible
    to 56 mg; the label gives no maintenance phase for it [V].
    A session's doses, which also follow the previous dose, come from
    ``esketamine_session_doses``.
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
    rule = esketamine_session_doses(age=age, first_dose=first_dose, previous_mg=None)
    return frozenset(rule.allowed_mg)


# --- esketamine: the doses allowed at one session -------------------------------------------

EvidenceLevel = Literal["primary", "secondary", "unconfirmed"]
EVIDENCE_TEXT: dict[str, str] = {
    "primary": "checked against the label or another primary source",
    "secondary": "checked against secondary material only, so the medical director must confirm it",
    "unconfirmed": "not confirmed by any source, so the medical director must confirm it",
}

ESKETAMINE_LABEL_DOSES_SOURCE = (
    "Spravato label for adults under 65 with treatment-resistant depression: day 1 56 mg, then 56 or "
    "84 mg (clinical reference section 4: MIMS, RxList and spravatohcp.com summaries of the label)"
)
# The reference's text names the 28 mg start (MIMS HK [V2]); the later doses and the 28 mg steps are the
# schedule as the clinic asked for it, read from the same label summaries (§4, §8). Shown to people.
OLDER_ADULT_SCHEDULE_SOURCE = (
    "Spravato label as summarized by MIMS Hong Kong (clinical reference section 4): patients aged 65 "
    "and over take 28 mg on day 1, then 28, 56 or 84 mg, changed 28 mg at a time"
)


@dataclass(frozen=True)
class OlderAdultSchedule:
    """The esketamine schedule from ``from_age`` years: a protocol setting, not a constant.

    The reference rates it secondary-source only (clinical-reference §4: MIMS HK
    [V2]), so it travels with the protocol, with its source and evidence level,
    for the medical director to confirm. ``step_mg`` is the largest change from
    the previous dose.
    """

    from_age: int = 65
    first_dose_mg: int = 28
    dose_options_mg: tuple[int, ...] = (28, 56, 84)
    step_mg: int = 28
    source: str = OLDER_ADULT_SCHEDULE_SOURCE
    evidence: EvidenceLevel = "secondary"

    def validate(self, path: str) -> None:
        """Raise ``DoseError`` naming the dotted path of the first bad value."""
        for name, value, low in (
            ("from_age", self.from_age, 18),
            ("first_dose_mg", self.first_dose_mg, ESKETAMINE_MG_PER_DEVICE),
            ("step_mg", self.step_mg, ESKETAMINE_MG_PER_DEVICE),
        ):
            if isinstance(value, bool) or not isinstance(value, int) or value < low:
                raise DoseError(f"{path}.{name}", f"must be a whole number of at least {low}, got {value!r}")
        if not self.dose_options_mg:
            raise DoseError(f"{path}.dose_options_mg", "must list at least one dose")
        for i, mg in enumerate((self.first_dose_mg, *self.dose_options_mg)):
            name = "first_dose_mg" if i == 0 else f"dose_options_mg[{i - 1}]"
            if isinstance(mg, bool) or not isinstance(mg, int) or mg <= 0 or mg % ESKETAMINE_MG_PER_DEVICE:
                raise DoseError(f"{path}.{name}", f"{mg!r} mg is not a whole number of 28 mg devices")
        if self.step_mg % ESKETAMINE_MG_PER_DEVICE:
            raise DoseError(f"{path}.step_mg", f"{self.step_mg} mg is not a whole number of 28 mg devices")
        if not isinstance(self.source, str) or not self.source.strip():
            raise DoseError(f"{path}.source", "must name the source of the schedule")
        if "[" in self.source:
            raise DoseError(
                f"{path}.source", "write the source in plain words; give the evidence level apart"
            )
        if self.evidence not in EVIDENCE_TEXT:
            raise DoseError(f"{path}.evidence", f"must be one of {', '.join(EVIDENCE_TEXT)}")

    @property
    def source_text(self) -> str:
        """The source in plain words with its evidence level, for a page or a form."""
        return f"{self.source.rstrip('.')}; {EVIDENCE_TEXT[self.evidence]}."


EXAMPLE_OLDER_ADULT_SCHEDULE = OlderAdultSchedule()


@dataclass(frozen=True)
class EsketamineSessionDoses:
    """The doses allowed at one esketamine session and why, in plain words."""

    allowed_mg: tuple[int, ...]
    suggested_mg: int
    explanation: str
    source: str
    older_adult: bool


def _mg_list(doses: tuple[int, ...] | list[int]) -> str:
    words = [f"{mg} mg" for mg in sorted(doses)]
    return words[0] if len(words) == 1 else ", ".join(words[:-1]) + " or " + words[-1]


def esketamine_session_doses(
    *,
    age: int,
    first_dose: bool,
    previous_mg: int | None,
    dose_options_mg: tuple[int, ...] = (56, 84),
    first_dose_mg: int | None = 56,
    older_adults: OlderAdultSchedule | None = EXAMPLE_OLDER_ADULT_SCHEDULE,
) -> EsketamineSessionDoses:
    """The esketamine doses (mg) allowed at one session of treatment-resistant depression.

    ``age`` is the patient's age on the day of the session; ``first_dose`` is
    True for day 1 (the first session of an induction course at which a dose
    is given); ``previous_mg`` is the last dose the patient was given, if any.
    ``dose_options_mg`` / ``first_dose_mg`` are the protocol's doses below the
    older-adult age, ``older_adults`` its older-adult schedule (None: the
    example schedule still applies, never the under-65 doses).

    - Under 65 (Spravato label, clinical-reference §4 [V]: MIMS/RxList,
      spravatohcp.com): day 1 56 mg, then 56 or 84 mg.
    - 65 and over (clinical-reference §4: MIMS HK [V2], a protocol setting):
      day 1 28 mg, then 28, 56 or 84 mg, each change at most 28 mg from the
      previous dose.
    """
    _check_adult_age(age)
    if previous_mg is not None:
        esketamine_devices(previous_mg)
    schedule = older_adults or EXAMPLE_OLDER_ADULT_SCHEDULE
    if age >= schedule.from_age:
        if first_dose:
            allowed: tuple[int, ...] = (schedule.first_dose_mg,)
            explanation = f"Age {age}, day 1 of treatment: {schedule.first_dose_mg} mg."
        else:
            options = tuple(sorted(set(schedule.dose_options_mg)))
            if previous_mg is not None:
                within = tuple(mg for mg in options if abs(mg - previous_mg) <= schedule.step_mg)
                allowed = within or (min(options, key=lambda mg: abs(mg - previous_mg)),)
                explanation = (
                    f"Age {age}: {_mg_list(options)}, changed at most {schedule.step_mg} mg from the "
                    f"previous dose of {previous_mg} mg, so {_mg_list(allowed)}."
                )
            else:
                allowed = options
                explanation = f"Age {age}: {_mg_list(options)}."
        return EsketamineSessionDoses(
            allowed_mg=allowed,
            suggested_mg=previous_mg if previous_mg in allowed else allowed[0],
            explanation=explanation,
            source=schedule.source_text,
            older_adult=True,
        )
    if first_dose:
        start = first_dose_mg if first_dose_mg is not None else 56
        allowed = (start,)
        explanation = f"Age {age}, day 1 of treatment: {start} mg."
    else:
        allowed = tuple(sorted(set(dose_options_mg)))
        explanation = f"Age {age}: {_mg_list(allowed)}."
    return EsketamineSessionDoses(
        allowed_mg=allowed,
        suggested_mg=previous_mg if previous_mg in allowed else allowed[0],
        explanation=explanation,
        source=ESKETAMINE_LABEL_DOSES_SOURCE + "; " + EVIDENCE_TEXT["primary"] + ".",
        older_adult=False,
    )


@dataclass(frozen=True)
class CheckedEsketamineDose:
    mg: int
    devices: int
    overridden: bool
    override_reason: str | None


def check_esketamine_session_dose(
    dose_mg: int, doses: EsketamineSessionDoses, *, override_reason: str | None = None
) -> CheckedEsketamineDose:
    """Accept an allowed dose; any other needs a prescriber's written override reason.

    ``DoseError`` naming ``dose_mg`` for a dose that is not whole devices or
    more than three devices (84 mg, the largest labelled dose), or one outside
    ``doses`` without a reason. Checking that the reason comes from a
    prescriber is the caller's job.
    """
    devices = esketamine_devices(dose_mg)
    if devices > ESKETAMINE_MAX_DEVICES:
        largest = ESKETAMINE_MAX_DEVICES * ESKETAMINE_MG_PER_DEVICE
        raise DoseError(
            "dose_mg",
            f"{dose_mg} mg is more than {ESKETAMINE_MAX_DEVICES} devices ({largest} mg), "
            "the largest labelled dose",
        )
    reason = override_reason.strip() if isinstance(override_reason, str) else ""
    if dose_mg in doses.allowed_mg:
        return CheckedEsketamineDose(mg=dose_mg, devices=devices, overridden=False, override_reason=None)
    if not reason:
        raise DoseError(
            "dose_mg",
            f"{dose_mg} mg is not an allowed dose for this session. {doses.explanation} "
            "Another dose needs a prescriber's override with a written reason.",
        )
    return CheckedEsketamineDose(mg=dose_mg, devices=devices, overridden=True, override_reason=reason)


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


# --- TMS: how long the delivered pulses take at least ------------------------------------------------

THETA_BURST_PULSES = 3  # theta burst: triplets at 50 Hz (clinical-reference §5 [V2])


@dataclass(frozen=True)
class TmsTrains:
    """A TMS pattern's trains: pulses at ``frequency_hz`` in trains of ``pulses_per_train``, a pause of
    ``inter_train_interval_s`` between trains; theta burst groups pulses in triplets repeated at
    ``burst_frequency_hz``."""

    frequency_hz: Decimal
    pulses_per_train: int
    inter_train_interval_s: Decimal
    burst_frequency_hz: Decimal | None = None


# Train parameters when a protocol gives none (clinical-reference §5):
# - 10 Hz: 4 s trains (40 pulses) [V2]; 26 s between trains in the 37.5-minute protocol, 11 s in the
#   "19-minute" variant [V2]. The minimum uses 11 s, the shortest published, so that only what no
#   published protocol can deliver is refused (3000 pulses: at least 18 min 34 s).
# - iTBS: 2 s on (10 triplets = 30 pulses) / 8 s off: [UNVERIFIED], an example value a protocol sets
#   (600 pulses: at least 3 min 12 s; THREE-D, Blumberger 2018: sessions of about 3 minutes [V]).
EXAMPLE_TMS_TRAINS: dict[str, TmsTrains] = {
    "10hz": TmsTrains(Decimal(10), 40, Decimal(11)),
    "itbs": TmsTrains(Decimal(50), 30, Decimal(8), burst_frequency_hz=Decimal(5)),
}


def _train_seconds(pulses: int, trains: TmsTrains) -> Decimal:
    if trains.burst_frequency_hz is None:
        # n pulses at f Hz take n / f seconds (one period per pulse).
        return Decimal(pulses) / trains.frequency_hz
    bursts = -(-pulses // THETA_BURST_PULSES)
    return Decimal(bursts) / trains.burst_frequency_hz


def tms_minimum_seconds(pulses: int, trains: TmsTrains) -> Decimal:
    """The least time ``pulses`` take in this pattern: every train, and the pauses between them.

    Example: 600 iTBS pulses in 20 trains of 2 s with 19 pauses of 8 s take 192 s (3 min 12 s).
    """
    if isinstance(pulses, bool) or not isinstance(pulses, int) or pulses < 0:
        raise DoseError("pulses_delivered", f"must be a whole number of pulses from 0, got {pulses!r}")
    if trains.pulses_per_train < 1 or trains.frequency_hz <= 0 or trains.inter_train_interval_s < 0:
        raise DoseError("pulses_per_train", "the pattern's trains must have pulses and a positive frequency")
    if pulses == 0:
        return Decimal(0)
    full, rest = divmod(pulses, trains.pulses_per_train)
    count = full + (1 if rest else 0)
    on = full * _train_seconds(trains.pulses_per_train, trains) + (
        _train_seconds(rest, trains) if rest else 0
    )
    return on + (count - 1) * trains.inter_train_interval_s


def minutes_seconds(seconds: Decimal) -> str:
    """``192`` → "3 min 12 s" (whole seconds, rounded up: a minimum is never understated)."""
    total = math.ceil(seconds)
    minutes, secs = divmod(total, 60)
    if not minutes:
        return f"{secs} s"
    return f"{minutes} min {secs} s" if secs else f"{minutes} min"
