"""Records the clinic already holds (a re-import) are matched, not stored twice.

A Condition the matched patient already has (same code, live), and a response
the patient already has (same instrument, same time), are marked matched.
"""

from __future__ import annotations

from remit.fhir.importer.plan import ImportPlan
from remit.measures.models import Assessment
from remit.patients.models import Diagnosis


def mark_duplicates(plan: ImportPlan) -> None:
    """Records the clinic already holds (re-imports) are matched, not stored twice."""
    matched_ids = {p.existing.pk for p in plan.patients.values() if p.existing is not None}
    if not matched_ids:
        return
    codes = set(
        Diagnosis.objects.filter(patient_id__in=matched_ids, voided_at__isnull=True).values_list(
            "patient_id", "code"
        )
    )
    times = {r.taken_at for r in plan.responses}
    held = set(
        Assessment.objects.filter(
            patient_id__in=matched_ids, voided_at__isnull=True, taken_at__in=times
        ).values_list("patient_id", "instrument", "taken_at")
    )
    for condition in plan.conditions:
        existing = condition.patient.existing
        if existing is not None and (existing.pk, condition.values["code"]) in codes:
            condition.matched = True
    for response in plan.responses:
        existing = response.patient.existing
        if existing is not None and (existing.pk, response.instrument, response.taken_at) in held:
            response.matched = True
