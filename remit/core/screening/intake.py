"""The screening intake: the facts a screening is evaluated on, parsed and checked.

Every fact is optional. None means unknown, which is different from False or
an empty tuple ("asked, and there are none"): the evaluator turns unknown
facts that a rule needs into an ``incomplete`` decision.

The document's shape is ``intake.schema.json`` (JSON Schema 2020-12); this
module validates against it, then checks what a schema cannot say (diastolic
below systolic), and builds typed, frozen values.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, fields
from functools import cache
from importlib import resources
from typing import Any, Literal, cast

import jsonschema

from remit.core.screening.medications import MedicationClass

Sex = Literal["female", "male", "other"]
DiagnosisStatus = Literal["active", "in_remission", "resolved"]


class IntakeError(ValueError):
    """A malformed intake document. ``field`` is a JSON path such as ``diagnoses[0].code``."""

    def __init__(self, field: str, message: str) -> None:
        self.field = field
        self.message = message
        super().__init__(message)


@dataclass(frozen=True)
class BloodPressure:
    systolic: int
    diastolic: int


@dataclass(frozen=True)
class Diagnosis:
    code: str
    status: DiagnosisStatus


@dataclass(frozen=True)
class Medication:
    """A listed medicine. ``classes``: the registry's ticked class boxes; None when not given."""

    name: str
    daily_dose_mg: float | None = None
    classes: tuple[MedicationClass, ...] | None = None


@dataclass(frozen=True)
class Vascular:
    aneurysmal_vascular_disease: bool | None = None
    arteriovenous_malformation: bool | None = None
    intracerebral_haemorrhage_history: bool | None = None
    raised_intracranial_pressure: bool | None = None


@dataclass(frozen=True)
class Screens:
    """Answers in item order (index 0 is q1); None inside a tuple is an unanswered item."""

    auditc: tuple[int | None, ...] | None = None
    dast10: tuple[int | None, ...] | None = None


@dataclass(frozen=True)
class TmsSafety:
    metal_in_head: bool | None = None
    cochlear_implant: bool | None = None
    implanted_stimulator: bool | None = None
    cardiac_device: bool | None = None
    medication_pump: bool | None = None
    seizure_history: bool | None = None
    epilepsy_family_history: bool | None = None
    head_injury_loss_of_consciousness: bool | None = None
    seizure_threshold_medication: bool | None = None
    sleep_deprivation: bool | None = None


@dataclass(frozen=True)
class Intake:
    age: int | None = None
    sex: Sex | None = None
    pregnant: bool | None = None
    breastfeeding: bool | None = None
    weight_kg: float | None = None
    blood_pressure: BloodPressure | None = None
    diagnoses: tuple[Diagnosis, ...] | None = None
    medications: tuple[Medication, ...] | None = None
    allergies: tuple[str, ...] | None = None
    hypersensitivity_ketamine: bool | None = None
    bipolar_current_mania_or_psychosis: bool | None = None
    vascular: Vascular = field(default_factory=Vascular)
    screens: Screens = field(default_factory=Screens)
    tms_safety: TmsSafety = field(default_factory=TmsSafety)


@cache
def intake_schema() -> dict[str, Any]:
    """The intake document's JSON Schema (``intake.schema.json``)."""
    text = resources.files(__package__).joinpath("intake.schema.json").read_text(encoding="utf-8")
    return cast(dict[str, Any], json.loads(text))


@cache
def _validator() -> Any:
    schema = intake_schema()
    jsonschema.Draft202012Validator.check_schema(schema)
    return jsonschema.Draft202012Validator(schema)


def _path(parts: Sequence[object]) -> str:
    path = ""
    for part in parts:
        path += f"[{part}]" if isinstance(part, int) else (f".{part}" if path else str(part))
    return path or "intake"


def _child(parent: str, key: str) -> str:
    return key if parent == "intake" else f"{parent}.{key}"


def _schema_error(error: Any) -> IntakeError:
    where = _path(list(error.absolute_path))
    instance = error.instance
    if error.validator == "additionalProperties" and isinstance(instance, dict):
        known = error.schema.get("properties", {})
        unknown = sorted(key for key in instance if key not in known)
        key = _child(where, unknown[0])
        return IntakeError(key, f"{key}: unknown key {unknown[0]!r}")
    if error.validator == "required" and isinstance(instance, dict):
        absent = [key for key in error.schema["required"] if key not in instance]
        key = _child(where, absent[0])
        return IntakeError(key, f"{key}: required key is missing")
    if error.validator == "pattern" and where.endswith(".code"):
        return IntakeError(where, f"{where}: {instance!r} is not an ICD-10-CM code such as F33.2")
    return IntakeError(where, f"{where}: {error.message}")


def _check_schema(doc: object) -> None:
    errors = sorted(
        _validator().iter_errors(doc), key=lambda e: (list(map(str, e.absolute_path)), e.validator)
    )
    if errors:
        # Unknown keys and missing required keys are named exactly; otherwise the first error by path.
        raise _schema_error(errors[0])


def _flags(cls: type[Any], values: Mapping[str, Any] | None) -> Any:
    given = values or {}
    return cls(**{f.name: given.get(f.name) for f in fields(cls)})


def _answers(values: Sequence[int | None] | None) -> tuple[int | None, ...] | None:
    return None if values is None else tuple(None if v is None else int(v) for v in values)


def parse_intake(doc: Mapping[str, Any]) -> Intake:
    """Validate an intake document and build an ``Intake``; raise ``IntakeError`` naming the field."""
    _check_schema(doc)
    bp = doc.get("blood_pressure")
    if bp is not None and bp["diastolic"] >= bp["systolic"]:
        raise IntakeError(
            "blood_pressure.diastolic",
            f"blood_pressure.diastolic ({bp['diastolic']}) must be below systolic ({bp['systolic']})",
        )
    diagnoses = doc.get("diagnoses")
    medications = doc.get("medications")
    allergies = doc.get("allergies")
    screens = doc.get("screens") or {}
    weight = doc.get("weight_kg")
    return Intake(
        age=doc.get("age") if doc.get("age") is None else int(doc["age"]),
        sex=doc.get("sex"),
        pregnant=doc.get("pregnant"),
        breastfeeding=doc.get("breastfeeding"),
        weight_kg=None if weight is None else float(weight),
        blood_pressure=None if bp is None else BloodPressure(int(bp["systolic"]), int(bp["diastolic"])),
        diagnoses=None
        if diagnoses is None
        else tuple(Diagnosis(code=d["code"], status=d["status"]) for d in diagnoses),
        medications=None
        if medications is None
        else tuple(
            Medication(
                name=m["name"],
                daily_dose_mg=None if m.get("daily_dose_mg") is None else float(m["daily_dose_mg"]),
                classes=None if m.get("classes") is None else tuple(m["classes"]),
            )
            for m in medications
        ),
        allergies=None if allergies is None else tuple(allergies),
        hypersensitivity_ketamine=doc.get("hypersensitivity_ketamine"),
        bipolar_current_mania_or_psychosis=doc.get("bipolar_current_mania_or_psychosis"),
        vascular=_flags(Vascular, doc.get("vascular")),
        screens=Screens(auditc=_answers(screens.get("auditc")), dast10=_answers(screens.get("dast10"))),
        tms_safety=_flags(TmsSafety, doc.get("tms_safety")),
    )
