"""What the import will store: one plan per Patient, Condition and QuestionnaireResponse, and the whole plan.

Planning (``references``, ``patients``, ``conditions``, ``responses``,
``duplicates``) fills an ``ImportPlan``; ``writing`` stores it.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal

from remit.accounts.models import Clinic
from remit.fhir.importer.outcome import JSON, Report
from remit.fhir.importer.sources import Source
from remit.fhir.importer.values import plain
from remit.patients.models import Patient

Progress = Callable[[str, int, int], None]


@dataclass
class PatientPlan:
    source: Source
    mrn: str
    existing: Patient | None = None
    values: JSON = field(default_factory=dict)
    stored: Patient | None = None

    @property
    def date_of_birth(self) -> dt.date | None:
        if self.existing is not None:
            return self.existing.date_of_birth
        born = self.values.get("date_of_birth")
        return born if isinstance(born, dt.date) else None

    @property
    def sex(self) -> str:
        return self.existing.sex_at_birth if self.existing else str(self.values.get("sex_at_birth", ""))

    def patient(self) -> Patient:
        found = self.existing or self.stored
        assert found is not None, "a new patient is stored before its records"
        return found


@dataclass
class ConditionPlan:
    source: Source
    patient: PatientPlan
    values: JSON
    matched: bool = False


@dataclass
class ResponsePlan:
    source: Source
    patient: PatientPlan
    instrument: str
    answers: dict[str, int | None]
    respondent: str
    taken_at: dt.datetime
    remit_total: int | None
    incoming_total: Decimal | int | None = None
    incoming_from: str = ""
    matched: bool = False

    def mismatch(self) -> JSON | None:
        if self.incoming_total is None:
            return None
        if self.remit_total is not None and Decimal(self.remit_total) == Decimal(self.incoming_total):
            return None
        reason = (
            f"the sender's total is {plain(self.incoming_total)}; Remit scores {self.remit_total}"
            if self.remit_total is not None
            else f"the sender's total is {plain(self.incoming_total)}, but the answers are incomplete "
            "so Remit gives no total"
        )
        return {
            "resource": self.source.label,
            "instrument": self.instrument,
            "response_id": self.source.resource.get("id"),
            "incoming_total": plain(self.incoming_total),
            "incoming_from": self.incoming_from,
            "remit_total": self.remit_total,
            "reason": reason,
        }


@dataclass
class ImportPlan:
    """Everything read and planned so far, and the problems found."""

    clinic: Clinic
    progress: Progress | None = None
    report: Report = field(default_factory=Report)
    sources: list[Source] = field(default_factory=list)
    refs: dict[str, Source] = field(default_factory=dict)  # "<Type>/<id>" and fullUrl -> the resource
    questionnaires: list[Source] = field(default_factory=list)
    patients: dict[int, PatientPlan] = field(default_factory=dict)  # id(source) -> plan
    conditions: list[ConditionPlan] = field(default_factory=list)
    responses: list[ResponsePlan] = field(default_factory=list)
    skipped: Counter[str] = field(default_factory=Counter)
    used: Counter[str] = field(default_factory=Counter)
    canonical_cache: dict[str, JSON | None] = field(default_factory=dict)

    def tick(self, phase: str, done: int) -> None:
        if self.progress is not None:
            self.progress(phase, done, len(self.sources))

    def counts(self) -> JSON:
        created: Counter[str] = Counter()
        matched: Counter[str] = Counter()
        for patient in self.patients.values():
            (matched if patient.existing else created)["Patient"] += 1
        for condition in self.conditions:
            (matched if condition.matched else created)["Condition"] += 1
        for response in self.responses:
            (matched if response.matched else created)["QuestionnaireResponse"] += 1
        return {
            "created": dict(sorted(created.items())),
            "matched": dict(sorted(matched.items())),
            "skipped": dict(sorted(self.skipped.items())),
            "used": dict(sorted(self.used.items())),
            "mismatches": sum(1 for r in self.responses if r.mismatch() is not None),
        }
