"""Planning Patients: matched in the clinic by identifier (demographics left as they are), else new.

An identifier whose system is the clinic's MRN system
(``https://remit.invalid/fhir/sid/mrn/<clinic-slug>``) gives the MRN; else any
identifier (whatever its system) whose value equals an MRN already in the
clinic matches that patient; else the patient is new, with the MRN taken from
the clinic-system identifier, else the first identifier typed ``MR``, else the
first identifier with a value. A matched patient's demographics are NOT
changed. A new patient needs a name (family and given), a birth date and a
gender (sex at birth from the US Core birthsex extension when present).
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.core.validators import validate_email

from remit.core.fhir_systems import US_CORE_BIRTHSEX, mrn_system
from remit.fhir.importer.outcome import JSON, Report
from remit.fhir.importer.plan import ImportPlan, PatientPlan
from remit.fhir.importer.sources import Source
from remit.fhir.importer.values import parse_date
from remit.patients.models import Patient, validate_date_of_birth


def plan_patients(plan: ImportPlan, sources: list[Source]) -> None:
    system = mrn_system(plan.clinic.slug)
    values: set[str] = set()
    for source in sources:
        for identifier in source.resource.get("identifier") or []:
            if isinstance(identifier, dict) and identifier.get("value"):
                values.add(str(identifier["value"]))
    existing = {p.mrn: p for p in Patient.objects.filter(clinic=plan.clinic, mrn__in=sorted(values))}
    seen: dict[str, Source] = {}
    for source in sources:
        identifiers = [
            (index, i)
            for index, i in enumerate(source.resource.get("identifier") or [])
            if isinstance(i, dict) and i.get("value")
        ]
        if not identifiers:
            plan.report.error(
                source.label, source.path("identifier"), "a Patient needs an identifier (its MRN)"
            )
            continue
        ours = [i for _, i in identifiers if i.get("system") == system]
        match: Patient | None = None
        if ours:
            mrn = str(ours[0]["value"])
            match = existing.get(mrn)
        else:
            found = {
                existing[str(i["value"])].pk: existing[str(i["value"])]
                for _, i in identifiers
                if str(i["value"]) in existing
            }
            if len(found) > 1:
                plan.report.error(
                    source.label,
                    source.path("identifier"),
                    "its identifiers match more than one patient of the clinic",
                )
                continue
            match = next(iter(found.values()), None)
            typed = [
                i
                for _, i in identifiers
                if any(
                    c.get("code") == "MR"
                    for c in (i.get("type") or {}).get("coding") or []
                    if isinstance(c, dict)
                )
            ]
            mrn = match.mrn if match else str((typed or [identifiers[0][1]])[0]["value"])
        if mrn in seen:
            plan.report.error(
                source.label,
                source.path("identifier"),
                f"MRN {mrn!r} is also the Patient of {seen[mrn].where}",
            )
            continue
        seen[mrn] = source
        if match is not None:
            if match.is_voided:
                plan.report.error(
                    source.label,
                    source.path("identifier"),
                    f"MRN {mrn!r} is a voided patient; nothing can be added",
                )
                continue
            plan.patients[id(source)] = PatientPlan(source, mrn, existing=match)
            continue
        new = new_patient_values(plan.report, source, mrn)
        if new is not None:
            plan.patients[id(source)] = PatientPlan(source, mrn, values=new)


def new_patient_values(report: Report, source: Source, mrn: str) -> JSON | None:
    resource = source.resource
    errors_before = report.error_count
    names = [n for n in resource.get("name") or [] if isinstance(n, dict)]
    name = next((n for n in names if n.get("use") == "official"), names[0] if names else None)
    family = (name or {}).get("family") or ""
    given = " ".join((name or {}).get("given") or [])
    if not family or not given:
        report.error(source.label, source.path("name"), "a new patient needs a family and a given name")
    birth = parse_date(resource.get("birthDate"))
    if birth is None:
        report.error(source.label, source.path("birthDate"), "a new patient needs a full birth date")
    else:
        try:
            validate_date_of_birth(birth)
        except ValidationError as error:
            report.error(source.label, source.path("birthDate"), " ".join(error.messages))
    sex = None
    for extension in resource.get("extension") or []:
        if isinstance(extension, dict) and extension.get("url") == US_CORE_BIRTHSEX:
            sex = {"F": "female", "M": "male"}.get(extension.get("valueCode") or "")
    if sex is None:
        sex = {"female": "female", "male": "male", "other": "intersex", "unknown": "unknown"}.get(
            resource.get("gender") or ""
        )
    if sex is None:
        report.error(
            source.label, source.path("gender"), "a new patient needs a gender (or US Core birthsex)"
        )
    phone = email = ""
    for index, telecom in enumerate(resource.get("telecom") or []):
        if not isinstance(telecom, dict):
            continue
        if telecom.get("system") == "phone" and not phone:
            phone = str(telecom.get("value") or "")[:40]
        if telecom.get("system") == "email" and not email:
            email = str(telecom.get("value") or "")
            try:
                validate_email(email)
            except ValidationError:
                report.error(
                    source.label,
                    source.path(f"telecom[{index}].value"),
                    f"{email!r} is not an email address",
                )
    for value, limit, path in ((mrn, 40, "identifier"), (family, 100, "name"), (given, 100, "name")):
        if len(value) > limit:
            report.error(
                source.label, source.path(path), f"{value[:20]!r}… is longer than {limit} characters"
            )
    if report.error_count > errors_before:
        return None
    return {
        "mrn": mrn,
        "given_name": given,
        "family_name": family,
        "date_of_birth": birth,
        "sex_at_birth": sex,
        "phone": phone,
        "email": email,
    }
