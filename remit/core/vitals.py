"""Vital signs: plausibility checks, clinic thresholds, the esketamine BP-rise rule, monitoring time.

Two different kinds of limit live here and must not be confused:

- ``PLAUSIBLE_RANGES`` reject values that cannot be a real reading (typing
  errors such as BP 300/20). They are Remit's data-entry limits, not
  clinical thresholds: systolic 50-280, diastolic 20-180 and below the
  systolic, heart rate 20-250, SpO2 50-100, respiratory rate 4-60.
- ``VitalThresholds`` are a clinic's hold/stop limits. No authoritative
  numbers exist for IV ketamine (clinical-reference §3 and §8 [UNVERIFIED]),
  so they are clinic settings; the shipped instances are *examples* that the
  medical director must confirm (``is_example=True``).

A limit is the last acceptable value: a reading breaches a high limit when
it is above it and a low limit when it is below it.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, fields
from typing import Literal

from remit.core.modality import MODALITIES, Modality

VitalField = Literal["systolic", "diastolic", "heart_rate", "spo2", "respiratory_rate"]
VITAL_FIELDS: tuple[VitalField, ...] = ("systolic", "diastolic", "heart_rate", "spo2", "respiratory_rate")
Direction = Literal["above", "below", "rise"]

PLAUSIBLE_RANGES: dict[VitalField, tuple[int, int]] = {
    "systolic": (50, 280),
    "diastolic": (20, 180),
    "heart_rate": (20, 250),
    "spo2": (50, 100),
    "respiratory_rate": (4, 60),
}
PLAUSIBLE_RANGES_SOURCE = "Remit data-entry plausibility limits (not clinical thresholds)"

_UNITS: dict[VitalField, str] = {
    "systolic": "mmHg",
    "diastolic": "mmHg",
    "heart_rate": "/min",
    "spo2": "%",
    "respiratory_rate": "/min",
}


class VitalsError(ValueError):
    """An impossible or malformed vital sign; ``field`` names it."""

    def __init__(self, field: str, message: str) -> None:
        self.field = field
        self.message = message
        super().__init__(f"{field}: {message}")


@dataclass(frozen=True)
class VitalsReading:
    """One set of vitals; any value may be absent, but BP is a pair."""

    systolic: int | None = None
    diastolic: int | None = None
    heart_rate: int | None = None
    spo2: int | None = None
    respiratory_rate: int | None = None

    def value(self, name: VitalField) -> int | None:
        value: int | None = getattr(self, name)
        return value


def validate_vitals(
    *,
    systolic: object = None,
    diastolic: object = None,
    heart_rate: object = None,
    spo2: object = None,
    respiratory_rate: object = None,
) -> VitalsReading:
    """Check a reading is physically possible and return it; ``VitalsError`` names the first bad field."""
    given: dict[VitalField, object] = {
        "systolic": systolic,
        "diastolic": diastolic,
        "heart_rate": heart_rate,
        "spo2": spo2,
        "respiratory_rate": respiratory_rate,
    }
    values: dict[VitalField, int | None] = {}
    for name in VITAL_FIELDS:
        value = given[name]
        if value is None:
            values[name] = None
            continue
        if isinstance(value, bool) or not isinstance(value, int):
            raise VitalsError(name, f"must be a whole number, got {value!r}")
        low, high = PLAUSIBLE_RANGES[name]
        if not low <= value <= high:
            raise VitalsError(name, f"{value} {_UNITS[name]} is not a possible reading ({low}-{high})")
        values[name] = value
    if (values["systolic"] is None) != (values["diastolic"] is None):
        missing = "systolic" if values["systolic"] is None else "diastolic"
        raise VitalsError(missing, "blood pressure needs both systolic and diastolic")
    if values["systolic"] is not None and values["diastolic"] is not None:
        if values["diastolic"] >= values["systolic"]:
            raise VitalsError("diastolic", "must be below the systolic pressure")
    return VitalsReading(
        systolic=values["systolic"],
        diastolic=values["diastolic"],
        heart_rate=values["heart_rate"],
        spo2=values["spo2"],
        respiratory_rate=values["respiratory_rate"],
    )


@dataclass(frozen=True)
class VitalThresholds:
    """A clinic's alert limits; None means the value is not checked.

    ``is_example`` marks values shipped as examples, to be confirmed by the
    medical director before use; ``source`` says where each number came from.
    """

    source: str
    is_example: bool = True
    systolic_high: int | None = None
    systolic_low: int | None = None
    diastolic_high: int | None = None
    diastolic_low: int | None = None
    heart_rate_high: int | None = None
    heart_rate_low: int | None = None
    spo2_low: int | None = None
    respiratory_rate_high: int | None = None
    respiratory_rate_low: int | None = None

    def __post_init__(self) -> None:
        if not isinstance(self.source, str) or not self.source.strip():
            raise VitalsError("source", "every threshold set names its source")
        for item in fields(self):
            if item.name in ("source", "is_example"):
                continue
            value = getattr(self, item.name)
            if value is not None and (isinstance(value, bool) or not isinstance(value, int)):
                raise VitalsError(item.name, f"must be a whole number or empty, got {value!r}")
        for name in ("systolic", "diastolic", "heart_rate", "respiratory_rate"):
            low, high = getattr(self, f"{name}_low"), getattr(self, f"{name}_high")
            if low is not None and high is not None and low >= high:
                raise VitalsError(f"{name}_low", f"must be below {name}_high")

    def limits(self, name: VitalField) -> tuple[int | None, int | None]:
        low: int | None = getattr(self, f"{name}_low", None)
        high: int | None = getattr(self, f"{name}_high", None)
        return low, high


EXAMPLE_KETAMINE_THRESHOLDS = VitalThresholds(
    source=(
        "EXAMPLE values, to be confirmed by the medical director: no authoritative IV ketamine hold/stop "
        "numbers exist (clinical-reference §3, §8 [UNVERIFIED]). Highs follow examples seen: SBP >180 "
        "and/or DBP >110 as transient hypertension (Del Sant 2020 [V]); BP >180/110 and HR >120 in one "
        "academic clinic protocol (studentdoctor.net [V2]). Lows, SpO2 and respiratory limits are "
        "Remit's examples [UNVERIFIED]."
    ),
    is_example=True,
    systolic_high=180,
    systolic_low=90,
    diastolic_high=110,
    diastolic_low=50,
    heart_rate_high=120,
    heart_rate_low=50,
    spo2_low=92,
    respiratory_rate_high=24,
    respiratory_rate_low=8,
)

ESKETAMINE_PREDOSE_CAUTION = VitalThresholds(
    source=(
        "Spravato PI as quoted by a secondary summary [V2] (clinical-reference §4, §8): if BP is elevated, "
        "e.g. >140 systolic or >90 diastolic, weigh the short-term rise against benefit; the label sets no "
        "hard withhold number, so a breach here is a caution for the prescriber, not a stop."
    ),
    is_example=True,
    systolic_high=140,
    diastolic_high=90,
)


@dataclass(frozen=True)
class Breach:
    """One value outside its limit. For ``rise``, value and limit are rises in mmHg."""

    field: str
    value: int
    limit: int
    direction: Direction
    message: str


def check_vitals(reading: VitalsReading, thresholds: VitalThresholds) -> tuple[Breach, ...]:
    """Every breach of ``thresholds`` in ``reading``, in field order (systolic first)."""
    breaches: list[Breach] = []
    for name in VITAL_FIELDS:
        value = reading.value(name)
        if value is None:
            continue
        low, high = thresholds.limits(name)
        unit = _UNITS[name]
        if high is not None and value > high:
            breaches.append(Breach(name, value, high, "above", f"{name} {value} {unit} is above {high}"))
        if low is not None and value < low:
            breaches.append(Breach(name, value, low, "below", f"{name} {value} {unit} is below {low}"))
    return tuple(breaches)


ESKETAMINE_SYSTOLIC_RISE = 40
ESKETAMINE_DIASTOLIC_RISE = 25
ESKETAMINE_RISE_SOURCE = (
    "Spravato label: 8-19% of patients had a rise of >=40 mmHg systolic and/or >=25 mmHg diastolic in the "
    "first 1.5 h [V] (clinical-reference §4)"
)


def esketamine_bp_rise(pre_dose: VitalsReading, reading: VitalsReading) -> tuple[Breach, ...]:
    """Breaches when BP rose by >= 40 systolic or >= 25 diastolic from the pre-dose value [V, label]."""
    breaches: list[Breach] = []
    checks: tuple[tuple[VitalField, int], ...] = (
        ("systolic", ESKETAMINE_SYSTOLIC_RISE),
        ("diastolic", ESKETAMINE_DIASTOLIC_RISE),
    )
    for name, limit in checks:
        before, after = pre_dose.value(name), reading.value(name)
        if before is None:
            raise VitalsError(f"pre_dose.{name}", "a pre-dose blood pressure is needed")
        if after is None:
            continue
        rise = after - before
        if rise >= limit:
            breaches.append(
                Breach(
                    name,
                    rise,
                    limit,
                    "rise",
                    f"{name} rose {rise} mmHg ({before} to {after}), at or above the {limit} mmHg label figure",
                )
            )
    return tuple(breaches)


DEFAULT_VITALS_INTERVAL_MINUTES = 15


def next_vitals_due(
    last_reading_at: dt.datetime, interval_minutes: int = DEFAULT_VITALS_INTERVAL_MINUTES
) -> dt.datetime:
    """When the next reading is due. The 15-minute default is Remit's example clinic default, a clinic setting
    (clinical-reference §3: "configurable interval (e.g. q5-15 min)")."""
    if not isinstance(last_reading_at, dt.datetime):
        raise VitalsError("last_reading_at", f"must be a date and time, got {last_reading_at!r}")
    if isinstance(interval_minutes, bool) or not isinstance(interval_minutes, int) or interval_minutes < 1:
        raise VitalsError(
            "interval_minutes", f"must be a whole number of minutes from 1, got {interval_minutes!r}"
        )
    return last_reading_at + dt.timedelta(minutes=interval_minutes)


# Minutes a reading may run late before it counts as overdue: Remit's example, a clinic setting
# (no source fixes it [UNVERIFIED]; clinical-reference §3 fixes only a configurable interval).
EXAMPLE_VITALS_GRACE_MINUTES = 5


def vitals_overdue_since(
    last_reading_at: dt.datetime, interval_minutes: int, grace_minutes: int
) -> dt.datetime:
    """From when the last reading is too old: the interval plus the clinic's grace period."""
    if isinstance(grace_minutes, bool) or not isinstance(grace_minutes, int) or grace_minutes < 0:
        raise VitalsError("grace_minutes", f"must be a whole number of minutes from 0, got {grace_minutes!r}")
    return next_vitals_due(last_reading_at, interval_minutes) + dt.timedelta(minutes=grace_minutes)


