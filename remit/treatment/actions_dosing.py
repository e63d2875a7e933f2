"""Start and end of dosing (infusion, injection or stimulation); esketamine starts with its first device."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.http import HttpRequest

from remit.audit import actions as audit
from remit.treatment import clock
from remit.treatment.actions_checkin import require_checklist
from remit.treatment.models import Session
from remit.treatment.session_chart import KETAMINE, audit_step, fail, hm, locked, mark_charted, save_fields
from remit.treatment.tms_pulses import require_pulses_fit


def start_dose(session: Session, *, actor: Any, request: HttpRequest | None = None) -> Session:
    with transaction.atomic():
        current = locked(session, actor)
        if current.modality == "esketamine":
            raise fail(None, "Esketamine dosing starts with the first device: record it below.")
        if current.dose_started_at is not None:
            raise fail(None, f"Already started at {hm(current.dose_started_at)}.")
        if current.checked_in_at is None:
            raise fail(None, "Check the patient in first.")
        require_checklist(current, "start")
        if current.modality in KETAMINE and current.dose_mg is None:
            raise fail(None, "Cannot start: compute and confirm the dose first.")
        if current.modality == "tms" and current.machine_output_pct is None:
            raise fail(None, "Cannot start: record the motor threshold and stimulation parameters first.")
        current.dose_started_at = clock.now()
        current.status = Session.DOSING
        fields = ["dose_started_at", "status", *mark_charted(current, actor)]
        if current.modality == "ketamine_im":
            # An intramuscular injection is given at once: monitoring starts with it.
            current.dose_ended_at = current.dose_started_at
            current.status = Session.MONITORING
            fields.append("dose_ended_at")
        save_fields(current, fields)
        audit_step(audit.UPDATE, actor, request, current, current, step="dose_start")
    return current


def end_dose(session: Session, *, actor: Any, request: HttpRequest | None = None) -> Session:
    with transaction.atomic():
        current = locked(session, actor)
        if current.dose_started_at is None:
            raise fail(None, "Dosing has not started.")
        if current.dose_ended_at is not None:
            raise fail(None, f"Dosing already ended at {hm(current.dose_ended_at)}.")
        current.dose_ended_at = clock.now()
        require_pulses_fit(current)
        current.status = Session.MONITORING
        save_fields(current, ["dose_ended_at", "status"])
        audit_step(audit.UPDATE, actor, request, current, current, step="dose_end")
    return current
