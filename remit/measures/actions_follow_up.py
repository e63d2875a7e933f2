"""Follow-up of missed and partly answered questionnaires: the run of misses, resending, answers by phone."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from remit.audit import actions as audit
from remit.core.instruments import get_instrument
from remit.measures.actions_assessments import VOIDED_PATIENT, record_assessment
from remit.measures.actions_portal_links import consented_channels, send_questionnaire_request
from remit.measures.actions_questionnaire_requests import live_assessments, unanswered_instruments
from remit.measures.models import Assessment, PortalLink, QuestionnaireRequest
from remit.patients.models import Patient

FOLLOW_UP = (QuestionnaireRequest.MISSED, QuestionnaireRequest.PARTIAL)
RUN_LOOKBACK = 50


def missed_in_a_row(patient: Patient) -> list[QuestionnaireRequest]:
    """The patient's latest closed questionnaires that were not answered at all, newest first.

    The run counts back from the latest closed questionnaire request (by due date) and stops
    at the first one answered in full or in part; cancelled ones are skipped.
    """
    closed = QuestionnaireRequest.objects.filter(
        patient=patient,
        status__in=(
            QuestionnaireRequest.COMPLETED,
            QuestionnaireRequest.PARTIAL,
            QuestionnaireRequest.MISSED,
        ),
    ).order_by("-due_date", "-id")[:RUN_LOOKBACK]
    run: list[QuestionnaireRequest] = []
    for questionnaire_request in closed:
        if questionnaire_request.status != QuestionnaireRequest.MISSED:
            break
        run.append(questionnaire_request)
    return run


def resend_questionnaire_request(
    actor: Any,
    questionnaire_request: QuestionnaireRequest,
    request: Any = None,
    *,
    now: dt.datetime | None = None,
) -> PortalLink:
    """Send a new link for a missed, partly answered or still open questionnaire, by a consented channel.

    A closed questionnaire request is reopened (its window now ends when the new link
    expires), so the patient answers what is still unanswered; the send
    counts as a reminder.  One transaction: reopening, the link, both audit
    rows and the message.
    """
    now = now or timezone.now()
    with transaction.atomic():
        locked = (
            QuestionnaireRequest.objects.select_for_update()
            .select_related("patient")
            .get(pk=questionnaire_request.pk)
        )
        if locked.status not in (*QuestionnaireRequest.OPEN, *FOLLOW_UP):
            raise ValidationError(
                f"This questionnaire is {locked.get_status_display().lower()}; nothing was sent."
            )
        if locked.patient.is_voided:
            raise ValidationError(VOIDED_PATIENT)
        channels = consented_channels(locked.patient)
        if not channels:
            raise ValidationError(
                "The patient consents to no channel we have a contact for; nothing was sent. "
                "Call the patient and enter the answers given by phone."
            )
        if locked.last_channel in channels:
            channels.remove(locked.last_channel)
            channels.insert(0, locked.last_channel)
        if locked.status in FOLLOW_UP:
            before = locked.status
            locked.status = QuestionnaireRequest.SENT
            locked.closes_at = max(
                locked.closes_at, now + dt.timedelta(hours=settings.REMIT_PORTAL_LINK_HOURS)
            )
            locked.save(update_fields=["status", "closes_at"])
            audit.record(
                audit.UPDATE,
                actor=actor,
                request=request,
                obj=locked,
                patient=locked.patient,
                detail={"reopened_from": before, "closes_at": locked.closes_at.isoformat()},
            )
        link = send_questionnaire_request(locked, channels[0], actor, request, reminder=True, now=now)
    questionnaire_request.refresh_from_db()
    return link


def record_phone_answers(
    actor: Any,
    questionnaire_request: QuestionnaireRequest,
    code: str,
    answers: Mapping[str, Any],
    request: Any = None,
    *,
    sex: str | None = None,
) -> Assessment:
    """Store the answers a patient gave by phone for one questionnaire of a questionnaire request, entered by staff.

    The assessment goes through ``record_assessment`` (scored, audited, any
    safety alert raised) as the patient's answers, entered by ``actor``.
    The questionnaire request is completed once every questionnaire is stored (a missed one
    with some left becomes partly answered); its links stop working.
    """
    with transaction.atomic():
        locked = (
            QuestionnaireRequest.objects.select_for_update()
            .select_related("patient")
            .get(pk=questionnaire_request.pk)
        )
        if locked.status in (QuestionnaireRequest.COMPLETED, QuestionnaireRequest.CANCELLED):
            raise ValidationError(f"This questionnaire is {locked.get_status_display().lower()}.")
        if code not in locked.instruments:
            raise ValidationError(
                {"instrument": [f"{get_instrument(code).name} is not asked in this questionnaire request."]}
            )
        if code in live_assessments(locked):
            raise ValidationError(
                f"{get_instrument(code).name} is already answered for this questionnaire request."
            )
        now = timezone.now()
        assessment = record_assessment(
            patient=locked.patient,
            instrument=code,
            answers=answers,
            respondent=Assessment.PATIENT,
            actor=actor,
            request=request,
            questionnaire_request=locked,
            sex=sex,
            taken_at=now,
        )
        stored = live_assessments(locked)
        before = locked.status
        fields = ["status"]
        if not unanswered_instruments(locked, stored):
            locked.status = QuestionnaireRequest.COMPLETED
            locked.completed_at = now
            fields.append("completed_at")
            PortalLink.objects.filter(questionnaire_request=locked, used_at__isnull=True).update(used_at=now)
        elif locked.status == QuestionnaireRequest.MISSED:
            locked.status = QuestionnaireRequest.PARTIAL
        if locked.status != before:
            locked.save(update_fields=fields)
        audit.record(
            audit.UPDATE,
            actor=actor,
            request=request,
            obj=locked,
            patient=locked.patient,
            detail={
                "answers_given_by": "phone",
                "instrument": code,
                "assessment": assessment.pk,
                "status_before": before,
                "status": locked.status,
            },
        )
    questionnaire_request.refresh_from_db()
    return assessment
