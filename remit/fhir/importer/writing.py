"""Storing the plan through the apps' actions, in one transaction.

``create_patient``, ``add_diagnosis`` and ``record_assessment`` each record
their own audit row, so scoring, safety alerts and audit happen exactly as
for answers from the portal; an unexpected error half-way rolls everything
back. One summary audit event closes the run.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction

from remit.audit import actions as audit
from remit.fhir.importer.outcome import ImportRejected, Report
from remit.fhir.importer.plan import ImportPlan
from remit.fhir.importer.sources import Source
from remit.measures.actions_assessments import record_assessment
from remit.patients.actions import add_diagnosis, create_patient

ACTOR_LABEL = "remit fhir import"


def store(plan: ImportPlan) -> int:
    """Write the plan in one transaction; returns the summary audit event's seq."""
    total = len(plan.patients) + len(plan.conditions) + len(plan.responses)
    done = 0
    current: Source | None = None
    try:
        with transaction.atomic():
            for patient in plan.patients.values():
                current = patient.source
                if patient.existing is None:
                    patient.stored = create_patient(None, plan.clinic, patient.values)
                done += 1
                if done % 100 == 0:
                    plan.tick("storing", done)
            for condition in plan.conditions:
                current = condition.source
                if not condition.matched:
                    add_diagnosis(None, condition.patient.patient(), condition.values)
                done += 1
                if done % 100 == 0:
                    plan.tick("storing", done)
            for response in plan.responses:
                current = response.source
                if not response.matched:
                    record_assessment(
                        patient=response.patient.patient(),
                        instrument=response.instrument,
                        answers=response.answers,
                        respondent=response.respondent,
                        taken_at=response.taken_at,
                        sex=response.patient.sex if response.instrument == "auditc" else None,
                        actor_label=ACTOR_LABEL,
                    )
                done += 1
                if done % 100 == 0:
                    plan.tick("storing", done)
            current = None
            event = audit.record(
                audit.CREATE,
                actor_label=ACTOR_LABEL,
                object_type="fhir.import",
                clinic_id=plan.clinic.pk,
                detail=plan.counts(),
            )
    except ValidationError as error:
        where = current.label if current else "import"
        root = current.root if current else "Bundle"
        report = Report()
        report.error(where, root, "; ".join(error.messages))
        raise ImportRejected(
            report.operation_outcome(), "the import was refused while storing; nothing was stored"
        ) from None
    plan.tick("stored", total)
    return event.seq
