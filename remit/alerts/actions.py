"""Raising, acknowledging and escalating alerts; the clinic's escalation list.

The API other apps code against:

- ``raise_alert(*, patient, kind, severity, reason, detail=None, source=None,
  dedupe_key=None, actor=None, request=None) -> Alert``
- ``acknowledge_alert(alert, *, actor, note, request=None) -> Alert``
- ``escalate_due_alerts(now=None) -> int`` (run by ``remit worker``)
- ``alert_emergency_access(event)``: the listener of ``EMERGENCY_ACCESS_GRANTED``

Escalation of a high alert
--------------------------
1. ``raise_alert`` stores the alert due for its first notification now; when
   the caller's transaction commits, the first person on the clinic's
   escalation list is notified (email and/or SMS per their entry) and the next
   step is set ``REMIT_ALERT_ESCALATION_MINUTES`` later.  If that immediate
   notification fails (mail server down), the alert stays due and the worker
   sends it on its next tick.
2. Each time the time-out passes without an acknowledgement, the worker
   notifies the next person on the list and bumps ``escalation_level``.
3. When the list is exhausted, the last person is notified again every
   period until someone acknowledges: escalation never silently stops.
4. A clinic with no (reachable) escalation contacts falls back to all of its
   active prescribers who can be reached; with nobody at all the step is
   logged as an error, audited as undeliverable and retried every period.

Every step is audited (action ``update``, actor none, ``actor_label`` "remit
worker" or "remit" for the immediate one).  Notifications carry no patient
data: only the clinic's name and "sign in to view".
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, models, transaction
from django.http import HttpRequest
from django.utils import timezone

from remit import notify
from remit.accounts import roles as R
from remit.accounts.models import Clinic, User
from remit.alerts.models import (
    ACKNOWLEDGED,
    HIGH,
    KIND_PATTERN,
    OPEN,
    SEVERITY_RANK,
    Alert,
    EscalationContact,
)
from remit.audit import actions as audit
from remit.events import EVENTS, Event, Listener

logger = logging.getLogger("remit.alerts")

WORKER_LABEL = "remit worker"
IMMEDIATE_LABEL = "remit"
RULE_LABEL = "remit (automatic rule)"
DECISION_SUPPORT_FAILED = "decision_support_failed"
ESCALATION_BATCH = 100


def _scoped_key(patient: Any, dedupe_key: str) -> str:
    return f"p{patient.pk}:{dedupe_key}"


def raise_alert(
    *,
    patient: Any,
    kind: str,
    severity: str,
    reason: str,
    detail: dict[str, Any] | None = None,
    source: models.Model | None = None,
    dedupe_key: str | None = None,
    actor: Any = None,
    request: HttpRequest | None = None,
) -> Alert:
    """Create an alert (and its audit row) in the caller's transaction; see the module docstring.

    With ``dedupe_key``, an open alert of this patient with the same key is
    returned unchanged instead of creating another.
    """
    if patient is None or getattr(patient, "pk", None) is None:
        raise ValueError("raise_alert needs a saved patient")
    if not isinstance(kind, str) or not KIND_PATTERN.match(kind):
        raise ValueError(f"alert kind must be a lower-case code like 'suicidal_ideation', not {kind!r}")
    if severity not in SEVERITY_RANK:
        raise ValueError(f"alert severity must be one of {', '.join(SEVERITY_RANK)}, not {severity!r}")
    if not isinstance(reason, str) or not reason.strip():
        raise ValueError("an alert needs a reason the clinician can read")
    if source is not None and source.pk is None:
        raise ValueError("an alert's source must be saved first")
    if dedupe_key is not None and not dedupe_key.strip():
        raise ValueError("dedupe_key may be None but not blank")

    key = _scoped_key(patient, dedupe_key.strip()) if dedupe_key is not None else None
    now = timezone.now()
    with transaction.atomic():
        if key is not None:
            existing = Alert.objects.filter(dedupe_key=key, status=OPEN).first()
            if existing is not None:
                return existing
        alert = Alert(
            clinic_id=patient.clinic_id,
            patient=patient,
            kind=kind,
            severity=severity,
            reason=reason.strip(),
            detail=detail or {},
            source_type=source._meta.label_lower if source is not None else "",
            source_id=str(source.pk) if source is not None else "",
            created_at=now,
            dedupe_key=key,
            # A high alert is due for its first notification at once.
            next_escalation_at=now if severity == HIGH else None,
        )
        try:
            with transaction.atomic():  # a savepoint: a lost race must not spoil the caller's transaction
                alert.save()
        except IntegrityError:
            if key is None:
                raise
            # Another process raised the same alert between our check and our insert.
            return Alert.objects.get(dedupe_key=key, status=OPEN)
        label = ""
        if actor is None and not (request is not None and request.user.is_authenticated):
            label = RULE_LABEL
        audit.record(
            audit.CREATE,
            actor=actor,
            actor_label=label,
            request=request,
            obj=alert,
            patient=patient,
            detail={"kind": kind, "severity": severity, "source": f"{alert.source_type}:{alert.source_id}"},
        )
        if severity == HIGH:
            transaction.on_commit(lambda: _notify_now(alert.pk))
    return alert


def report_listener_failure(event: Event, listener: Listener, error: BaseException) -> None:
    """A decision-support listener failed: say so loudly, as a high-severity alert for the patient's clinic.

    The triggering record is kept (the listener ran in a savepoint); what is lost
    is the check, so a clinician must do it by hand. The error itself goes to the
    server log (``remit.events``), never onto a page.
    """
    raise_alert(
        patient=event.patient,
        kind=DECISION_SUPPORT_FAILED,
        severity=HIGH,
        reason=(
            f"Decision support could not check this patient after {EVENTS[event.name]}. "
            "An alert that should have been raised may be missing: review the patient's chart by hand, "
            "and tell your administrator so the fault is fixed."
        ),
        detail={"after": EVENTS[event.name]},
        source=event.source if getattr(event.source, "pk", None) is not None else None,
        dedupe_key="decision-support-failed",
    )


EMERGENCY_ACCESS = "emergency_access"


def alert_emergency_access(event: Event) -> Alert:
    """A clinician of another clinic broke the glass: tell the patient's clinic at once.

    A high-severity alert in the clinic's inbox names who, which patient (the alert's), when, until
    when and the reason given; like every high alert it goes to the clinic's escalation list now. The
    clinic's administrators, who review the audit trail, are also sent a message when the grant is
    stored (email and/or text message; no patient data in it).
    """
    access = event.source
    who = access.user
    name = who.get_full_name() or who.get_username()
    # Roles are per clinic: "Nurse at Clinic A; Front desk at Clinic B".
    held = [
        f"{', '.join(m.role_labels())} at {m.clinic.name}"
        for m in who.memberships.select_related("clinic").order_by("clinic__name")
        if m.roles
    ]
    roles, their_clinics = "; ".join(held), ""
    opened = timezone.localtime(access.granted_at)
    until = timezone.localtime(access.expires_at)
    alert = raise_alert(
        patient=event.patient,
        kind=EMERGENCY_ACCESS,
        severity=HIGH,
        reason=(
            f"{name} ({roles}{', ' + their_clinics if their_clinics else ''}) opened this patient's record "
            f"under emergency access on {opened:%Y-%m-%d at %H:%M}, read-only until {until:%H:%M}. "
            f"Reason given: “{access.reason}”"
        ),
        detail={
            "who": f"{name} ({who.get_username()})",
            "their role and clinic": f"{roles}{', ' + their_clinics if their_clinics else ''}",
            "opened at": f"{opened:%Y-%m-%d %H:%M}",
            "read-only until": f"{until:%Y-%m-%d %H:%M}",
            "reason given": access.reason,
        },
        source=access,
        actor=who,
    )
    clinic_id = event.patient.clinic_id
    transaction.on_commit(lambda: _notify_administrators(alert.pk, clinic_id))
    return alert


def _notify_administrators(alert_id: int, clinic_id: int) -> None:
    """Message each active administrator of the clinic about an emergency access; failures are logged."""
    clinic_name = Clinic.objects.filter(pk=clinic_id).values_list("name", flat=True).get()
    body = notify.emergency_access_message(clinic_name)
    notified = []
    for user in User.objects.filter(clinics=clinic_id, is_active=True).order_by("id"):
        if not user.can("audit.view", clinic_id):
            continue
        channels = []
        try:
            if user.email.strip():
                notify.send_email(user.email, f"Remit: emergency access at {clinic_name}", body)
                channels.append("email")
            if user.phone.strip():
                notify.send_sms(user.phone, body)
                channels.append("sms")
        except Exception:
            logger.exception(
                "emergency access alert %s: could not message administrator %s", alert_id, user.pk
            )
        if channels:
            notified.append({"user": user.get_username(), "by": channels})
    if not notified:
        logger.error(
            "emergency access alert %s: clinic %s has no administrator to message", alert_id, clinic_id
        )
    with transaction.atomic():
        alert = Alert.objects.get(pk=alert_id)
        audit.record(
            audit.UPDATE,
            actor_label=IMMEDIATE_LABEL,
            obj=alert,
            patient=alert.patient_id,
            clinic_id=clinic_id,
            detail={"administrators notified": notified, "undeliverable": not notified},
        )


def _notify_now(alert_id: int) -> None:
    """The immediate first notification; on failure the worker retries (the alert stays due)."""
    try:
        _escalate_one(alert_id, timezone.now(), IMMEDIATE_LABEL)
    except Exception:
        logger.exception("alert %s: the immediate notification failed; the worker will retry", alert_id)


class AcknowledgeError(ValidationError):
    pass


def acknowledge_alert(alert: Alert, *, actor: User, note: str, request: HttpRequest | None = None) -> Alert:
    """A named clinician acknowledges an open alert with a note; audited; escalation stops."""
    if actor is None or not actor.can("clinical.view", alert.clinic_id):
        raise PermissionDenied("Only clinical staff of the alert's clinic may acknowledge it.")
    note = (note or "").strip()
    if not note:
        raise ValidationError({"note": "Write a note: what you did or decided about this alert."})
    with transaction.atomic():
        locked = Alert.objects.select_for_update().get(pk=alert.pk)
        if locked.status != OPEN:
            who = locked.acknowledged_by.get_full_name() or locked.acknowledged_by.get_username()  # type: ignore[union-attr]
            when = timezone.localtime(locked.acknowledged_at).strftime("%Y-%m-%d %H:%M")
            raise AcknowledgeError(
                f"This alert was already acknowledged by {who} at {when}.", code="already_acknowledged"
            )
        locked.status = ACKNOWLEDGED
        locked.acknowledged_by = actor
        locked.acknowledged_at = timezone.now()
        locked.acknowledgement_note = note
        locked.next_escalation_at = None
        locked.save(
            update_fields=[
                "status",
                "acknowledged_by",
                "acknowledged_at",
                "acknowledgement_note",
                "next_escalation_at",
            ]
        )
        audit.record(
            audit.UPDATE,
            actor=actor,
            request=request,
            obj=locked,
            patient=locked.patient_id,
            clinic_id=locked.clinic_id,
            detail={"acknowledged": True},
        )
    for name in (
        "status",
        "acknowledged_by",
        "acknowledged_at",
        "acknowledgement_note",
        "next_escalation_at",
    ):
        setattr(alert, name, getattr(locked, name))
    return locked


# --- escalation -------------------------------------------------------------


@dataclass(frozen=True)
class Recipient:
    user: User
    email: bool
    sms: bool


def _reachable(user: User, by_email: bool, by_sms: bool) -> Recipient | None:
    email = by_email and bool(user.email.strip())
    sms = by_sms and bool(user.phone.strip())
    return Recipient(user, email, sms) if (email or sms) else None


def escalation_list(clinic_id: int) -> list[Recipient]:
    """The clinic's reachable escalation contacts in order (active clinical members of the clinic only)."""
    contacts = (
        EscalationContact.objects.filter(clinic_id=clinic_id, user__is_active=True, user__clinics=clinic_id)
        .select_related("user")
        .order_by("order", "id")
    )
    found = []
    for contact in contacts:
        if not contact.user.can("clinical.view", clinic_id):
            logger.warning(
                "escalation contact %s of clinic %s is not clinical staff; skipped",
                contact.user_id,
                clinic_id,
            )
            continue
        recipient = _reachable(contact.user, contact.notify_by_email, contact.notify_by_sms)
        if recipient is None:
            logger.warning(
                "escalation contact %s of clinic %s has no email/phone for its channels",
                contact.user_id,
                clinic_id,
            )
            continue
        found.append(recipient)
    return found


