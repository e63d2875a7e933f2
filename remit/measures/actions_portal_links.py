"""Portal links: make a single-use link for a request and send it by a channel the patient consents to.

The message names no patient and no questionnaire; the raw token is only in
the message, the database keeps its sha256.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from remit.audit import actions as audit
from remit.measures.actions_questionnaire_requests import WORKER_LABEL
from remit.measures.models import PortalLink, QuestionnaireRequest
from remit.patients.models import Patient

FIRST_MESSAGE_TEXT = "Your clinic asks you to answer a short questionnaire: {url}"
REMINDER_TEXT = "Reminder: your clinic asks you to answer a short questionnaire: {url}"
EMAIL_SUBJECT = "A short questionnaire from your clinic"
REMINDER_SUBJECT = "Reminder: a short questionnaire from your clinic"
EMAIL_FOOTER = (
    "\n\nThe link works once and expires in {hours} hours. You will be asked for your date of birth first.\n"
    "If you are in danger now, call 911. For the 988 Suicide & Crisis Lifeline, call or text 988."
)


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def consented_channels(patient: Patient) -> list[str]:
    """Channels the patient consents to and has a contact for, preferred first."""
    channels = []
    if patient.consent_sms and patient.phone.strip():
        channels.append(PortalLink.SMS)
    if patient.consent_email and patient.email.strip():
        channels.append(PortalLink.EMAIL)
    if patient.preferred_contact in channels:
        channels.remove(patient.preferred_contact)
        channels.insert(0, patient.preferred_contact)
    return channels


def check_channel(patient: Patient, channel: str) -> str:
    if channel == PortalLink.EMAIL:
        if not patient.consent_email:
            raise ValidationError({"channel": ["The patient has not consented to email; nothing was sent."]})
        if not patient.email.strip():
            raise ValidationError(
                {"channel": ["No email address is recorded for the patient; nothing was sent."]}
            )
        return patient.email.strip()
    if channel == PortalLink.SMS:
        if not patient.consent_sms:
            raise ValidationError(
                {"channel": ["The patient has not consented to text messages; nothing was sent."]}
            )
        if not patient.phone.strip():
            raise ValidationError(
                {"channel": ["No phone number is recorded for the patient; nothing was sent."]}
            )
        return patient.phone.strip()
    raise ValidationError({"channel": [f"{channel!r} is not a channel; use email or sms."]})


def portal_url(token: str, request: Any = None) -> str:
    path = reverse("portal:open", kwargs={"token": token})
    base = settings.REMIT_PORTAL_BASE_URL
    if base:
        return base + path
    if request is not None and hasattr(request, "build_absolute_uri"):
        return request.build_absolute_uri(path)
    return "http://127.0.0.1:8000" + path


def create_link(
    questionnaire_request: QuestionnaireRequest,
    channel: str,
    actor: Any = None,
    *,
    now: dt.datetime | None = None,
) -> tuple[PortalLink, str]:
    """A new single-use link; returns it with the raw token (stored nowhere, only sent)."""
    token = secrets.token_urlsafe(32)
    now = now or timezone.now()
    link = PortalLink.objects.create(
        questionnaire_request=questionnaire_request,
        token_hash=hash_token(token),
        created_at=now,
        expires_at=now + dt.timedelta(hours=settings.REMIT_PORTAL_LINK_HOURS),
        channel=channel,
        created_by=actor,
    )
    return link, token


def send_questionnaire_request(
    questionnaire_request: QuestionnaireRequest,
    channel: str,
    actor: Any = None,
    request: Any = None,
    *,
    reminder: bool = False,
    now: dt.datetime | None = None,
) -> PortalLink:
    """Create a link and send it by ``channel``; the message names no patient and no questionnaire.

    The returned link carries the sent address in ``link.url`` (not stored).
    """
    from remit.notify import send_email, send_sms

    patient = questionnaire_request.patient
    address = check_channel(patient, channel)
    with transaction.atomic():
        locked = QuestionnaireRequest.objects.select_for_update().get(pk=questionnaire_request.pk)
        if not locked.is_open:
            raise ValidationError(f"This questionnaire request is {locked.status}; nothing was sent.")
        now = now or timezone.now()
        link, token = create_link(locked, channel, actor, now=now)
        url = portal_url(token, request)
        locked.status = QuestionnaireRequest.SENT
        locked.last_sent_at = now
        locked.last_attempt_at = now
        locked.last_channel = channel
        locked.last_error = ""
        if reminder:
            locked.reminders_sent += 1
        locked.save(
            update_fields=[
                "status",
                "last_sent_at",
                "last_attempt_at",
                "last_channel",
                "last_error",
                "reminders_sent",
            ]
        )
        audit.record(
            audit.CREATE,
            actor=actor,
            actor_label="" if actor is not None or request is not None else WORKER_LABEL,
            request=request,
            obj=link,
            patient=patient,
            detail={"channel": channel, "request_id": locked.pk, "reminder": reminder},
        )
        text = (REMINDER_TEXT if reminder else FIRST_MESSAGE_TEXT).format(url=url)
        if channel == PortalLink.EMAIL:
            footer = EMAIL_FOOTER.format(hours=settings.REMIT_PORTAL_LINK_HOURS)
            send_email(address, REMINDER_SUBJECT if reminder else EMAIL_SUBJECT, text + footer)
        else:
            send_sms(address, text)
    for field in (
        "status",
        "last_sent_at",
        "last_attempt_at",
        "last_channel",
        "last_error",
        "reminders_sent",
    ):
        setattr(questionnaire_request, field, getattr(locked, field))
    link.url = url  # type: ignore[attr-defined]
    return link


def start_kiosk_visit(
    questionnaire_request: QuestionnaireRequest, actor: Any, request: Any = None
) -> PortalLink:
    """A link for a visit on a clinic tablet, started by ``actor`` for a patient who is there.

    No message is sent and no token leaves this call: the tablet's portal session is bound to the
    link directly. The staff member who started it vouches for who the patient is, so no date of
    birth is asked; the start is audited as them.
    """
    with transaction.atomic():
        locked = QuestionnaireRequest.objects.select_for_update().get(pk=questionnaire_request.pk)
        if not locked.is_open:
            raise ValidationError(f"This questionnaire request is {locked.status}; nothing was started.")
        now = timezone.now()
        link, _token = create_link(locked, PortalLink.KIOSK, actor, now=now)
        # The visit lasts as long as the patient is at the tablet, not the days a texted link does.
        link.expires_at = now + dt.timedelta(hours=KIOSK_HOURS)
        link.save(update_fields=["expires_at"])
        locked.status = QuestionnaireRequest.SENT
        locked.last_sent_at = locked.last_attempt_at = now
        locked.last_channel = PortalLink.KIOSK
        locked.save(update_fields=["status", "last_sent_at", "last_attempt_at", "last_channel"])
        audit.record(
            audit.CREATE,
            actor=actor,
            request=request,
            obj=link,
            patient=locked.patient,
            detail={
                "channel": PortalLink.KIOSK,
                "request_id": locked.pk,
                "date_of_birth": "vouched by staff",
            },
        )
    return link


# How long a visit started on a clinic tablet stays open.
KIOSK_HOURS = 2


def note_send_failure(
    questionnaire_request: QuestionnaireRequest, message: str, now: dt.datetime | None = None
) -> None:
    QuestionnaireRequest.objects.filter(pk=questionnaire_request.pk).update(
        last_attempt_at=now or timezone.now(), last_error=message[:300]
    )
