"""Every change to the patient registry: validate, write, audit — in one transaction.

Views, the API, the generator and tests call these functions; nothing else
writes patients or their sub-records.  Each raises ``ValidationError`` (with
errors keyed by field name where there is a field) and then stores nothing.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import IntegrityError, models, transaction
from django.http import HttpRequest
from django.utils import timezone

from remit import events
from remit.accounts.models import Clinic
from remit.audit import actions as audit
from remit.core.screening.medications import in_class
from remit.patients.models import (
    Allergy,
    AntidepressantTrial,
    Diagnosis,
    Medication,
    Patient,
    Voidable,
    WeightEntry,
)

DUPLICATE_MRN = "A patient with this MRN already exists in this clinic."
VOIDED_PATIENT = "This patient's record is voided; nothing can be added to it."

# Demographic fields whose old and new values may go into the audit detail.
# The others (names, date of birth, contact details, free text) are recorded by name only.
LOGGED_VALUES = frozenset({"mrn", "sex_at_birth", "preferred_contact", "consent_sms", "consent_email"})

EDITABLE_PATIENT_FIELDS = (
    "mrn",
    "given_name",
    "family_name",
    "date_of_birth",
    "sex_at_birth",
    "gender_identity",
    "phone",
    "email",
    "preferred_contact",
    "consent_sms",
    "consent_email",
    "emergency_contact_name",
    "emergency_contact_phone",
    "postal_code",
)

Record = TypeVar("Record", bound=Voidable)


def _patient_values(data: Mapping[str, Any]) -> dict[str, Any]:
    unknown = sorted(set(data) - set(EDITABLE_PATIENT_FIELDS) - {"clinic"})
    if unknown:
        raise ValidationError(f"Unknown patient field(s): {', '.join(unknown)}.")
    values = {name: data[name] for name in EDITABLE_PATIENT_FIELDS if name in data}
    for name, value in values.items():
        if isinstance(value, str):
            values[name] = value.strip()
    return values


def _check_mrn_free(clinic_id: int, mrn: str, exclude_pk: int | None = None) -> None:
    others = Patient.objects.filter(clinic_id=clinic_id, mrn=mrn)
    if exclude_pk is not None:
        others = others.exclude(pk=exclude_pk)
    if mrn and others.exists():
        raise ValidationError({"mrn": [DUPLICATE_MRN]})


def _save_patient(patient: Patient) -> None:
    """Save inside the caller's atomic block; a concurrent duplicate MRN is still a field error."""
    try:
        with transaction.atomic():
            patient.save()
    except IntegrityError:
        if (
            Patient.objects.filter(clinic_id=patient.clinic_id, mrn=patient.mrn)
            .exclude(pk=patient.pk)
            .exists()
        ):
            raise ValidationError({"mrn": [DUPLICATE_MRN]})
        raise


def _full_clean(instance: models.Model) -> None:
    try:
        instance.full_clean()
    except ValidationError as error:
        # The per-clinic MRN constraint spans two fields, so Django reports it
        # against no field; put it where the person can fix it.
        if hasattr(error, "error_dict") and NON_FIELD_ERRORS in error.error_dict:
            messages = [m for e in error.error_dict[NON_FIELD_ERRORS] for m in e.messages]
            if any("MRN" in m for m in messages) and isinstance(instance, Patient):
                raise ValidationError({"mrn": [DUPLICATE_MRN]})
        raise


def create_patient(
    actor: Any, clinic: Clinic, data: Mapping[str, Any], request: HttpRequest | None = None
) -> Patient:
    values = _patient_values(data)
    patient = Patient(clinic=clinic, **values)
    with transaction.atomic():
        _check_mrn_free(clinic.pk, patient.mrn)
        _full_clean(patient)
        _save_patient(patient)
        audit.record(
            audit.CREATE,
            actor=actor,
            request=request,
            obj=patient,
            patient=patient,
            detail={"fields": sorted(values)},
        )
    return patient


def update_patient(
    actor: Any, patient: Patient, data: Mapping[str, Any], request: HttpRequest | None = None
) -> Patient:
    """Change demographics; the audit row names each changed field (and old→new for coded fields)."""
    values = _patient_values(data)
    values.pop("clinic", None)
    with transaction.atomic():
        # Compare against what is stored, not against an instance a form may already have changed.
        current = Patient.objects.select_for_update().get(pk=patient.pk)
        if current.is_voided:
            raise ValidationError("This patient's record is voided and cannot be edited.")
        changes: dict[str, Any] = {}
        for name, new in values.items():
            old = getattr(current, name)
            if old != new:
                changes[name] = {"old": old, "new": new} if name in LOGGED_VALUES else "changed"
                setattr(current, name, new)
        if not changes:
            return current
        if "mrn" in changes:
            _check_mrn_free(current.clinic_id, current.mrn, exclude_pk=current.pk)
        _full_clean(current)
        _save_patient(current)
        audit.record(
            audit.UPDATE,
            actor=actor,
            request=request,
            obj=current,
            patient=current,
            detail={"changed": changes},
        )
    for name in values:
        setattr(patient, name, getattr(current, name))
    return current


