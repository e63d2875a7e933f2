"""The end of a session: the note, discharge, signing and amendments.

Signing is the last write: afterwards the Session model refuses writes and
corrections are amendments that keep the original.  Signing an esketamine
session makes its REMS Patient Monitoring Form and emits ``session_signed``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone

from remit import events
from remit.audit import actions as audit
from remit.core import vitals as core_vitals
from remit.core.modality import DRUG_MODALITIES
from remit.treatment import clock
from remit.treatment.models import Amendment, RemsMonitoringForm, Session
from remit.treatment.monitoring import (
    minimum_minutes,
    monitoring_check,
    monitoring_start,
    rems_missing,
    unanswered_breaches,
)
from remit.treatment.permissions import may_sign, require_chart
from remit.treatment.rems_form import DUE_DAYS, build_form_data
from remit.treatment.session_chart import audit_step, fail, hm, locked, mark_charted, save_fields
from remit.treatment.tms_pulses import require_pulses_fit
from remit.treatment.treatment_settings import treatment_settings


def save_note(session: Session, text: str, *, actor: Any, request: HttpRequest | None = None) -> Session:
    with transaction.atomic():
        current = locked(session, actor)
        current.note = (text or "").strip()
        save_fields(current, ["note", *mark_charted(current, actor)])
        audit_step(audit.UPDATE, actor, request, current, current, step="note")
    return current


DISCHARGE_CRITERIA = (
    ("alert_oriented", "Alert and oriented"),
    ("vitals_in_range", "Vital signs within the clinic's range"),
    ("escort_present", "Escort present to take the patient home"),
)


def discharge(
    session: Session, data: Mapping[str, Any], *, actor: Any, request: HttpRequest | None = None
) -> Session:
    with transaction.atomic():
        current = locked(session, actor)
        if current.discharged_at is not None:
            raise fail(None, "Already discharged.")
        at = clock.now()
        vitals = list(current.vitals.all())
        actions = list(current.actions.all())
        if current.modality == "esketamine":
            if not current.devices:
                raise fail(None, "No device has been given.")
        elif current.dose_started_at is None:
            raise fail(None, "The session has not started.")
        elif current.dose_ended_at is None:
            raise fail(None, "End the infusion or stimulation first.")
        waiting = unanswered_breaches(vitals, actions)
        if waiting:
            times = ", ".join(hm(v.taken_at) for v in waiting)
            raise fail(
                None, f"Record the action taken for the reading(s) outside the thresholds at {times} first."
            )
        settings = treatment_settings(current.clinic_id)
        met, remaining, until = monitoring_check(current, at, settings)
        if not met:
            start = monitoring_start(current)
            origin = "the first device" if current.modality == "esketamine" else "the start of dosing"
            raise fail(
                None,
                f"Monitoring must last at least {minimum_minutes(current, settings)} minutes from {origin} "
                f"({hm(start) if start else '—'}): {remaining} minute{'s' if remaining != 1 else ''} "
                f"remaining (can be completed at {hm(until) if until else '—'}).",
            )
        if current.modality in DRUG_MODALITIES:
            _require_recent_vitals(vitals, at, settings)
            for name, label in DISCHARGE_CRITERIA:
                if not data.get(name):
                    raise fail(name, f"Confirm before discharge: {label.lower()}.")
        if current.modality == "esketamine":
            missing = rems_missing(current, vitals)
            if missing:
                raise fail(None, "Before completing, record: " + "; ".join(missing) + ".")
            if current.dose_ended_at is None:
                current.dose_ended_at = dt.datetime.fromisoformat(current.devices[-1]["at"])
        if current.modality == "tms" and current.pulses_delivered is None:
            raise fail(None, "Record the pulses delivered first.")
        require_pulses_fit(current)
        start = monitoring_start(current)
        minutes = int((at - start).total_seconds() // 60) if start else 0
        current.discharged_at = at
        current.discharge = {
            **{name: bool(data.get(name)) for name, _label in DISCHARGE_CRITERIA},
            "monitoring_minutes": minutes,
            "by": actor.get_username(),
        }
        current.status = Session.COMPLETED
        save_fields(current, ["discharged_at", "discharge", "status", "dose_ended_at"])
        audit_step(
            audit.UPDATE, actor, request, current, current, step="discharge", monitoring_minutes=minutes
        )
    return current


def _require_recent_vitals(vitals: list[Any], at: dt.datetime, settings: Any) -> None:
    """Refuse discharge on vitals older than the clinic's interval plus its grace period."""
    readings = [v for v in vitals if not v.is_voided]
    interval, grace = settings.vitals_interval_minutes, settings.vitals_grace_minutes
    needed = f"vital signs are needed every {interval} minutes ({grace} minutes' grace)"
    if not readings:
        raise fail(None, f"No vital signs are recorded: {needed}. Take a reading before discharge.")
    last = max(v.taken_at for v in readings)
    if core_vitals.vitals_overdue(last, at, interval, grace):
        ago = int((at - last).total_seconds() // 60)
        raise fail(
            None,
            f"The last vital signs were taken at {hm(last)}, {ago} minutes ago; {needed}. "
            "Take a new reading before discharge.",
        )


def sign(session: Session, *, actor: Any, request: HttpRequest | None = None) -> Session:
    """Sign and lock; an esketamine session also makes its REMS Patient Monitoring Form (due in 7 days)."""
    if not may_sign(actor, session):
        raise PermissionDenied(
            "A prescriber signs any session; a nurse signs ketamine and esketamine sessions; "
            "a TMS technician signs TMS sessions."
        )
    with transaction.atomic():
        current = (
            Session.objects.select_for_update(of=("self",))
            .select_related("patient", "clinic")
            .get(pk=session.pk)
        )
        if current.is_signed:
            raise fail(None, "This session is already signed.")
        if current.discharged_at is None:
            raise fail(None, "Complete (discharge) the session before signing it.")
        at = clock.now()
        current.signed_at = at
        current.signed_by = actor
        form = None
        if current.modality == "esketamine":
            data = build_form_data(current, signer=actor)
            empty = [key for key, value in data.items() if value in (None, "")]
            if empty:
                raise fail(None, "The REMS form is incomplete: " + ", ".join(empty) + ".")
        # Signing is the last write: the stored signed_at is still empty, so the model allows it.
        save_fields(current, ["signed_at", "signed_by"])
        if current.modality == "esketamine":
            form = RemsMonitoringForm.objects.create(
                session=current,
                data=data,
                created_at=at,
                due_by=timezone.localdate(at) + dt.timedelta(days=DUE_DAYS),
            )
        audit_step(
            audit.UPDATE,
            actor,
            request,
            current,
            current,
            step="sign",
            rems_form_id=form.pk if form else None,
        )
        if form is not None:
            audit_step(audit.CREATE, actor, request, form, current, step="rems_form")
        events.emit(events.SESSION_SIGNED, patient=current.patient, actor=actor, source=current)
    return current


def amend(session: Session, text: str, *, actor: Any, request: HttpRequest | None = None) -> Amendment:
    text = (text or "").strip()
    if not text:
        raise fail("text", "Write the amendment.")
    require_chart(actor, session)
    with transaction.atomic():
        current = Session.objects.select_for_update().get(pk=session.pk)
        if not current.is_signed:
            raise fail(None, "The session is not signed yet: edit the chart directly.")
        amendment = Amendment.objects.create(session=current, text=text, by=actor, at=clock.now())
        audit_step(audit.CREATE, actor, request, amendment, session, step="amendment")
    return amendment
