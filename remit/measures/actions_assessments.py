"""Record and void assessments: score, store, audit and raise any safety alert in one transaction.

Scoring is the clinical core's (``remit.core.instruments.score``); nothing
here re-implements it.  A refused call raises ``ValidationError`` keyed by
item id or field name and stores nothing.  Safety alerts (suicidal ideation,
C-SSRS risk) are raised in the same transaction as the assessment that
caused them, and ``assessment_recorded`` is emitted for decision support.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.utils import timezone

from remit import events
from remit.audit import actions as audit
from remit.core.instruments import AnswerError, ScoreResult, UnknownInstrument, get_instrument, score
from remit.core.instruments.pages import item_message
from remit.measures.models import Assessment, PortalLink, QuestionnaireRequest
from remit.patients.models import Patient

VOIDED_PATIENT = "This patient's record is voided; nothing can be added to it."

# The item whose answer ≥ 1 raised the flag, for the alert's reason.
SUICIDE_ITEMS = {"phq9": "q9", "qids_sr16": "q12"}
CSSRS_SEVERITY = {"low": "low", "moderate": "medium", "high": "high"}


def answer_error(code: str, error: AnswerError) -> ValidationError:
    return ValidationError({error.item or "answers": [item_message(code, error)]})


def _session_fields(session: Any) -> tuple[str, str]:
    """A session link as (type, id): None, an id, a (type, id) pair, or a model instance."""
    if session is None or session == "":
        return "", ""
    if isinstance(session, models.Model):
        return session._meta.label_lower, str(session.pk)
    if isinstance(session, tuple | list) and len(session) == 2:
        return str(session[0])[:60], str(session[1])[:60]
    return "", str(session)[:60]


def _alerts_for(assessment: Assessment, result: ScoreResult) -> list[dict[str, Any]]:
    instrument = get_instrument(result.instrument)
    who = "on the patient portal" if assessment.respondent == Assessment.PATIENT else "rated by a clinician"
    detail: dict[str, Any] = {
        "instrument": result.instrument,
        "assessment_id": assessment.pk,
        "total": result.total,
        "band": result.band,
        "flags": list(result.flags),
    }
    raised = []
    if "suicidal_ideation" in result.flags:
        item_id = SUICIDE_ITEMS.get(result.instrument)
        if item_id is not None:
            item = instrument.item(item_id)
            value = result.answers.get(item_id)
            option = item.option(value) if value is not None else None
            what = f"item {item_id[1:]} ({item.label.lower()}) answered {value}" + (
                f" ({option.label})" if option else ""
            )
        else:
            what = "suicidal ideation reported"
        raised.append(
            {
                "kind": "suicidal_ideation",
                "severity": "high",
                "reason": f"{instrument.name}: {what}, {who}.",
                "detail": {**detail, "item": item_id},
            }
        )
    if result.instrument == "cssrs_screen" and result.band in CSSRS_SEVERITY:
        raised.append(
            {
                "kind": "cssrs_risk",
                "severity": CSSRS_SEVERITY[result.band],
                "reason": f"C-SSRS screen: {result.band} risk, {who}.",
                "detail": detail,
            }
        )
    return raised


# How far ahead of the server's clock an answer time may be (devices' clocks drift by a little).
TAKEN_AT_CLOCK_SKEW = dt.timedelta(minutes=5)


def answer_clock() -> dt.datetime:
    """The time answer times are checked against (tests that pretend it is another day patch this)."""
    return timezone.now()


def taken_at_problem(date_of_birth: dt.date | None, taken_at: dt.datetime) -> str | None:
    """Why an answer time cannot be right (before the birth, or more than a few minutes ahead), or None."""
    if timezone.is_naive(taken_at):
        taken_at = timezone.make_aware(taken_at)
    shown = taken_at.isoformat(timespec="minutes")
    if taken_at > answer_clock() + TAKEN_AT_CLOCK_SKEW:
        return f"{shown} is in the future; give the time the answers were given."
    if date_of_birth is not None and taken_at < timezone.make_aware(
        dt.datetime.combine(date_of_birth, dt.time.min)
    ):
        return (
            f"{shown} is before the patient's birth ({date_of_birth:%Y-%m-%d}); "
            "give the time the answers were given."
        )
    return None


def check_taken_at(patient: Patient, taken_at: dt.datetime | None) -> dt.datetime:
    """The time an assessment was answered: now when not given; refused (naming ``taken_at``) when it
    is before the patient's birth or more than a few minutes in the future."""
    if taken_at is None:
        return timezone.now()
    if timezone.is_naive(taken_at):
        taken_at = timezone.make_aware(taken_at)
    problem = taken_at_problem(patient.date_of_birth, taken_at)
    if problem:
        raise ValidationError({"taken_at": [problem]})
    return taken_at