def _clean_reason(reason: str) -> str:
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": ["A reason is required to void a record."]})
    if len(reason) > 500:
        raise ValidationError({"reason": ["The reason can be at most 500 characters."]})
    return reason


def void_patient(actor: Any, patient: Patient, reason: str, request: HttpRequest | None = None) -> Patient:
    return _void(actor, patient, patient, reason, request)


def void_record(actor: Any, record: Record, reason: str, request: HttpRequest | None = None) -> Record:
    """Void a weight, diagnosis, trial, medication or allergy: it stays, struck through, with the reason."""
    if isinstance(record, Patient):
        return void_patient(actor, record, reason, request)  # type: ignore[return-value]
    return _void(actor, record, record.patient, reason, request)  # type: ignore[attr-defined]


def _void(actor: Any, record: Record, patient: Patient, reason: str, request: HttpRequest | None) -> Record:
    reason = _clean_reason(reason)
    with transaction.atomic():
        current = type(record).objects.select_for_update().get(pk=record.pk)  # type: ignore[attr-defined]
        if current.is_voided:
            raise ValidationError("This record is already voided.")
        current.voided_at = timezone.now()
        current.voided_by = actor
        current.void_reason = reason
        current.save(update_fields=["voided_at", "voided_by", "void_reason"])
        # The reason is free text kept on the record itself; the trail says who voided what, and when.
        audit.record(audit.VOID, actor=actor, request=request, obj=current, patient=patient)
    record.voided_at, record.voided_by, record.void_reason = current.voided_at, actor, reason
    return record


def _add(
    actor: Any,
    patient: Patient,
    model: type[Record],
    data: Mapping[str, Any],
    request: HttpRequest | None,
) -> Record:
    if patient.is_voided:
        raise ValidationError(VOIDED_PATIENT)
    allowed = {f.name for f in model._meta.concrete_fields if f.editable} - {
        "id",
        "patient",
        "voided_at",
        "voided_by",
        "void_reason",
    }
    unknown = sorted(set(data) - allowed)
    if unknown:
        raise ValidationError(f"Unknown field(s): {', '.join(unknown)}.")
    values = {k: (v.strip() if isinstance(v, str) else v) for k, v in data.items()}
    record = model(patient=patient, **values)
    with transaction.atomic():
        _full_clean(record)
        record.save()
        audit.record(
            audit.CREATE,
            actor=actor,
            request=request,
            obj=record,
            patient=patient,
            detail={"fields": sorted(values)},
        )
        if isinstance(record, Diagnosis | Medication):
            events.emit(events.CLINICAL_FACT_ADDED, patient=patient, actor=actor, source=record)
    return record


def add_weight(
    actor: Any, patient: Patient, data: Mapping[str, Any], request: HttpRequest | None = None
) -> WeightEntry:
    weight = data.get("weight_kg")
    if weight is not None and weight <= 0:
        raise ValidationError({"weight_kg": ["Enter a weight more than 0 kg."]})
    return _add(actor, patient, WeightEntry, data, request)


def add_diagnosis(
    actor: Any, patient: Patient, data: Mapping[str, Any], request: HttpRequest | None = None
) -> Diagnosis:
    values = dict(data)
    if isinstance(values.get("code"), str):
        values["code"] = values["code"].strip().upper()
    return _add(actor, patient, Diagnosis, values, request)


def add_trial(
    actor: Any, patient: Patient, data: Mapping[str, Any], request: HttpRequest | None = None
) -> AntidepressantTrial:
    return _add(actor, patient, AntidepressantTrial, data, request)


def add_medication(
    actor: Any, patient: Patient, data: Mapping[str, Any], request: HttpRequest | None = None
) -> Medication:
    return _add(actor, patient, Medication, data, request)


def add_allergy(
    actor: Any, patient: Patient, data: Mapping[str, Any], request: HttpRequest | None = None
) -> Allergy:
    return _add(actor, patient, Allergy, data, request)


# Medication name -> class flags, from the screening engine's table.
_FLAG_CLASSES = {
    "is_benzodiazepine": "benzodiazepine",
    "is_maoi": "maoi",
    "is_psychostimulant": "psychostimulant",
    "is_opioid_antagonist": "opioid_antagonist",
    # No opioid table yet: that box is left for the person to tick.
}


def suggested_medication_flags(name: str) -> dict[str, bool]:
    """Which class boxes to pre-tick for a medication name; staff can correct them."""
    flags: dict[str, bool] = {}
    for field, medication_class in _FLAG_CLASSES.items():
        try:
            flags[field] = bool(name) and in_class(name, medication_class)  # type: ignore[arg-type]
        except (KeyError, TypeError, ValueError):
            continue
    return flags