def _fallback_prescribers(clinic_id: int) -> list[Recipient]:
    staff = User.objects.filter(clinics=clinic_id, is_active=True).order_by("id")
    found = []
    for user in staff:
        if user.has_role(clinic_id, R.PRESCRIBER):
            recipient = _reachable(user, True, True)
            if recipient is not None:
                found.append(recipient)
    return found


def _notify(recipient: Recipient, clinic_name: str) -> list[str]:
    body = notify.alert_message(clinic_name)
    sent = []
    if recipient.email:
        notify.send_email(recipient.user.email, f"Remit: high-priority alert at {clinic_name}", body)
        sent.append("email")
    if recipient.sms:
        notify.send_sms(recipient.user.phone, body)
        sent.append("sms")
    return sent


def _escalate_one(alert_id: int, now: datetime, actor_label: str) -> bool:
    """Take one escalation step for one due alert; False if it is not due (or another worker has it)."""
    with transaction.atomic():
        alert = (
            Alert.objects.select_for_update(skip_locked=True)
            .filter(pk=alert_id, status=OPEN, severity=HIGH, next_escalation_at__lte=now)
            .first()
        )
        if alert is None:
            return False
        if alert.escalated_at is not None:
            alert.escalation_level += 1
        clinic_name = Clinic.objects.filter(pk=alert.clinic_id).values_list("name", flat=True).get()
        contacts = escalation_list(alert.clinic_id)
        fallback = False
        if contacts:
            recipients = [contacts[min(alert.escalation_level, len(contacts) - 1)]]
        else:
            recipients = _fallback_prescribers(alert.clinic_id)
            fallback = True
        notified = []
        # Sent inside the transaction: if a send fails, nothing is recorded and the next tick retries.
        for recipient in recipients:
            channels = _notify(recipient, clinic_name)
            notified.append({"user": recipient.user.get_username(), "by": channels})
        if not notified:
            logger.error(
                "alert %s: clinic %s has no reachable escalation contact or prescriber; nobody was notified",
                alert.pk,
                alert.clinic_id,
            )
        alert.escalated_at = now
        alert.next_escalation_at = now + timedelta(minutes=settings.REMIT_ALERT_ESCALATION_MINUTES)
        alert.save(update_fields=["escalation_level", "escalated_at", "next_escalation_at"])
        detail: dict[str, Any] = {"escalation_level": alert.escalation_level, "notified": notified}
        if fallback:
            detail["fallback"] = "no escalation list: the clinic's prescribers"
        if not notified:
            detail["undeliverable"] = True
        audit.record(
            audit.UPDATE,
            actor_label=actor_label,
            obj=alert,
            patient=alert.patient_id,
            clinic_id=alert.clinic_id,
            detail=detail,
        )
    return True