def vitals_overdue(
    last_reading_at: dt.datetime, at: dt.datetime, interval_minutes: int, grace_minutes: int
) -> bool:
    """Whether at ``at`` the last reading is older than the interval plus the grace period."""
    return at > vitals_overdue_since(last_reading_at, interval_minutes, grace_minutes)


ESKETAMINE_MINIMUM_MONITORING_MINUTES = 120
ESKETAMINE_MONITORING_SOURCE = (
    "Spravato label boxed warning and REMS: observe for at least 2 hours [V] (clinical-reference §4)"
)


@dataclass(frozen=True)
class MonitoringMinimums:
    """Post-dose monitoring minimums a clinic sets for modalities without a mandated one.

    EXAMPLE values, to be confirmed by the medical director: no IV ketamine
    standard exists (clinical-reference §3 [UNVERIFIED]); 120 minutes borrows
    the esketamine REMS minimum, which the reference calls a defensible
    default. TMS needs no post-session observation by default. Esketamine is
    not configurable: the REMS fixes it at 120 minutes.
    """

    ketamine_iv_minutes: int = 120
    ketamine_im_minutes: int = 120
    tms_minutes: int = 0

    def __post_init__(self) -> None:
        for item in fields(self):
            value = getattr(self, item.name)
            if isinstance(value, bool) or not isinstance(value, int) or value < 0:
                raise VitalsError(item.name, f"must be a whole number of minutes from 0, got {value!r}")


