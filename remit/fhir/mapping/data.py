"""Plain values the mappers take: one frozen dataclass per kind of record.

Phase 2 (export over the database) fills these from Django rows; nothing here
knows about Django. Ids are Remit's own ids (any str/int; ``_`` and other
characters FHIR ids refuse become ``-``). ``patient_id`` is the id used for
the patient's Patient resource, so references line up inside one export.
Date-times must carry a time zone.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Literal

SexAtBirth = Literal["female", "male", "intersex", "unknown"]
DiagnosisStatus = Literal["active", "in_remission", "resolved"]
Drug = Literal["ketamine", "esketamine"]
Route = Literal["iv", "im", "intranasal"]
AlertSeverity = Literal["high", "medium", "low"]
AlertStatus = Literal["open", "acknowledged"]
Number = int | float | Decimal


@dataclass(frozen=True)
class PatientData:
    id: str | int
    clinic_slug: str
    mrn: str
    given_name: str
    family_name: str
    birth_date: dt.date
    sex_at_birth: SexAtBirth
    phone: str = ""
    email: str = ""
    active: bool = True


@dataclass(frozen=True)
class ConditionData:
    id: str | int
    patient_id: str | int
    icd10cm: str
    description: str = ""
    status: DiagnosisStatus = "active"
    onset_date: dt.date | None = None
    resolved_date: dt.date | None = None


@dataclass(frozen=True)
class AssessmentData:
    """One answered questionnaire, as stored: answers keyed by Remit item id.

    ``total``/``band`` are Remit's stored score (None when invalid).
    ``instrument_version`` is the definition version that scored it (None:
    the current one).
    """

    id: str | int
    patient_id: str | int
    instrument_code: str
    answers: Mapping[str, int | None]
    taken_at: dt.datetime
    total: int | None = None
    band: str | None = None
    instrument_version: str | None = None
    status: Literal["completed", "amended", "entered-in-error", "in-progress"] = "completed"


@dataclass(frozen=True)
class RatingData:
    """A clinician rating during a session (CADSS, CADSS-6, MOAA/S): a total, optional item answers.

    ``part_of`` is a FHIR reference string to the session's resource, e.g.
    ``"MedicationAdministration/dose-12"``.
    """

    id: str | int
    patient_id: str | int
    instrument_code: str
    total: int
    taken_at: dt.datetime
    answers: Mapping[str, int | None] = field(default_factory=dict)
    part_of: str | None = None


@dataclass(frozen=True)
class VitalsData:
    """One set of vitals; absent values are left out. ``part_of`` as in RatingData."""

    id: str | int
    patient_id: str | int
    taken_at: dt.datetime
    systolic: int | None = None
    diastolic: int | None = None
    heart_rate: int | None = None
    spo2: int | None = None
    respiratory_rate: int | None = None
    weight_kg: Number | None = None
    part_of: str | None = None


@dataclass(frozen=True)
class DoseData:
    """One ketamine or esketamine administration."""

    id: str | int
    patient_id: str | int
    drug: Drug
    route: Route
    dose_mg: Number
    start: dt.datetime
    end: dt.datetime | None = None
    status: Literal["completed", "in-progress", "stopped", "not-done", "entered-in-error"] = "completed"
    mg_per_kg: Number | None = None
    devices: int | None = None  # esketamine nasal devices (28 mg each)
    lot_number: str = ""
    note: str = ""


@dataclass(frozen=True)
class TmsSessionData:
    """One TMS session and its stimulation parameters.

    ``cpt`` is the billing code the clinic uses for the visit: 90867
    (initial, with motor-threshold determination), 90868 (subsequent) or
    90869 (motor-threshold re-determination); None leaves CPT out.
    """

    id: str | int
    patient_id: str | int
    start: dt.datetime
    pattern: Literal["10hz", "itbs"]
    frequency_hz: Number
    pulses: int
    intensity_pct_mt: Number
    target: str
    end: dt.datetime | None = None
    status: Literal["completed", "in-progress", "stopped", "not-done", "entered-in-error"] = "completed"
    burst_frequency_hz: Number | None = None
    motor_threshold_pct_mso: Number | None = None
    machine_output_pct_mso: Number | None = None
    coil: str = ""
    session_number: int | None = None
    cpt: Literal["90867", "90868", "90869"] | None = None
    note: str = ""


@dataclass(frozen=True)
class AlertData:
    """A safety alert. Open alerts become active Flags; acknowledged ones inactive."""

    id: str | int
    patient_id: str | int
    kind: str
    severity: AlertSeverity
    reason: str
    created_at: dt.datetime
    status: AlertStatus = "open"
    acknowledged_at: dt.datetime | None = None
    kind_label: str = ""