def record_assessment(
    *,
    patient: Patient,
    instrument: str,
    answers: Mapping[str, Any],
    respondent: str,
    actor: Any = None,
    request: Any = None,
    session: Any = None,
    questionnaire_request: QuestionnaireRequest | None = None,
    portal_link: PortalLink | None = None,
    sex: str | None = None,
    taken_at: dt.datetime | None = None,
    actor_label: str = "",
) -> Assessment:
    """Score, store, audit and raise any safety alert — all or nothing."""
    if respondent not in (Assessment.PATIENT, Assessment.CLINICIAN):
        raise ValidationError({"respondent": [f"{respondent!r} must be patient or clinician"]})
    if not isinstance(answers, Mapping):
        raise ValidationError({"answers": ["Answers must be an object keyed by item id."]})
    try:
        result = score(instrument, answers, sex=sex or None)
    except UnknownInstrument as error:
        raise ValidationError({"instrument": [str(error)]}) from None
    except AnswerError as error:
        raise answer_error(instrument, error) from None
    if patient.is_voided:
        raise ValidationError(VOIDED_PATIENT)
    if not any(value is not None for value in result.answers.values()):
        raise ValidationError({"answers": ["No item is answered: an assessment needs at least one answer."]})
    taken_at = check_taken_at(patient, taken_at)
    session_type, session_id = _session_fields(session)

    from remit.alerts.actions import raise_alert  # the alerts app is built beside this one

    with transaction.atomic():
        assessment = Assessment.objects.create(
            patient=patient,
            instrument=result.instrument,
            instrument_version=result.version,
            answers=dict(result.answers),
            total=result.total,
            max_total=result.max,
            band=result.band or "",
            flags=list(result.flags),
            valid=result.valid,
            missing=list(result.missing),
            respondent=respondent,
            entered_by=actor,
            session_type=session_type,
            session_id=session_id,
            questionnaire_request=questionnaire_request,
            portal_link=portal_link,
            taken_at=taken_at,
            sex=sex or "",
        )
        detail = {
            "instrument": result.instrument,
            "respondent": respondent,
            "valid": result.valid,
            "total": result.total,
            "band": result.band,
            "flags": list(result.flags),
            "request_id": getattr(questionnaire_request, "pk", None),
        }
        if portal_link is not None:
            detail["link_id"] = portal_link.pk
        audit.record(
            audit.CREATE,
            actor=actor,
            actor_label=actor_label,
            request=request,
            obj=assessment,
            patient=patient,
            detail=detail,
        )
        staff = actor is not None
        for alert in _alerts_for(assessment, result):
            raise_alert(
                patient=patient,
                source=assessment,
                dedupe_key=f"assessment:{assessment.pk}:{alert['kind']}",
                actor=actor,
                request=request if staff else None,
                **alert,
            )
        events.emit(events.ASSESSMENT_RECORDED, patient=patient, actor=actor, source=assessment)
    return assessment


def void_assessment(actor: Any, assessment: Assessment, reason: str, request: Any = None) -> Assessment:
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": ["Give the reason this assessment is voided."]})
    with transaction.atomic():
        locked = Assessment.objects.select_for_update().get(pk=assessment.pk)
        if locked.is_voided:
            raise ValidationError("This assessment is already voided.")
        locked.voided_at = timezone.now()
        locked.voided_by = actor
        locked.void_reason = reason[:500]
        locked.save(update_fields=["voided_at", "voided_by", "void_reason"])
        audit.record(
            audit.VOID,
            actor=actor,
            request=request,
            obj=locked,
            patient=locked.patient_id,
            clinic_id=assessment.patient.clinic_id,
            detail={"reason": locked.void_reason},
        )
    return locked
