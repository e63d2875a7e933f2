"""Planning Conditions: ICD-10-CM codings only (other systems are refused, naming the coding), as diagnoses."""

from __future__ import annotations

from django.core.exceptions import ValidationError

from remit.core.fhir_systems import ICD10CM
from remit.fhir.importer.outcome import JSON
from remit.fhir.importer.plan import ConditionPlan, ImportPlan
from remit.fhir.importer.references import patient_of
from remit.fhir.importer.sources import Source
from remit.fhir.importer.values import code_of, description, parse_date
from remit.patients.models import validate_icd10cm

# A FHIR condition-clinical code as Remit's diagnosis status.
STATUS = {
    "active": "active",
    "recurrence": "active",
    "relapse": "active",
    "remission": "in_remission",
    "inactive": "resolved",
    "resolved": "resolved",
}


def plan_condition(plan: ImportPlan, source: Source) -> None:
    resource = source.resource
    verification = code_of(resource.get("verificationStatus"))
    if verification in ("entered-in-error", "refuted"):
        plan.skipped["Condition"] += 1
        return
    patient = patient_of(plan, source)
    codings = [c for c in (resource.get("code") or {}).get("coding") or [] if isinstance(c, dict)]
    icd = [(index, c) for index, c in enumerate(codings) if c.get("system") == ICD10CM]
    if not icd:
        systems = ", ".join(sorted({str(c.get("system")) for c in codings})) or "no coding"
        plan.report.error(
            source.label,
            source.path("code.coding"),
            f"only ICD-10-CM diagnoses ({ICD10CM}) are imported; got {systems}",
            code="code-invalid",
        )
        return
    index, coding = icd[0]
    code = str(coding.get("code") or "").strip().upper()
    try:
        validate_icd10cm(code)
    except ValidationError as error:
        plan.report.error(
            source.label,
            source.path(f"code.coding[{index}].code"),
            " ".join(error.messages),
            code="code-invalid",
        )
        return
    status = STATUS.get(code_of(resource.get("clinicalStatus")) or "active")
    if status is None:
        plan.report.error(source.label, source.path("clinicalStatus"), "is not a condition-clinical code")
        return
    values: JSON = {
        "code": code,
        "description": description(coding, resource.get("code") or {}, code),
        "status": status,
    }
    for element, key in (("onsetDateTime", "onset_date"), ("abatementDateTime", "resolved_date")):
        if element in resource:
            day = parse_date(resource[element])
            if day is None:
                plan.report.warning(source.label, source.path(element), "a partial date is not kept")
            values[key] = day
    if status == "active":
        values.pop("resolved_date", None)
    if patient is not None:
        plan.conditions.append(ConditionPlan(source, patient, values))
