"""The parts of a record a patient may ask to amend: choices for a form, and each part in words.

A part is written ``kind`` (demographics) or ``kind:id`` (``diagnosis:12``). Choices list every part
of the patient that the person choosing may see (front desk and the portal's patient see what their
access allows); a fixed number of queries, each bounded.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.utils import timezone

from remit.amendments.models import AmendmentRequest as AR
from remit.core.instruments import INSTRUMENTS
from remit.measures.models import Assessment
from remit.patients.models import Allergy, Diagnosis, Medication, Patient
from remit.treatment.models import Session

LISTED = 100  # per kind: the newest first
MODELS: dict[str, Any] = {
    AR.DIAGNOSIS: Diagnosis,
    AR.MEDICATION: Medication,
    AR.ALLERGY: Allergy,
    AR.ASSESSMENT: Assessment,
    AR.SESSION: Session,
}
KIND_WORDS = {
    AR.DEMOGRAPHICS: "Demographics",
    AR.DIAGNOSIS: "Diagnosis",
    AR.MEDICATION: "Medication",
    AR.ALLERGY: "Allergy",
    AR.ASSESSMENT: "Questionnaire answers",
    AR.SESSION: "Session note",
}


def label(kind: str, record: Any) -> str:
    """One part in words, e.g. "Diagnosis F33.2 Major depressive disorder, recurrent severe"."""
    if kind == AR.DEMOGRAPHICS:
        return "Demographics (name, date of birth, contact details)"
    if kind == AR.DIAGNOSIS:
        return f"Diagnosis {record.code} {record.description}".strip()
    if kind == AR.MEDICATION:
        dose = f" {record.daily_dose_mg.normalize()} mg a day" if record.daily_dose_mg is not None else ""
        return f"Medication {record.name}{dose}"
    if kind == AR.ALLERGY:
        return f"Allergy to {record.substance}" + (f" ({record.reaction})" if record.reaction else "")
    if kind == AR.ASSESSMENT:
        instrument = INSTRUMENTS.get(record.instrument)
        name = instrument.name if instrument else "Questionnaire"
        return f"{name} answers of {timezone.localdate(record.taken_at):%Y-%m-%d}"
    if kind == AR.SESSION:
        when = timezone.localdate(record.scheduled_for)
        return f"{record.get_modality_display()} session {record.number} note, {when:%Y-%m-%d}"
    raise ValueError(kind)


def _rows(kind: str, patient: Patient) -> list[Any]:
    rows: QuerySet[Any]
    if kind == AR.DIAGNOSIS:
        rows = Diagnosis.objects.filter(patient=patient, voided_at__isnull=True).order_by("code", "id")
    elif kind == AR.MEDICATION:
        rows = Medication.objects.filter(patient=patient, voided_at__isnull=True).order_by("name", "id")
    elif kind == AR.ALLERGY:
        rows = Allergy.objects.filter(patient=patient, voided_at__isnull=True).order_by("substance", "id")
    elif kind == AR.ASSESSMENT:
        rows = Assessment.objects.filter(
            patient=patient, voided_at__isnull=True, respondent="patient"
        ).order_by("-taken_at", "-id")
    else:
        rows = Session.objects.filter(
            patient=patient, voided_at__isnull=True, signed_at__isnull=False
        ).order_by("-scheduled_for", "-id")
    return list(rows[:LISTED])


def choices(patient: Patient, *, clinical: bool) -> list[tuple[str, Any]]:
    """Grouped choices for a select: demographics, then (with ``clinical``) each clinical part."""
    grouped: list[tuple[str, Any]] = [(AR.DEMOGRAPHICS, label(AR.DEMOGRAPHICS, None))]
    if not clinical:
        return grouped
    for kind in (AR.DIAGNOSIS, AR.MEDICATION, AR.ALLERGY, AR.ASSESSMENT, AR.SESSION):
        options = [(f"{kind}:{row.pk}", label(kind, row)) for row in _rows(kind, patient)]
        if options:
            grouped.append((KIND_WORDS[kind] + "s" if kind != AR.ASSESSMENT else KIND_WORDS[kind], options))
    return grouped


def resolve(patient: Patient, value: str, *, clinical: bool) -> tuple[str, Any]:
    """``(kind, record or None)`` for a part value, checked against the patient; else ValidationError."""
    kind, _, raw_id = (value or "").partition(":")
    if kind == AR.DEMOGRAPHICS and not raw_id:
        return kind, None
    if kind not in MODELS or not raw_id.isdigit():
        raise ValidationError({"part": ["Choose the part of the record to amend from the list."]})
    if not clinical:
        raise ValidationError({"part": ["Your role may ask to amend demographics only."]})
    record = MODELS[kind].objects.filter(pk=int(raw_id), patient=patient).first()
    if record is None:
        raise ValidationError(
            {"part": ["That part is not in this patient's record; choose one from the list."]}
        )
    return kind, record
