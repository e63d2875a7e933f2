"""Resolving references (``subject``) within the import, by ``<Type>/<id>`` or the entry's fullUrl."""

from __future__ import annotations

from remit.fhir.importer.plan import ImportPlan, PatientPlan
from remit.fhir.importer.sources import Source


def index_references(plan: ImportPlan, sources: list[Source]) -> None:
    """Every resource by its ``<Type>/<id>`` and fullUrl (``urn:uuid:…`` too); a key used twice is an error."""
    for source in sources:
        for key in source.keys():
            if key in plan.refs and plan.refs[key] is not source:
                plan.report.error(
                    source.label, source.path("id"), f"{key} appears twice (also {plan.refs[key].where})"
                )
            plan.refs[key] = source


def resolve(plan: ImportPlan, reference: object, source: Source, path: str, want: str) -> Source | None:
    if not isinstance(reference, dict) or not isinstance(reference.get("reference"), str):
        plan.report.error(source.label, source.path(path), f"needs a reference to a {want} in this import")
        return None
    text = reference["reference"]
    target = plan.refs.get(text)
    if target is None and "/" in text:
        tail = "/".join(text.rstrip("/").split("/")[-2:])
        target = plan.refs.get(tail)
    if target is None or target.type != want:
        plan.report.error(
            source.label, source.path(f"{path}.reference"), f"{text!r} is not a {want} in this import"
        )
        return None
    return target


def patient_of(plan: ImportPlan, source: Source, path: str = "subject") -> PatientPlan | None:
    target = resolve(plan, source.resource.get(path), source, path, "Patient")
    if target is None:
        return None
    patient = plan.patients.get(id(target))
    if patient is None:  # the Patient itself was refused; its own issue says why
        plan.report.error(source.label, source.path(path), f"its Patient ({target.where}) was refused")
    return patient
