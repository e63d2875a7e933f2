"""Treatment protocol templates as data: sessions, spacing, dosing defaults, sources.

A protocol is what a course is planned from. Clinics edit and version
protocols in the database, so a protocol converts to and from a plain,
JSON-ready dict (``to_dict`` / ``protocol_from_dict``); Decimals travel as
strings so nothing is lost in the round trip.

Spacing is a sequence of ``Stage`` records, each a run of sessions with one
rule ("at most N session days per period of W weeks, at least D days apart").
``remit.core.calendar`` turns stages into dates.

Values that no source fixes are listed by name in ``Protocol.examples``:
they are example defaults the medical director must confirm, never silent
constants. Sources use the citations of clinical-reference.md.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any, Literal, TypeGuard, get_args

from remit.core.dosing import (
    EVIDENCE_TEXT,
    EXAMPLE_OLDER_ADULT_SCHEDULE,
    DoseError,
    EvidenceLevel,
    OlderAdultSchedule,
)
from remit.core.modality import DRUG_MODALITIES, MODALITIES, Modality

Phase = Literal["induction", "maintenance"]
PHASES: tuple[Phase, ...] = get_args(Phase)
TmsPattern = Literal["10hz", "itbs"]
TMS_PATTERNS: tuple[TmsPattern, ...] = get_args(TmsPattern)


class ProtocolError(ValueError):
    """A protocol that does not make sense; ``field`` names the offending item (dotted path)."""

    def __init__(self, field: str, message: str) -> None:
        self.field = field
        self.message = message
        super().__init__(f"{field}: {message}")


def _is_int(value: object) -> TypeGuard[int]:
    return isinstance(value, int) and not isinstance(value, bool)


def _require_int(path: str, value: object, minimum: int) -> None:
    if not _is_int(value):
        raise ProtocolError(path, f"must be a whole number, got {value!r}")
    if value < minimum:
        raise ProtocolError(path, f"must be at least {minimum}, got {value}")


def _require_positive_decimal(path: str, value: object) -> None:
    if not isinstance(value, Decimal) or not value.is_finite() or value <= 0:
        raise ProtocolError(path, f"must be a positive decimal number, got {value!r}")


@dataclass(frozen=True)
class Stage:
    """A run of sessions sharing one spacing rule.

    sessions: sessions in the stage (for accelerated protocols, sessions, not days).
    per_period: at most this many session *days* in each period of the course's
        week grid (periods are counted from the course start).
    period_weeks: length of the period in weeks (2 = "every two weeks").
    min_days_between: calendar days from one session day to the next, at least
        (1 = consecutive days allowed; 2 = one rest day between).
    preferred_days_between: the spacing aimed for when the clinic days allow it;
        the planner falls back to ``min_days_between`` rather than lose a session.
    sessions_per_day: more than 1 only for accelerated TMS.
    session_minutes, gap_minutes: for several sessions a day, the session length
        and the interval from the end of one to the start of the next; they
        give each session's start offset within the day.
    """

    sessions: int
    per_period: int
    period_weeks: int = 1
    min_days_between: int = 1
    preferred_days_between: int = 1
    sessions_per_day: int = 1
    session_minutes: int = 0
    gap_minutes: int = 0

    def __post_init__(self) -> None:
        self.validate("stage")

    def validate(self, path: str) -> None:
        for name in ("sessions", "per_period", "period_weeks", "min_days_between", "sessions_per_day"):
            _require_int(f"{path}.{name}", getattr(self, name), 1)
        _require_int(f"{path}.preferred_days_between", self.preferred_days_between, self.min_days_between)
        _require_int(f"{path}.session_minutes", self.session_minutes, 0)
        _require_int(f"{path}.gap_minutes", self.gap_minutes, 0)
        if self.per_period > 7 * self.period_weeks:
            raise ProtocolError(f"{path}.per_period", "more session days than days in the period")
        if self.sessions % self.sessions_per_day:
            raise ProtocolError(f"{path}.sessions", "must be a whole number of days of sessions_per_day")
        if self.sessions_per_day > 1 and self.session_minutes + self.gap_minutes == 0:
            raise ProtocolError(f"{path}.gap_minutes", "several sessions a day need session or gap minutes")

    @property
    def days(self) -> int:
        return self.sessions // self.sessions_per_day


@dataclass(frozen=True)
class KetamineDosing:
    """Ketamine default dose. ``infusion_minutes`` None means IM bolus.

    max_mg_per_kg is the clinic's hard-stop maximum (a clinic setting; above it
    only a prescriber override with a reason allows the dose).
    """

    mg_per_kg: Decimal
    infusion_minutes: int | None
    max_mg_per_kg: Decimal

    def validate(self, path: str) -> None:
        _require_positive_decimal(f"{path}.mg_per_kg", self.mg_per_kg)
        _require_positive_decimal(f"{path}.max_mg_per_kg", self.max_mg_per_kg)
        if self.infusion_minutes is not None:
            _require_int(f"{path}.infusion_minutes", self.infusion_minutes, 1)
        if self.mg_per_kg > self.max_mg_per_kg:
            raise ProtocolError(f"{path}.mg_per_kg", "default dose is above the protocol maximum")


@dataclass(frozen=True)
class EsketamineDosing:
    """Esketamine doses in mg (multiples of the 28 mg device).

    dose_options_mg / first_dose_mg are the doses below the older-adult age;
    first_dose_mg is None for a course that does not start treatment
    (maintenance). older_adults is the schedule from age 65 (day 1 28 mg,
    then 28, 56 or 84 mg in 28 mg steps): a setting of every esketamine
    protocol with its source, since the reference rates it secondary-source
    only (clinical-reference §4, MIMS HK [V2]).
    """

    dose_options_mg: tuple[int, ...]
    first_dose_mg: int | None = None
    older_adults: OlderAdultSchedule = EXAMPLE_OLDER_ADULT_SCHEDULE

    def validate(self, path: str) -> None:
        if not self.dose_options_mg:
            raise ProtocolError(f"{path}.dose_options_mg", "must list at least one dose")
        named = [(f"{path}.dose_options_mg[{i}]", mg) for i, mg in enumerate(self.dose_options_mg)]
        named += [(f"{path}.first_dose_mg", self.first_dose_mg)] if self.first_dose_mg is not None else []
        for item_path, mg in named:
            _require_int(item_path, mg, 28)
            if mg % 28:
                raise ProtocolError(item_path, f"{mg} mg is not a whole number of 28 mg devices")
        if not isinstance(self.older_adults, OlderAdultSchedule):
            raise ProtocolError(f"{path}.older_adults", "must be the older-adult dose schedule")
        try:
            self.older_adults.validate(f"{path}.older_adults")
        except DoseError as error:
            raise ProtocolError(error.field, error.message) from None


@dataclass(frozen=True)
class TmsDosing:
    """TMS session parameters.

    frequency_hz is the pulse frequency (10 for 10 Hz; 50 within a theta
    burst); burst_frequency_hz the burst repetition rate (5 for theta burst).
    """

    pattern: TmsPattern
    frequency_hz: Decimal
    pulses_per_session: int
    intensity_pct_mt: Decimal
    target: str
    burst_frequency_hz: Decimal | None = None
    # Trains: pulses per train and the pause between trains (None: the pattern's example,
    # ``remit.core.dosing.EXAMPLE_TMS_TRAINS``); they give the least time a session takes.
    pulses_per_train: int | None = None
    inter_train_interval_s: Decimal | None = None

    def validate(self, path: str) -> None:
        if self.pattern not in TMS_PATTERNS:
            raise ProtocolError(f"{path}.pattern", f"must be one of {', '.join(TMS_PATTERNS)}")
        _require_positive_decimal(f"{path}.frequency_hz", self.frequency_hz)
        _require_int(f"{path}.pulses_per_session", self.pulses_per_session, 1)
        _require_positive_decimal(f"{path}.intensity_pct_mt", self.intensity_pct_mt)
        if self.burst_frequency_hz is not None:
            _require_positive_decimal(f"{path}.burst_frequency_hz", self.burst_frequency_hz)
        if self.pulses_per_train is not None:
            _require_int(f"{path}.pulses_per_train", self.pulses_per_train, 1)
        if self.inter_train_interval_s is not None:
            _require_positive_decimal(f"{path}.inter_train_interval_s", self.inter_train_interval_s)
        if not isinstance(self.target, str) or not self.target.strip():
            raise ProtocolError(f"{path}.target", "must name the stimulation target")


Dosing = KetamineDosing | EsketamineDosing | TmsDosing
_DOSING_FOR: dict[Modality, type[KetamineDosing] | type[EsketamineDosing] | type[TmsDosing]] = {
    "ketamine_iv": KetamineDosing,
    "ketamine_im": KetamineDosing,
    "esketamine": EsketamineDosing,
    "tms": TmsDosing,
}


@dataclass(frozen=True)
class Protocol:
    """A course template.

    nonresponse_checkpoint_session / _week: where a non-response review is due
    (carried as data for the alerts engine). examples: dotted names of fields
    whose values are example defaults, to be confirmed by the medical director.
    """

    code: str
    name: str
    modality: Modality
    phase: Phase
    planned_sessions: int
    stages: tuple[Stage, ...]
    dosing: Dosing
    source: str
    nonresponse_checkpoint_session: int | None = None
    nonresponse_checkpoint_week: int | None = None
    examples: tuple[str, ...] = field(default=())
    version: int = 1

    def __post_init__(self) -> None:
        for name in ("code", "name", "source"):
            value = getattr(self, name)
            if not isinstance(value, str) or not value.strip():
                raise ProtocolError(name, "must be a non-blank string")
        if self.modality not in MODALITIES:
            raise ProtocolError("modality", f"must be one of {', '.join(MODALITIES)}, got {self.modality!r}")
        if self.phase not in PHASES:
            raise ProtocolError("phase", f"must be one of {', '.join(PHASES)}, got {self.phase!r}")
        _require_int("planned_sessions", self.planned_sessions, 1)
        _require_int("version", self.version, 1)
        if not self.stages:
            raise ProtocolError("stages", "must have at least one stage")
        for i, stage in enumerate(self.stages):
            stage.validate(f"stages[{i}]")
            if self.modality in DRUG_MODALITIES and stage.sessions_per_day != 1:
                raise ProtocolError(f"stages[{i}].sessions_per_day", "never two drug sessions on one day")
        if sum(stage.sessions for stage in self.stages) != self.planned_sessions:
            raise ProtocolError("planned_sessions", "must equal the sum of the stages' sessions")
        expected = _DOSING_FOR[self.modality]
        if not isinstance(self.dosing, expected):
            raise ProtocolError("dosing", f"{self.modality} needs {expected.__name__}")
        self.dosing.validate("dosing")
        if isinstance(self.dosing, KetamineDosing):
            is_iv = self.modality == "ketamine_iv"
            if is_iv != (self.dosing.infusion_minutes is not None):
                raise ProtocolError("dosing.infusion_minutes", "IV needs infusion minutes; IM has none")
        if self.nonresponse_checkpoint_session is not None:
            _require_int("nonresponse_checkpoint_session", self.nonresponse_checkpoint_session, 1)
            if self.nonresponse_checkpoint_session > self.planned_sessions:
                raise ProtocolError("nonresponse_checkpoint_session", "is after the last planned session")
        if self.nonresponse_checkpoint_week is not None:
            _require_int("nonresponse_checkpoint_week", self.nonresponse_checkpoint_week, 1)
        for i, name in enumerate(self.examples):
            if not isinstance(name, str) or not name:
                raise ProtocolError(f"examples[{i}]", "must name a field")

    def to_dict(self) -> dict[str, Any]:
        return protocol_to_dict(self)

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Protocol:
        return protocol_from_dict(data)


# --- plain-dict conversion ------------------------------------------------------------------


def _dec(value: Decimal | None) -> str | None:
    return None if value is None else str(value)


def _dosing_to_dict(dosing: Dosing) -> dict[str, Any]:
    if isinstance(dosing, KetamineDosing):
        return {
            "mg_per_kg": _dec(dosing.mg_per_kg),
            "infusion_minutes": dosing.infusion_minutes,
            "max_mg_per_kg": _dec(dosing.max_mg_per_kg),
        }
    if isinstance(dosing, EsketamineDosing):
        return {
            "dose_options_mg": list(dosing.dose_options_mg),
            "first_dose_mg": dosing.first_dose_mg,
            "older_adults": older_adults_to_dict(dosing.older_adults),
        }
    return {
        "pattern": dosing.pattern,
        "frequency_hz": _dec(dosing.frequency_hz),
        "burst_frequency_hz": _dec(dosing.burst_frequency_hz),
        "pulses_per_session": dosing.pulses_per_session,
        "intensity_pct_mt": _dec(dosing.intensity_pct_mt),
        "target": dosing.target,
        **({"pulses_per_train": dosing.pulses_per_train} if dosing.pulses_per_train is not None else {}),
        **(
            {"inter_train_interval_s": _dec(dosing.inter_train_interval_s)}
            if dosing.inter_train_interval_s is not None
            else {}
        ),
    }


_STAGE_FIELDS = (
    "sessions",
    "per_period",
    "period_weeks",
    "min_days_between",
    "preferred_days_between",
    "sessions_per_day",
    "session_minutes",
    "gap_minutes",
)


def protocol_to_dict(protocol: Protocol) -> dict[str, Any]:
    """A JSON-ready dict (str, int, None, list, dict only)."""
    return {
        "code": protocol.code,
        "name": protocol.name,
        "version": protocol.version,
        "modality": protocol.modality,
        "phase": protocol.phase,
        "planned_sessions": protocol.planned_sessions,
        "stages": [{name: getattr(stage, name) for name in _STAGE_FIELDS} for stage in protocol.stages],
        "dosing": _dosing_to_dict(protocol.dosing),
        "nonresponse_checkpoint_session": protocol.nonresponse_checkpoint_session,
        "nonresponse_checkpoint_week": protocol.nonresponse_checkpoint_week,
        "source": protocol.source,
        "examples": list(protocol.examples),
    }


class _Reader:
    """Pulls typed values out of a plain mapping, naming the path of anything wrong."""

    def __init__(self, data: object, path: str) -> None:
        if not isinstance(data, Mapping):
            raise ProtocolError(path or "protocol", "must be an object")
        self.data: Mapping[str, Any] = data
        self.path = path

    def _name(self, key: str) -> str:
        return f"{self.path}.{key}" if self.path else key

    def raw(self, key: str, *, required: bool = True) -> Any:
        if key not in self.data:
            if required:
                raise ProtocolError(self._name(key), "is missing")
            return None
        return self.data[key]

    def text(self, key: str) -> str:
        value = self.raw(key)
        if not isinstance(value, str):
            raise ProtocolError(self._name(key), f"must be text, got {value!r}")
        return value

    def integer(self, key: str, *, required: bool = True, default: int | None = None) -> int | None:
        value = self.raw(key, required=required)
        if value is None:
            if required:
                raise ProtocolError(self._name(key), "must not be empty")
            return default
        if not _is_int(value):
            raise ProtocolError(self._name(key), f"must be a whole number, got {value!r}")
        return value

    def required_int(self, key: str) -> int:
        value = self.integer(key)
        assert value is not None  # required=True never returns None
        return value

    def decimal(self, key: str, *, required: bool = True) -> Decimal | None:
        value = self.raw(key, required=required)
        if value is None:
            if required:
                raise ProtocolError(self._name(key), "must not be empty")
            return None
        if isinstance(value, bool) or not isinstance(value, str | int | Decimal):
            raise ProtocolError(self._name(key), f"must be a decimal written as text, got {value!r}")
        try:
            number = Decimal(value)
        except InvalidOperation:
            raise ProtocolError(self._name(key), f"is not a number: {value!r}")
        if not number.is_finite():
            raise ProtocolError(self._name(key), f"must be finite, got {value!r}")
        return number

    def required_decimal(self, key: str) -> Decimal:
        value = self.decimal(key)
        assert value is not None  # required=True never returns None
        return value

    def items(self, key: str, *, required: bool = True) -> list[Any]:
        value = self.raw(key, required=required)
        if value is None and not required:
            return []
        if not isinstance(value, list | tuple):
            raise ProtocolError(self._name(key), "must be a list")
        return list(value)


def _stage_from(data: object, path: str) -> Stage:
    reader = _Reader(data, path)
    values: dict[str, int] = {}
    defaults = {"period_weeks": 1, "min_days_between": 1, "sessions_per_day": 1}
    defaults |= {"session_minutes": 0, "gap_minutes": 0}
    for name in _STAGE_FIELDS:
        if name == "preferred_days_between":
            continue
        value = reader.integer(name, required=name not in defaults, default=defaults.get(name))
        assert value is not None  # required or defaulted
        values[name] = value
    preferred = reader.integer("preferred_days_between", required=False, default=values["min_days_between"])
    assert preferred is not None  # defaulted
    try:
        return Stage(preferred_days_between=preferred, **values)
    except ProtocolError as error:
        raise ProtocolError(error.field.replace("stage", path, 1), error.message)


def _dosing_from(modality: Modality, data: object) -> Dosing:
    reader = _Reader(data, "dosing")
    if modality in ("ketamine_iv", "ketamine_im"):
        return KetamineDosing(
            mg_per_kg=reader.required_decimal("mg_per_kg"),
            infusion_minutes=reader.integer("infusion_minutes", required=False),
            max_mg_per_kg=reader.required_decimal("max_mg_per_kg"),
        )
    if modality == "esketamine":
        options = reader.items("dose_options_mg")
        for i, mg in enumerate(options):
            if not _is_int(mg):
                raise ProtocolError(f"dosing.dose_options_mg[{i}]", f"must be a whole number, got {mg!r}")
        return EsketamineDosing(
            dose_options_mg=tuple(options),
            first_dose_mg=reader.integer("first_dose_mg", required=False),
            older_adults=_older_adults_from(reader),
        )
    pattern = reader.text("pattern")
    if pattern not in TMS_PATTERNS:
        raise ProtocolError("dosing.pattern", f"must be one of {', '.join(TMS_PATTERNS)}, got {pattern!r}")
    return TmsDosing(
        pattern=_tms_pattern(pattern),
        frequency_hz=reader.required_decimal("frequency_hz"),
        burst_frequency_hz=reader.decimal("burst_frequency_hz", required=False),
        pulses_per_session=reader.required_int("pulses_per_session"),
        intensity_pct_mt=reader.required_decimal("intensity_pct_mt"),
        target=reader.text("target"),
        pulses_per_train=reader.integer("pulses_per_train", required=False),
        inter_train_interval_s=reader.decimal("inter_train_interval_s", required=False),
    )


def older_adults_to_dict(schedule: OlderAdultSchedule) -> dict[str, Any]:
    return {
        "from_age": schedule.from_age,
        "first_dose_mg": schedule.first_dose_mg,
        "dose_options_mg": list(schedule.dose_options_mg),
        "step_mg": schedule.step_mg,
        "source": schedule.source,
        "evidence": schedule.evidence,
    }


def _older_adults_from(reader: _Reader) -> OlderAdultSchedule:
    """The older-adult schedule; absent, the example schedule (never the under-65 doses).

    A definition saved before the schedule was a setting has only
    ``first_dose_mg_65_plus``: the example schedule with that day-1 dose.
    """
    raw = reader.raw("older_adults", required=False)
    if raw is None:
        legacy = reader.integer("first_dose_mg_65_plus", required=False)
        if legacy is None:
            return EXAMPLE_OLDER_ADULT_SCHEDULE
        return OlderAdultSchedule(first_dose_mg=legacy)
    inner = _Reader(raw, "dosing.older_adults")
    base = EXAMPLE_OLDER_ADULT_SCHEDULE
    options = inner.items("dose_options_mg")
    for i, mg in enumerate(options):
        if not _is_int(mg):
            raise ProtocolError(
                f"dosing.older_adults.dose_options_mg[{i}]", f"must be a whole number, got {mg!r}"
            )
    return OlderAdultSchedule(
        from_age=inner.integer("from_age", required=False, default=base.from_age) or base.from_age,
        first_dose_mg=inner.required_int("first_dose_mg"),
        dose_options_mg=tuple(options),
        step_mg=inner.integer("step_mg", required=False, default=base.step_mg) or base.step_mg,
        source=inner.text("source"),
        evidence=_evidence(inner.text("evidence")),
    )


def _evidence(value: str) -> EvidenceLevel:
    for level in get_args(EvidenceLevel):
        if level == value:
            return level  # type: ignore[no-any-return]
    raise ProtocolError(
        "dosing.older_adults.evidence", f"must be one of {', '.join(EVIDENCE_TEXT)}, got {value!r}"
    )


def _tms_pattern(value: str) -> TmsPattern:
    for pattern in TMS_PATTERNS:
        if pattern == value:
            return pattern
    raise ProtocolError("dosing.pattern", f"must be one of {', '.join(TMS_PATTERNS)}, got {value!r}")


def _modality(value: str) -> Modality:
    for modality in MODALITIES:
        if modality == value:
            return modality
    raise ProtocolError("modality", f"must be one of {', '.join(MODALITIES)}, got {value!r}")


def _phase(value: str) -> Phase:
    for phase in PHASES:
        if phase == value:
            return phase
    raise ProtocolError("phase", f"must be one of {', '.join(PHASES)}, got {value!r}")


def _version(reader: _Reader) -> int:
    version = reader.integer("version", required=False, default=1)
    assert version is not None  # defaulted
    return version


def protocol_from_dict(data: Mapping[str, Any]) -> Protocol:
    """Rebuild a protocol from ``protocol_to_dict`` output (or a clinic's edited copy).

    Every problem raises ``ProtocolError`` naming the dotted path of the field.
    """
    reader = _Reader(data, "")
    modality = _modality(reader.text("modality"))
    examples = reader.items("examples", required=False)
    for i, name in enumerate(examples):
        if not isinstance(name, str):
            raise ProtocolError(f"examples[{i}]", "must be text")
    return Protocol(
        code=reader.text("code"),
        name=reader.text("name"),
        version=_version(reader),
        modality=modality,
        phase=_phase(reader.text("phase")),
        planned_sessions=reader.required_int("planned_sessions"),
        stages=tuple(_stage_from(item, f"stages[{i}]") for i, item in enumerate(reader.items("stages"))),
        dosing=_dosing_from(modality, reader.raw("dosing")),
        nonresponse_checkpoint_session=reader.integer("nonresponse_checkpoint_session", required=False),
        nonresponse_checkpoint_week=reader.integer("nonresponse_checkpoint_week", required=False),
        source=reader.text("source"),
        examples=tuple(examples),
    )


# --- built-in templates ---------------------------------------------------------------------

_KETAMINE_DOSE_SOURCE = "0.5 mg/kg IV over 40 min: Fava 2020 (Mol Psychiatry); Williams 2018; Oliver 2022 [V]"
_KETAMINE_MAX_SOURCE = (
    "maximum mg/kg is a clinic setting [UNVERIFIED]; example 1.0 mg/kg is the top of the ASKP3 "
    "starting range 0.5-1 mg/kg [V2]"
)
_CHECKPOINT_NOTE = "non-response checkpoint is an example default for the alerts engine [UNVERIFIED]"

KETAMINE_IV_INDUCTION = Protocol(
    code="ketamine_iv_induction",
    name="IV ketamine induction (6 infusions, 0.5 mg/kg over 40 min)",
    modality="ketamine_iv",
    phase="induction",
    planned_sessions=6,
    # Three a week with a rest day between (Mon/Wed/Fri-like); 2 a week when clinic days allow no more.
    stages=(Stage(sessions=6, per_period=3, min_days_between=2, preferred_days_between=2),),
    dosing=KetamineDosing(mg_per_kg=Decimal("0.5"), infusion_minutes=40, max_mg_per_kg=Decimal("1.0")),
    nonresponse_checkpoint_session=6,
    source=(
        f"{_KETAMINE_DOSE_SOURCE}. 6 infusions 3x weekly over 12 days: Murrough 2013 (Biol Psychiatry, "
        "PMC3725185) [V]; 6 infusions within 21 days: Oliver 2022 (J Clin Psychiatry 83(6)) [V]. "
        f"{_KETAMINE_MAX_SOURCE}. Rest day between infusions: Remit's spacing choice. {_CHECKPOINT_NOTE}"
    ),
    examples=("dosing.max_mg_per_kg", "stages[0].min_days_between", "nonresponse_checkpoint_session"),
)

KETAMINE_IM_INDUCTION = Protocol(
    code="ketamine_im_induction",
    name="IM ketamine induction (6 injections; dose set by the clinic)",
    modality="ketamine_im",
    phase="induction",
    planned_sessions=6,
    stages=(Stage(sessions=6, per_period=3, min_days_between=2, preferred_days_between=2),),
    dosing=KetamineDosing(mg_per_kg=Decimal("0.5"), infusion_minutes=None, max_mg_per_kg=Decimal("1.0")),
    nonresponse_checkpoint_session=6,
    source=(
        "IM ketamine dose and series are not in the clinical reference [UNVERIFIED]: 0.5 mg/kg, 6 sessions "
        "2-3 a week are example values mirroring the IV induction (Murrough 2013; Oliver 2022 [V] for IV). "
        f"{_KETAMINE_MAX_SOURCE}. {_CHECKPOINT_NOTE}"
    ),
    examples=(
        "planned_sessions",
        "stages[0]",
        "dosing.mg_per_kg",
        "dosing.max_mg_per_kg",
        "nonresponse_checkpoint_session",
    ),
)

_ESKETAMINE_LABEL = (
    "Spravato label (MIMS/RxList/medicalnewstoday; spravatohcp.com) [V]: weeks 1-4 twice weekly, day 1 "
    "56 mg then 56 or 84 mg; weeks 5-8 56 or 84 mg weekly; week 9 on every 2 weeks or weekly"
)

ESKETAMINE_INDUCTION = Protocol(
    code="esketamine_induction",
    name="Esketamine (Spravato) induction, weeks 1-4 twice weekly",
    modality="esketamine",
    phase="induction",
    planned_sessions=8,
    stages=(Stage(sessions=8, per_period=2, min_days_between=2, preferred_days_between=3),),
    dosing=EsketamineDosing(dose_options_mg=(56, 84), first_dose_mg=56),
    nonresponse_checkpoint_session=8,
    nonresponse_checkpoint_week=4,
    source=(
        f"{_ESKETAMINE_LABEL}; check benefit at the end of induction [V]. Age 65 and over start at 28 mg: "
        "MIMS HK [V2] (the 65-and-over schedule below, with its own source). Doses at least 2 days "
        "apart, aiming for 3: Remit's spacing choice."
    ),
    examples=("stages[0].preferred_days_between", "dosing.older_adults"),
)

ESKETAMINE_MAINTENANCE = Protocol(
    code="esketamine_maintenance",
    name="Esketamine (Spravato) maintenance: weeks 5-8 weekly, then every 2 weeks",
    modality="esketamine",
    phase="maintenance",
    planned_sessions=8,
    stages=(
        Stage(sessions=4, per_period=1, min_days_between=4, preferred_days_between=7),
        Stage(sessions=4, per_period=1, period_weeks=2, min_days_between=7, preferred_days_between=14),
    ),
    dosing=EsketamineDosing(dose_options_mg=(56, 84)),
    source=(
        f"{_ESKETAMINE_LABEL}, individualized to the lowest frequency that keeps remission/response [V]. "
        "The number of week-9-on sessions (4) and the minimum gaps are example values [UNVERIFIED]. "
        "Age 65 and over: 28, 56 or 84 mg in 28 mg steps, MIMS HK [V2]."
    ),
    examples=(
        "stages[1].sessions",
        "stages[0].min_days_between",
        "stages[1].min_days_between",
        "dosing.older_adults",
    ),
)

_TMS_10HZ_SOURCE = (
    "Left DLPFC, 10 Hz, 120% MT, 3000 pulses, 5 sessions a week: O'Reardon 2007 / NeuroStar label [V]. "
    "30 daily sessions then a 3/2/1 weekly taper, 36 in all: clinic pages (clinical-reference §8) [V2]"
)
_TMS_TAPER = (
    Stage(sessions=30, per_period=5),
    Stage(sessions=3, per_period=3, preferred_days_between=2),
    Stage(sessions=2, per_period=2, preferred_days_between=3),
    Stage(sessions=1, per_period=1, preferred_days_between=7),
)

TMS_10HZ = Protocol(
    code="tms_10hz",
    name="TMS 10 Hz left DLPFC (30 daily + 3/2/1 taper)",
    modality="tms",
    phase="induction",
    planned_sessions=36,
    stages=_TMS_TAPER,
    dosing=TmsDosing(
        pattern="10hz",
        frequency_hz=Decimal(10),
        pulses_per_session=3000,
        intensity_pct_mt=Decimal(120),
        target="left DLPFC",
    ),
    nonresponse_checkpoint_session=20,
    source=f"{_TMS_10HZ_SOURCE}. {_CHECKPOINT_NOTE}",
    examples=("stages[1]", "stages[2]", "stages[3]", "nonresponse_checkpoint_session"),
)

TMS_ITBS = Protocol(
    code="tms_itbs",
    name="TMS intermittent theta burst (600 pulses)",
    modality="tms",
    phase="induction",
    planned_sessions=36,
    stages=_TMS_TAPER,
    dosing=TmsDosing(
        pattern="itbs",
        frequency_hz=Decimal(50),
        burst_frequency_hz=Decimal(5),
        pulses_per_session=600,
        intensity_pct_mt=Decimal(120),
        target="left DLPFC",
        pulses_per_train=30,
        inter_train_interval_s=Decimal(8),
    ),
    nonresponse_checkpoint_session=20,
    source=(
        "iTBS non-inferior to 10 Hz, 3 min sessions: Blumberger 2018 (THREE-D, Lancet 391:1683) [V]; "
        "600 pulses, triplets at 50 Hz repeated at 5 Hz [V2]; 2 s on / 8 s off and 120% RMT [UNVERIFIED] examples. Course length "
        f"mirrors the 10 Hz course [UNVERIFIED]. {_CHECKPOINT_NOTE}"
    ),
    examples=(
        "dosing.intensity_pct_mt",
        "dosing.inter_train_interval_s",
        "planned_sessions",
        "stages",
        "nonresponse_checkpoint_session",
    ),
)

TMS_ACCELERATED_ITBS = Protocol(
    code="tms_accelerated_itbs",
    name="Accelerated iTBS (SAINT-style: 10 sessions a day for 5 days)",
    modality="tms",
    phase="induction",
    planned_sessions=50,
    stages=(Stage(sessions=50, per_period=5, sessions_per_day=10, session_minutes=10, gap_minutes=50),),
    dosing=TmsDosing(
        pattern="itbs",
        frequency_hz=Decimal(50),
        burst_frequency_hz=Decimal(5),
        pulses_per_session=1800,
        intensity_pct_mt=Decimal(90),
        target="left DLPFC, fcMRI-guided (anticorrelated with sgACC)",
        pulses_per_train=30,
        inter_train_interval_s=Decimal(8),
    ),
    source=(
        "Cole 2020 (SAINT, AJP) [V]: 10 iTBS sessions a day x 5 days, 1800 pulses, 50-min inter-session "
        "interval, 90% RMT (depth-adjusted), fcMRI-guided target. Session length of 10 min (1800 iTBS "
        "pulses) used to space start times is an example [UNVERIFIED]."
    ),
    examples=("stages[0].session_minutes", "dosing.inter_train_interval_s"),
)

_MAINTENANCE_NOTE = (
    "No source fixes a maintenance schedule [UNVERIFIED]: session count and interval are example values "
    "for the medical director to set. Context: median relapse 18 days after the last infusion "
    "(Murrough 2013 [V]; Phillips 2019 [V])"
)

KETAMINE_IV_MAINTENANCE = Protocol(
    code="ketamine_iv_maintenance",
    name="IV ketamine maintenance boosters (example: every 2 weeks)",
    modality="ketamine_iv",
    phase="maintenance",
    planned_sessions=4,
    stages=(Stage(sessions=4, per_period=1, period_weeks=2, min_days_between=7, preferred_days_between=14),),
    dosing=KetamineDosing(mg_per_kg=Decimal("0.5"), infusion_minutes=40, max_mg_per_kg=Decimal("1.0")),
    source=f"{_KETAMINE_DOSE_SOURCE}. {_MAINTENANCE_NOTE}. {_KETAMINE_MAX_SOURCE}",
    examples=("planned_sessions", "stages[0]", "dosing.max_mg_per_kg"),
)

KETAMINE_IM_MAINTENANCE = Protocol(
    code="ketamine_im_maintenance",
    name="IM ketamine maintenance boosters (example: every 2 weeks)",
    modality="ketamine_im",
    phase="maintenance",
    planned_sessions=4,
    stages=(Stage(sessions=4, per_period=1, period_weeks=2, min_days_between=7, preferred_days_between=14),),
    dosing=KetamineDosing(mg_per_kg=Decimal("0.5"), infusion_minutes=None, max_mg_per_kg=Decimal("1.0")),
    source=f"IM dose is a clinic setting [UNVERIFIED]. {_MAINTENANCE_NOTE}. {_KETAMINE_MAX_SOURCE}",
    examples=("planned_sessions", "stages[0]", "dosing.mg_per_kg", "dosing.max_mg_per_kg"),
)

TMS_10HZ_MAINTENANCE = Protocol(
    code="tms_10hz_maintenance",
    name="TMS 10 Hz reintroduction / booster block (example: 10 daily sessions)",
    modality="tms",
    phase="maintenance",
    planned_sessions=10,
    stages=(Stage(sessions=10, per_period=5),),
    dosing=TMS_10HZ.dosing,
    source=(
        f"{_TMS_10HZ_SOURCE}. Reintroduction needed by 36.2% within a year, mean 16 sessions: Dunner 2014 "
        "[V2]; extensions in 10-session increments per Clinical TMS Society guidance as summarized by a "
        "vendor blog (field.md T10). The 10-session block is an example [UNVERIFIED]."
    ),
    examples=("planned_sessions",),
)

BUILTIN_PROTOCOLS: Mapping[str, Protocol] = {
    protocol.code: protocol
    for protocol in (
        KETAMINE_IV_INDUCTION,
        KETAMINE_IM_INDUCTION,
        ESKETAMINE_INDUCTION,
        TMS_10HZ,
        TMS_ITBS,
        TMS_ACCELERATED_ITBS,
        KETAMINE_IV_MAINTENANCE,
        KETAMINE_IM_MAINTENANCE,
        ESKETAMINE_MAINTENANCE,
        TMS_10HZ_MAINTENANCE,
    )
}


def get_protocol(code: str) -> Protocol:
    """A built-in protocol by code; ``ProtocolError`` naming ``code`` if unknown."""
    try:
        return BUILTIN_PROTOCOLS[code]
    except KeyError:
        raise ProtocolError("code", f"unknown protocol {code!r}; built-in: {', '.join(BUILTIN_PROTOCOLS)}")
