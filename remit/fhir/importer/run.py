"""``remit fhir import``, top to bottom: read, check and plan everything; refuse on any error; else store.

Phase 1 (``check``) reads every resource (``sources``), checks its structure
(``structure``), indexes references (``references``) and plans Patients,
Conditions and QuestionnaireResponses (``patients``, ``conditions``,
``responses``), marking what the clinic already holds (``duplicates``).
Any error refuses the whole import (``ImportRejected``). Phase 2 stores the
plan in one transaction (``writing``).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from remit.accounts.models import Clinic
from remit.fhir.importer.conditions import plan_condition
from remit.fhir.importer.duplicates import mark_duplicates
from remit.fhir.importer.outcome import JSON, ImportRejected
from remit.fhir.importer.patients import plan_patients
from remit.fhir.importer.plan import ImportPlan, Progress
from remit.fhir.importer.references import index_references
from remit.fhir.importer.responses import incoming_scores, plan_response
from remit.fhir.importer.sources import Source, read_sources
from remit.fhir.importer.structure import check_structure
from remit.fhir.importer.writing import store


@dataclass
class ImportResult:
    dry_run: bool
    clinic: str
    resources: int
    by_type: dict[str, int]
    created: dict[str, int]
    matched: dict[str, int]
    skipped: dict[str, int]
    used: dict[str, int]
    mismatches: list[JSON]
    warnings: list[JSON]
    stored: bool
    audit_event: int | None = None

    def to_dict(self) -> JSON:
        return {
            "dry_run": self.dry_run,
            "stored": self.stored,
            "clinic": self.clinic,
            "resources": self.resources,
            "by_type": self.by_type,
            "created": self.created,
            "matched": self.matched,
            "skipped": self.skipped,
            "used": self.used,
            "mismatches": self.mismatches,
            "warnings": self.warnings,
            "audit_event": self.audit_event,
        }


def import_path(
    path: str | Path,
    *,
    clinic: Clinic,
    dry_run: bool = False,
    progress: Progress | None = None,
) -> ImportResult:
    """Validate everything at ``path``; unless ``dry_run``, store it all. Raises ImportRejected."""
    plan = check(path, clinic, progress)
    report = plan.report
    if report.error_count:
        raise ImportRejected(
            report.operation_outcome(),
            f"{report.error_count} error(s) in {len(plan.sources)} resource(s); nothing was stored",
        )
    seq = None if dry_run else store(plan)
    counts = plan.counts()
    return ImportResult(
        dry_run=dry_run,
        clinic=clinic.slug,
        resources=len(plan.sources),
        by_type=dict(sorted(Counter(s.type for s in plan.sources).items())),
        created=counts["created"],
        matched=counts["matched"],
        skipped=counts["skipped"],
        used=counts["used"],
        mismatches=[m for r in plan.responses if (m := r.mismatch()) is not None],
        warnings=[issue.to_dict() for issue in report.warnings],
        stored=not dry_run,
        audit_event=seq,
    )


def check(path: str | Path, clinic: Clinic, progress: Progress | None = None) -> ImportPlan:
    """Read and check everything at ``path`` and plan what to store; every problem goes in ``plan.report``."""
    plan = ImportPlan(clinic, progress)
    plan.sources = read_sources(path, plan.report)
    ok: list[Source] = []
    for index, source in enumerate(plan.sources, start=1):
        if check_structure(source, plan.report):
            ok.append(source)
        if index % 100 == 0:
            plan.tick("validating", index)
    index_references(plan, ok)
    plan.questionnaires = [s for s in ok if s.type == "Questionnaire"]
    plan_patients(plan, [s for s in ok if s.type == "Patient"])
    incoming = incoming_scores(plan, [s for s in ok if s.type == "Observation"])
    done = 0
    for source in ok:
        if source.type == "Condition":
            plan_condition(plan, source)
        elif source.type == "QuestionnaireResponse":
            plan_response(plan, source, incoming)
        elif source.type == "Questionnaire":
            plan.used["Questionnaire"] += 1
        elif source.type not in ("Patient", "Observation"):
            plan.skipped[source.type] += 1
        done += 1
        if done % 100 == 0:
            plan.tick("checking", done)
    mark_duplicates(plan)
    plan.tick("checked", len(plan.sources))
    return plan
