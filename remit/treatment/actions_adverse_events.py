"""Adverse events and side effects at a session.

A seizure is always serious and raises a *high* ``seizure`` alert; any other
serious adverse event a *high* ``adverse_event`` alert.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.db import transaction
from django.http import HttpRequest

from remit.alerts.actions import raise_alert
from remit.audit import actions as audit
from remit.treatment import clock
from remit.treatment.models import AdverseEvent, Session
from remit.treatment.session_chart import audit_step, fail, hm, locked

ADVERSE_EVENT_KINDS = (
    ("nausea", "Nausea"),
    ("vomiting", "Vomiting"),
    ("headache", "Headache"),
    ("dizziness", "Dizziness"),
    ("dissociation", "Dissociation"),
    ("sedation", "Sedation"),
    ("hypertension", "Raised blood pressure"),
    ("anxiety", "Anxiety or agitation"),
    ("scalp_pain", "Scalp pain or discomfort"),
    ("syncope", "Fainting"),
    ("seizure", "Seizure"),
    ("other", "Other (say in the note)"),
)


def add_adverse_event(
    session: Session, data: Mapping[str, Any], *, actor: Any, request: HttpRequest | None = None
) -> AdverseEvent:
    """An adverse event or side effect; a seizure is always serious and raises a high alert."""
    kind = data.get("kind") or ""
    if kind not in dict(ADVERSE_EVENT_KINDS):
        raise fail("kind", "Choose what happened.")
    severity = data.get("severity") or ""
    if kind == "seizure":
        severity = "serious"
    if severity not in dict(AdverseEvent.SEVERITY):
        raise fail("severity", "Choose the severity.")
    note = (data.get("note") or "").strip()
    if kind == "other" and not note:
        raise fail("note", "Describe the event.")
    with transaction.atomic():
        current = locked(session, actor)
        at = clock.now()
        event = AdverseEvent.objects.create(
            session=current,
            kind=kind,
            severity=severity,
            action=(data.get("action") or "").strip()[:300],
            resolved=bool(data.get("resolved")),
            resolved_at=at if data.get("resolved") else None,
            note=note,
            occurred_at=at,
            entered_by=actor,
        )
        audit_step(
            audit.CREATE, actor, request, event, current, step="adverse_event", kind=kind, severity=severity
        )
        label = dict(ADVERSE_EVENT_KINDS)[kind]
        if kind == "seizure":
            raise_alert(
                patient=current.patient,
                kind="seizure",
                severity="high",
                reason=(
                    f"Seizure during {current.get_modality_display()} session {current.number} at {hm(at)}, "
                    "documented as a serious adverse event."
                ),
                detail={"session_id": current.pk, "adverse_event_id": event.pk},
                source=event,
                dedupe_key=f"adverse_event:{event.pk}",
                actor=actor,
                request=request,
            )
        elif severity == "serious":
            raise_alert(
                patient=current.patient,
                kind="adverse_event",
                severity="high",
                reason=f"Serious adverse event ({label}) at {current.get_modality_display()} session {current.number}.",
                detail={"session_id": current.pk, "adverse_event_id": event.pk},
                source=event,
                dedupe_key=f"adverse_event:{event.pk}",
                actor=actor,
                request=request,
            )
    return event


def resolve_adverse_event(
    session: Session, event_id: Any, *, actor: Any, request: HttpRequest | None = None
) -> AdverseEvent:
    with transaction.atomic():
        current = locked(session, actor)
        event = AdverseEvent.objects.filter(session=current, pk=event_id, voided_at__isnull=True).first()
        if event is None:
            raise fail(None, "No such adverse event on this session.")
        if event.resolved:
            raise fail(None, "Already marked resolved.")
        event.resolved = True
        event.resolved_at = clock.now()
        event.save(update_fields=["resolved", "resolved_at"])
        audit_step(audit.UPDATE, actor, request, event, current, step="adverse_event_resolved")
    return event
