"""JSON API for measures under /api/v1/measures/ (session auth from the NinjaAPI).

- ``GET  instruments``: codes, names, items and ranges (never licensed wording).
- ``POST patients/{id}/assessments``: clinician entry → 201 with the score;
  422 naming the item on a bad answer (nothing stored).
- ``GET  patients/{id}/assessments``: the patient's assessments, newest first.

Another clinic's patient is a 404; a role without the capability a 403.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Router, Schema
from ninja.errors import HttpError
from ninja.responses import Status

from remit.audit import actions as audit
from remit.core.instruments import INSTRUMENTS, UnknownInstrument, get_instrument
from remit.measures import actions_assessments
from remit.measures.models import Assessment
from remit.patients.models import Patient

router = Router(tags=["measures"])

MAX_LISTED = 500


class OptionOut(Schema):
    value: int
    label: str


class ItemOut(Schema):
    id: str
    label: str
    text: str | None
    min: int
    max: int
    scored: bool
    yes_no: bool
    conditional: bool
    options: list[OptionOut]


class BandOut(Schema):
    name: str
    low: int | None
    high: int | None


class InstrumentOut(Schema):
    code: str
    name: str
    version: str
    respondent: str
    recall_period: str | None
    total_min: int
    total_max: int
    wording_licensed: bool
    loinc_panel: str | None
    loinc_total: str | None
    bands: list[BandOut]
    items: list[ItemOut]


class AssessmentIn(Schema):
    instrument: str
    answers: dict[str, Any]
    sex: str | None = None
    session_id: str | None = None
    taken_at: dt.datetime | None = None


class AssessmentOut(Schema):
    id: int
    instrument: str
    version: str
    valid: bool
    total: int | None
    max: int | None
    band: str | None
    flags: list[str]
    missing: list[str]
    loinc: str | None
    respondent: str
    taken_at: dt.datetime
    answers: dict[str, Any]
    session_id: str
    voided: bool


class ErrorOut(Schema):
    detail: Any


def _staff(request: HttpRequest, capability: str) -> Any:
    user = request.user
    is_verified = getattr(user, "is_verified", None)
    if settings.REMIT_MFA_REQUIRED and callable(is_verified) and not is_verified():
        raise HttpError(401, "Sign in with your second factor first.")
    if not user.can_in_any_clinic(capability):  # type: ignore[union-attr]
        raise HttpError(403, "Your role does not allow this.")
    request.staff_capability = capability  # type: ignore[attr-defined]
    return user


def _patient(request: HttpRequest, patient_id: int) -> Patient:
    """A patient of a clinic where the caller holds the capability the endpoint needs, else 404."""
    capability = request.staff_capability  # type: ignore[attr-defined]
    return get_object_or_404(Patient.objects.visible_to(request.user, capability), pk=patient_id)


def _out(a: Assessment) -> dict[str, Any]:
    return {
        "id": a.pk,
        "instrument": a.instrument,
        "version": a.instrument_version,
        "valid": a.valid,
        "total": a.total,
        "max": a.max_total,
        "band": a.band or None,
        "flags": list(a.flags or []),
        "missing": list(a.missing or []),
        "loinc": INSTRUMENTS[a.instrument].loinc_total if a.instrument in INSTRUMENTS else None,
        "respondent": a.respondent,
        "taken_at": a.taken_at,
        "answers": a.answers,
        "session_id": a.session_id,
        "voided": a.is_voided,
    }


@router.get("/instruments", response=list[InstrumentOut], summary="Instruments, items and ranges")
def instruments(request: HttpRequest) -> list[dict[str, Any]]:
    _staff(request, "clinical.view")
    return [
        {
            "code": i.code,
            "name": i.name,
            "version": i.version,
            "respondent": i.respondent,
            "recall_period": i.recall_period,
            "total_min": i.total_min,
            "total_max": i.total_max,
            "wording_licensed": i.wording_licensed,
            "loinc_panel": i.loinc_panel,
            "loinc_total": i.loinc_total,
            "bands": [{"name": b.name, "low": b.low, "high": b.high} for b in i.bands],
            "items": [
                {
                    "id": item.id,
                    "label": item.label,
                    "text": None if i.wording_licensed else item.text,
                    "min": item.min_value,
                    "max": item.max_value,
                    "scored": item.scored,
                    "yes_no": item.yes_no,
                    "conditional": item.conditional,
                    "options": [{"value": o.value, "label": o.label} for o in item.options],
                }
                for item in i.items
            ],
        }
        for i in INSTRUMENTS.values()
    ]


@router.post(
    "/patients/{patient_id}/assessments",
    response={201: AssessmentOut, 422: ErrorOut},
    summary="Record a clinician-entered assessment",
)
def create_assessment(request: HttpRequest, patient_id: int, payload: AssessmentIn) -> Any:
    _staff(request, "measures.rate")
    patient = _patient(request, patient_id)
    try:
        instrument = get_instrument(payload.instrument)
    except UnknownInstrument as error:
        return Status(422, {"detail": {"instrument": str(error)}})
    answers: dict[str, Any] = {}
    for key, value in payload.answers.items():
        # JSON true/false for yes/no items, as the CLI accepts them.
        item = next((i for i in instrument.items if i.id == key), None)
        answers[key] = int(value) if isinstance(value, bool) and item is not None and item.yes_no else value
    try:
        assessment = actions_assessments.record_assessment(
            patient=patient,
            instrument=instrument.code,
            answers=answers,
            respondent=Assessment.CLINICIAN,
            actor=request.user,
            request=request,
            session=payload.session_id or None,
            sex=payload.sex,
            taken_at=payload.taken_at,
        )
    except ValidationError as error:
        detail = (
            {key: " ".join(messages) for key, messages in error.message_dict.items()}
            if hasattr(error, "error_dict")
            else {"answers": " ".join(error.messages)}
        )
        return Status(422, {"detail": detail})
    return Status(201, _out(assessment))


@router.get(
    "/patients/{patient_id}/assessments", response=list[AssessmentOut], summary="A patient's assessments"
)
def list_assessments(
    request: HttpRequest, patient_id: int, instrument: str | None = None
) -> list[dict[str, Any]]:
    _staff(request, "clinical.view")
    patient = _patient(request, patient_id)
    rows = Assessment.objects.filter(patient=patient).order_by("-taken_at", "-id")
    if instrument:
        rows = rows.filter(instrument=instrument)
    result = [_out(a) for a in rows[:MAX_LISTED]]
    audit.record(
        audit.VIEW,
        request=request,
        object_type="measures.assessment",
        patient=patient,
        detail={"api": "assessments", "count": len(result), "instrument": instrument},
    )
    return result
