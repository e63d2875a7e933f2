"""The worker's measures jobs: send due questionnaire requests, remind, mark missed.

Several workers may run at once (see ``remit.jobs``): each request is claimed
with ``select_for_update(skip_locked=True)`` in its own transaction, the
condition that made it due is part of the locked query, and the state change
that marks it done (status ``sent``, ``reminders_sent`` + 1, ``missed`` or ``partial``) is
written in the same transaction as the send.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone

from remit import events
from remit.audit import actions as audit
from remit.jobs import job
from remit.measures import actions_portal_links, actions_questionnaire_requests
from remit.measures.models import Assessment, QuestionnaireRequest

logger = logging.getLogger("remit.measures")

BATCH = 50
# A request the worker could not send (no consented contact, gateway down) is tried again after this.
RETRY_AFTER = timedelta(hours=1)
REMINDER_EVERY = timedelta(days=1)


def due_questionnaire_requests(now: datetime) -> QuerySet[QuestionnaireRequest]:
    return QuestionnaireRequest.objects.filter(
        status=QuestionnaireRequest.PENDING, due_date__lte=timezone.localdate(now), closes_at__gt=now
    ).filter(Q(last_attempt_at__isnull=True) | Q(last_attempt_at__lte=now - RETRY_AFTER))


def due_reminders(now: datetime) -> QuerySet[QuestionnaireRequest]:
    return QuestionnaireRequest.objects.filter(
        status=QuestionnaireRequest.SENT,
        reminders_sent__lt=settings.REMIT_PORTAL_MAX_REMINDERS,
        last_sent_at__lte=now - REMINDER_EVERY,
        closes_at__gt=now,
    ).filter(Q(last_attempt_at__isnull=True) | Q(last_attempt_at__lte=now - RETRY_AFTER))


def claim_one(queryset: QuerySet[QuestionnaireRequest]) -> QuestionnaireRequest | None:
    """Lock the first due row no other worker holds (call inside ``transaction.atomic``)."""
    return (
        queryset.select_for_update(skip_locked=True, of=("self",))
        .select_related("patient")
        .order_by("due_date", "id")
        .first()
    )


def _send_each(
    queryset: Callable[[], QuerySet[QuestionnaireRequest]], now: datetime, *, reminder: bool
) -> int:
    sent = 0
    for _ in range(BATCH):
        with transaction.atomic():
            questionnaire_request = claim_one(queryset())
            if questionnaire_request is None:
                break
            channels = actions_portal_links.consented_channels(questionnaire_request.patient)
            if reminder and questionnaire_request.last_channel in channels:
                channels.remove(questionnaire_request.last_channel)
                channels.insert(0, questionnaire_request.last_channel)
            if not channels:
                actions_portal_links.note_send_failure(
                    questionnaire_request, "The patient consents to no channel we have a contact for.", now
                )
                continue
            try:
                actions_portal_links.send_questionnaire_request(
                    questionnaire_request, channels[0], reminder=reminder, now=now
                )
            except Exception as error:  # one bad row must not stop the batch; it is retried later
                logger.exception("questionnaire request %s: sending failed", questionnaire_request.pk)
                actions_portal_links.note_send_failure(questionnaire_request, f"Sending failed: {error}", now)
                continue
            sent += 1
    return sent


@job("measures.send_due_questionnaire_requests", every_seconds=60)
def send_due_questionnaire_requests(now: datetime) -> int:
    """Pending requests due today (or earlier, still open) → the first message by the preferred consented channel."""
    return _send_each(lambda: due_questionnaire_requests(now), now, reminder=False)


@job("measures.send_reminders", every_seconds=300)
def send_reminders(now: datetime) -> int:
    """Sent but unanswered for a day → a reminder with a new link, up to REMIT_PORTAL_MAX_REMINDERS."""
    return _send_each(lambda: due_reminders(now), now, reminder=True)


@job("measures.mark_missed", every_seconds=300)
def mark_missed(now: datetime) -> int:
    """Open requests whose window has closed → ``missed``, or ``partial`` when some pages were answered.

    The portal stores each questionnaire as the patient leaves its page, so
    an abandoned visit can hold some assessments: they stay (and any alert
    they raised stays open); the request becomes ``partial``.  One whose every
    questionnaire was stored but whose last submit never came is ``completed``.
    Either way its links stop working.  A missed one that makes the
    patient's run of missed questionnaires reach the clinic's setting raises
    the ``missed_assessment`` alert, in the same transaction.
    """
    marked = 0
    while True:
        with transaction.atomic():
            batch = list(
                QuestionnaireRequest.objects.select_for_update(skip_locked=True, of=("self",))
                .select_related("patient")
                .filter(status__in=QuestionnaireRequest.OPEN, closes_at__lte=now)
                .order_by("id")[:BATCH]
            )
            answered: dict[int, dict[str, datetime]] = {}
            for questionnaire_request_id, code, taken_at in Assessment.objects.filter(
                questionnaire_request_id__in=[m.pk for m in batch], voided_at__isnull=True
            ).values_list("questionnaire_request_id", "instrument", "taken_at"):
                answered.setdefault(questionnaire_request_id, {})[code] = taken_at
            for questionnaire_request in batch:
                stored = answered.get(questionnaire_request.pk, {})
                fields = ["status"]
                if stored and all(code in stored for code in questionnaire_request.instruments):
                    questionnaire_request.status = QuestionnaireRequest.COMPLETED
                    questionnaire_request.completed_at = max(stored.values())
                    fields.append("completed_at")
                elif stored:
                    questionnaire_request.status = QuestionnaireRequest.PARTIAL
                else:
                    questionnaire_request.status = QuestionnaireRequest.MISSED
                questionnaire_request.save(update_fields=fields)
                detail: dict[str, object] = {
                    "status": questionnaire_request.status,
                    "closes_at": questionnaire_request.closes_at.isoformat(),
                }
                if stored:
                    detail["answered"] = [c for c in questionnaire_request.instruments if c in stored]
                    detail["unanswered"] = [c for c in questionnaire_request.instruments if c not in stored]
                audit.record(
                    audit.UPDATE,
                    actor_label=actions_questionnaire_requests.WORKER_LABEL,
                    obj=questionnaire_request,
                    patient=questionnaire_request.patient,
                    detail=detail,
                )
                if questionnaire_request.status == QuestionnaireRequest.MISSED:
                    events.emit(
                        events.QUESTIONNAIRE_MISSED,
                        patient=questionnaire_request.patient,
                        source=questionnaire_request,
                    )
            marked += len(batch)
        if len(batch) < BATCH:
            return marked
