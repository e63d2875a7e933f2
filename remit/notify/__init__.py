"""Outbound messages: email through Django's configured backend, text messages through a pluggable one.

``send_email(to, subject, body)`` uses ``django.core.mail.send_mail`` with
``settings.EMAIL_BACKEND`` (REMIT_EMAIL_BACKEND: console, file, smtp, memory).

``send_sms(to, body)`` uses the backend named by ``settings.REMIT_SMS_BACKEND``
(REMIT_SMS_BACKEND), read at every send so tests can switch it:

- ``console``: prints the message to standard output;
- ``file`` (the default): appends one JSON line ``{"at", "to", "body"}`` to
  ``settings.VAR_DIR / "sms.log"``;
- ``memory``: appends ``SMS(to, body)`` to ``remit.notify.sms_outbox`` (tests);
- anything else is the dotted path of a class whose instances have
  ``send(to: str, body: str) -> None`` (a gateway adapter).

Both raise on failure (``fail_silently`` is off): a caller that must not lose
a message (alert escalation) retries; one that must not fail (the portal)
catches and logs.

Messages leave the building unencrypted, so they carry no more protected
health information than necessary: no patient names, dates of birth, scores
or diagnoses.  ``alert_message(clinic_name)`` is the text for alerts;
``emergency_access_message(clinic_name)`` tells a clinic's administrators that someone
broke the glass.
"""

from __future__ import annotations

from django.conf import settings
from django.core.mail import send_mail

from remit.notify.sms import SMS, get_sms_backend, send_sms, sms_outbox

__all__ = [
    "SMS",
    "alert_message",
    "emergency_access_message",
    "get_sms_backend",
    "send_email",
    "send_sms",
    "sms_outbox",
]


def send_email(to: str, subject: str, body: str) -> None:
    """One plain-text email to one address, from DEFAULT_FROM_EMAIL."""
    if not to or not to.strip():
        raise ValueError("send_email needs a recipient address")
    send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [to.strip()], fail_silently=False)


def alert_message(clinic_name: str) -> str:
    """The only text an alert notification carries: where to look, not what it is about."""
    return f"Remit: a high-priority alert needs review at {clinic_name}. Sign in to view."


def emergency_access_message(clinic_name: str) -> str:
    """What a clinic's administrators are sent when someone opens a patient under emergency access."""
    return (
        f"Remit: a clinician of another clinic opened a patient's record at {clinic_name} under emergency "
        "access. Sign in and open the audit trail to review who, which patient and why."
    )