def escalate_due_alerts(now: datetime | None = None) -> int:
    """Notify the next person for every open high alert whose time has come; the number of steps taken.

    Safe with several workers: each alert is locked with ``skip_locked`` and
    re-checked, so it is escalated once per due time.  A failure on one alert
    (e.g. the mail server refusing) is logged and leaves it due for the next
    tick; the others go on.
    """
    now = now or timezone.now()
    due = list(
        Alert.objects.filter(status=OPEN, severity=HIGH, next_escalation_at__lte=now)
        .order_by("next_escalation_at", "id")
        .values_list("pk", flat=True)[:ESCALATION_BATCH]
    )
    done = 0
    for alert_id in due:
        try:
            if _escalate_one(alert_id, now, WORKER_LABEL):
                done += 1
        except Exception:
            logger.exception("alert %s: escalation failed; it stays due and will be retried", alert_id)
    return done


# --- the escalation list ----------------------------------------------------


def add_escalation_contact(
    *,
    actor: User,
    clinic: Clinic,
    user: User,
    order: int,
    notify_by_email: bool,
    notify_by_sms: bool,
    request: HttpRequest | None = None,
) -> EscalationContact:
    errors: dict[str, str] = {}
    if not actor.can("users.manage", clinic):
        raise PermissionDenied("You do not manage this clinic.")
    if not user.is_active or clinic.pk not in user.member_clinic_ids():
        errors["user"] = "Choose an active staff member of this clinic."
    elif not user.can("clinical.view", clinic):
        errors["user"] = "Only clinical staff (prescriber, nurse, TMS technician) can respond to alerts."
    elif EscalationContact.objects.filter(clinic=clinic, user=user).exists():
        errors["user"] = "This person is already on the list."
    if order < 1:
        errors["order"] = "The order starts at 1."
    if not (notify_by_email or notify_by_sms):
        errors["notify_by_email"] = "Choose email, text message, or both."
    elif "user" not in errors:
        if notify_by_email and not user.email.strip():
            errors["notify_by_email"] = "This person has no email address on their account."
        if notify_by_sms and not user.phone.strip():
            errors["notify_by_sms"] = "This person has no phone number on their account."
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        contact = EscalationContact.objects.create(
            clinic=clinic,
            user=user,
            order=order,
            notify_by_email=notify_by_email,
            notify_by_sms=notify_by_sms,
        )
        audit.record(
            audit.CREATE,
            actor=actor,
            request=request,
            obj=contact,
            clinic_id=clinic.pk,
            detail={
                "user": user.get_username(),
                "order": order,
                "email": notify_by_email,
                "sms": notify_by_sms,
            },
        )
    return contact


def remove_escalation_contact(
    contact: EscalationContact, *, actor: User, request: HttpRequest | None = None
) -> None:
    """Configuration, not charted data: the entry goes, the audit row keeps who it was."""
    if not actor.can("users.manage", contact.clinic_id):
        raise PermissionDenied("You do not manage this clinic.")
    with transaction.atomic():
        audit.record(
            audit.UPDATE,
            actor=actor,
            request=request,
            obj=contact,
            clinic_id=contact.clinic_id,
            detail={"removed": True, "user": contact.user.get_username(), "order": contact.order},
        )
        contact.delete()