DEFAULT_MONITORING_MINIMUMS = MonitoringMinimums()


def minimum_monitoring_minutes(
    modality: Modality, settings: MonitoringMinimums = DEFAULT_MONITORING_MINIMUMS
) -> int:
    if modality == "esketamine":
        return ESKETAMINE_MINIMUM_MONITORING_MINUTES
    if modality == "ketamine_iv":
        return settings.ketamine_iv_minutes
    if modality == "ketamine_im":
        return settings.ketamine_im_minutes
    if modality == "tms":
        return settings.tms_minutes
    raise VitalsError("modality", f"must be one of {', '.join(MODALITIES)}, got {modality!r}")


def minimum_monitoring_met(
    modality: Modality,
    start: dt.datetime,
    now: dt.datetime,
    settings: MonitoringMinimums = DEFAULT_MONITORING_MINIMUMS,
) -> bool:
    """True once ``now`` is at least the modality's minimum after ``start``.

    For esketamine ``start`` is the first device (the REMS form counts "from
    first device to end of monitoring"); 120 minutes exactly is enough.
    """
    minimum = minimum_monitoring_minutes(modality, settings)
    for name, value in (("start", start), ("now", now)):
        if not isinstance(value, dt.datetime):
            raise VitalsError(name, f"must be a date and time, got {value!r}")
    try:
        elapsed = now - start
    except TypeError:
        raise VitalsError("now", "start and now must both carry a time zone, or neither")
    if elapsed < dt.timedelta(0):
        raise VitalsError("now", "is before the start of monitoring")
    return elapsed >= dt.timedelta(minutes=minimum)
