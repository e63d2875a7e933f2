"""The de-identified research export: courses, sessions and assessments as CSV (HIPAA Safe Harbor).

What is removed or transformed (45 CFR 164.514(b)(2); helpers in ``remit.core.deidentify``):

* No names, contact details, MRNs, database ids, users, lot numbers, IP
  addresses or URLs: files carry coded columns only. Each patient gets a
  random research id for this export (``R`` + 16 hex digits) and each course a
  random course key; the mapping lives in memory only and is never written.
* Dates are shifted by a per-patient offset (HMAC of the patient under a
  secret salt, 1-365 days either way, never 0), so intervals within a patient
  survive. The salt is generated per export and thrown away unless the
  caller passes one (``--salt-file``), e.g. to add to an earlier export.
* Ages over 89 are "90+" (age at the course start); no birth dates.
* ZIP codes are cut to 3 digits, "000" for the restricted areas.
* Free text (notes, reasons, comments) is dropped, never scrubbed.
* Rows are sorted by research id, then shifted date, so row order reveals
  nothing about the database.

Caveat (as ``remit.core.deidentify`` says): Safe Harbor literally allows the
year only; shifted full dates keep intervals for outcome research, and
whether that is acceptable is for counsel or an expert determination.

Audit: one ``export`` event for the export (counts, no identifiers) and one
``disclose`` event per patient included, so each patient's accounting of
disclosures lists it. The per-patient rows are written as one batch
(``remit.audit.actions.record_many``: the chain head is locked once).

Why it is listed per patient although the rows are de-identified: de-identified data is not PHI
(45 CFR 164.514(a)) and needs no accounting, but these files keep full dates shifted per patient
rather than the year only that Safe Harbor allows (the caveat above), so Remit does not lean on the
exemption: each patient's accounting shows the export, with the recipient and purpose given.
"""

from __future__ import annotations

import csv
import datetime as dt
import secrets
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.db import transaction
from django.utils import timezone

from remit.audit import actions as audit
from remit.core.deidentify import DeidentifyInputError, date_offset_days, export_age, shift_date, truncate_zip
from remit.decision.course_outcomes import given_sessions_q, session_date
from remit.measures.models import Assessment
from remit.patients.models import AntidepressantTrial, Patient
from remit.treatment.models import Course, Session

COURSE_COLUMNS = [
    "research_id",
    "course_key",
    "modality",
    "phase",
    "protocol",
    "status",
    "start_date",
    "end_date",
    "planned_sessions",
    "course_mg_per_kg",
    "age_at_start",
    "sex_at_birth",
    "zip3",
    "failed_adequate_trials",
]
SESSION_COLUMNS = [
    "research_id",
    "course_key",
    "number",
    "date",
    "modality",
    "status",
    "weight_kg",
    "mg_per_kg",
    "dose_mg",
    "infusion_minutes",
    "tms_pattern",
    "intensity_pct_mt",
    "pulses_delivered",
]
ASSESSMENT_COLUMNS = ["research_id", "date", "instrument", "total", "band", "valid", "respondent"]
EXPORT_LABEL = "remit export research"
BATCH = 2000


@dataclass
class ExportResult:
    out_dir: Path
    patients: int = 0
    courses: int = 0
    sessions: int = 0
    assessments: int = 0
    files: list[str] = field(default_factory=list)

    def counts(self) -> dict[str, int]:
        return {
            "patients": self.patients,
            "courses": self.courses,
            "sessions": self.sessions,
            "assessments": self.assessments,
        }


class _Pseudonyms:
    """Random ids per export, kept in memory only."""

    def __init__(self, salt: bytes) -> None:
        self.salt = salt
        self.ids: dict[int, str] = {}
        self.offsets: dict[int, int] = {}
        self.courses: dict[int, str] = {}
        used: set[str] = set()
        self._used = used

    def _fresh(self, prefix: str) -> str:
        while True:
            value = prefix + secrets.token_hex(8)
            if value not in self._used:
                self._used.add(value)
                return value

    def patient(self, pk: int) -> str:
        if pk not in self.ids:
            self.ids[pk] = self._fresh("R")
            self.offsets[pk] = date_offset_days(f"patient:{pk}", self.salt)
        return self.ids[pk]

    def course(self, pk: int) -> str:
        if pk not in self.courses:
            self.courses[pk] = self._fresh("C")
        return self.courses[pk]

    def date(self, patient_pk: int, value: dt.date | None) -> str:
        if value is None:
            return ""
        return shift_date(value, self.offsets[patient_pk]).isoformat()


def _num(value: Any) -> str:
    return "" if value is None else str(value)


def _zip3(code: str) -> str:
    if not code:
        return ""
    try:
        return truncate_zip(code)
    except DeidentifyInputError:
        return ""  # not a US ZIP: dropped rather than guessed at


def export_research(
    out_dir: str | Path,
    *,
    clinic: Any = None,
    salt: bytes | None = None,
    recipient: str = "",
    purpose: str = "",
    actor: Any = None,
    actor_label: str = EXPORT_LABEL,
) -> ExportResult:
    """Write ``courses.csv``, ``sessions.csv`` and ``assessments.csv`` into ``out_dir``; audit the disclosure.

    Patients included: those (not voided) with at least one course that is not voided, of ``clinic`` if given.
    """
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    names = _Pseudonyms(salt if salt else secrets.token_bytes(32))
    result = ExportResult(out)

    courses = Course.objects.filter(voided_at__isnull=True, patient__voided_at__isnull=True).select_related(
        "patient", "protocol"
    )
    if clinic is not None:
        courses = courses.filter(clinic_id=getattr(clinic, "pk", clinic))
    course_list = list(courses.order_by("id"))
    patient_ids = sorted({c.patient_id for c in course_list})
    patients: dict[int, Patient] = {c.patient_id: c.patient for c in course_list}
    failed: dict[int, int] = {}
    for trial in AntidepressantTrial.objects.filter(
        patient_id__in=courses.values("patient_id"), voided_at__isnull=True
    ):
        if trial.failed_adequate:
            failed[trial.patient_id] = failed.get(trial.patient_id, 0) + 1
    for pk in patient_ids:
        names.patient(pk)

    course_rows = []
    for c in course_list:
        p = patients[c.patient_id]
        course_rows.append(
            {
                "research_id": names.patient(p.pk),
                "course_key": names.course(c.pk),
                "modality": c.modality,
                "phase": c.phase,
                "protocol": c.protocol.code,
                "status": c.status,
                "start_date": names.date(p.pk, c.start_date),
                "end_date": names.date(p.pk, c.end_date),
                "planned_sessions": c.planned_sessions,
                "course_mg_per_kg": _num(c.mg_per_kg),
                "age_at_start": export_age(max(0, p.age_on(c.start_date))),
                "sex_at_birth": p.sex_at_birth,
                "zip3": _zip3(p.postal_code),
                "failed_adequate_trials": failed.get(p.pk, 0),
            }
        )
    course_rows.sort(key=lambda r: (r["research_id"], r["start_date"], r["course_key"]))
    result.courses = len(course_rows)
    result.patients = len(patient_ids)

    session_rows = []
    sessions = (
        Session.objects.filter(given_sessions_q(), course__in=courses.values("pk"))
        .order_by("id")
        .values(
            "patient_id",
            "course_id",
            "number",
            "scheduled_for",
            "dose_started_at",
            "modality",
            "status",
            "weight_kg",
            "mg_per_kg",
            "dose_mg",
            "infusion_minutes",
            "tms_pattern",
            "intensity_pct_mt",
            "pulses_delivered",
        )
    )
    for s in sessions.iterator(chunk_size=BATCH):
        pk = s["patient_id"]
        session_rows.append(
            {
                "research_id": names.patient(pk),
                "course_key": names.course(s["course_id"]),
                "number": s["number"],
                "date": names.date(pk, session_date(s["scheduled_for"], s["dose_started_at"])),
                "modality": s["modality"],
                "status": s["status"],
                "weight_kg": _num(s["weight_kg"]),
                "mg_per_kg": _num(s["mg_per_kg"]),
                "dose_mg": _num(s["dose_mg"]),
                "infusion_minutes": _num(s["infusion_minutes"]),
                "tms_pattern": s["tms_pattern"],
                "intensity_pct_mt": _num(s["intensity_pct_mt"]),
                "pulses_delivered": _num(s["pulses_delivered"]),
            }
        )
    session_rows.sort(key=lambda r: (r["research_id"], r["date"], r["course_key"], r["number"]))
    result.sessions = len(session_rows)

    assessment_rows = []
    assessments = (
        Assessment.objects.filter(patient_id__in=courses.values("patient_id"), voided_at__isnull=True)
        .order_by("id")
        .values("patient_id", "taken_at", "instrument", "total", "band", "valid", "respondent")
    )
    for a in assessments.iterator(chunk_size=BATCH):
        pk = a["patient_id"]
        assessment_rows.append(
            {
                "research_id": names.patient(pk),
                "date": names.date(pk, timezone.localdate(a["taken_at"])),
                "instrument": a["instrument"],
                "total": _num(a["total"]),
                "band": a["band"],
                "valid": "1" if a["valid"] else "0",
                "respondent": a["respondent"],
            }
        )
    assessment_rows.sort(key=lambda r: (r["research_id"], r["date"], r["instrument"]))
    result.assessments = len(assessment_rows)

    for name, columns, rows in (
        ("courses.csv", COURSE_COLUMNS, course_rows),
        ("sessions.csv", SESSION_COLUMNS, session_rows),
        ("assessments.csv", ASSESSMENT_COLUMNS, assessment_rows),
    ):
        with open(out / name, "w", newline="", encoding="utf-8") as handle:
            writer = csv.DictWriter(handle, fieldnames=columns)
            writer.writeheader()
            writer.writerows(rows)
        result.files.append(name)

    clinic_id = getattr(clinic, "pk", clinic)
    with transaction.atomic():
        event = audit.record(
            audit.EXPORT,
            actor=actor,
            actor_label=actor_label if actor is None else "",
            object_type="reports.research_export",
            clinic_id=clinic_id,
            detail={
                "kind": "research (de-identified, Safe Harbor)",
                "recipient": recipient or "not stated",
                "purpose": purpose or "research",
                **result.counts(),
                "files": result.files,
            },
        )
        audit.record_many(
            audit.DISCLOSE,
            (
                {
                    "patient": patients[pk],
                    "detail": {
                        "document": "de-identified research export",
                        "recipient": recipient or "not stated",
                        "purpose": purpose or "research",
                        "export_event": event.seq,
                    },
                }
                for pk in patient_ids
            ),
            actor=actor,
            actor_label=actor_label if actor is None else "",
            object_type="reports.research_export",
            object_id=event.seq,
        )
    return result
