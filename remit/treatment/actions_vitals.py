"""Vital signs at a session, checked against the clinic's thresholds, and the action taken on a breach.

Alert severities (Remit's choice, documented here): a reading outside the
clinic's absolute limits raises a *high* ``vitals_threshold`` alert; an
esketamine pre-dose caution (> 140/90) or a rise of >= 40 systolic / >= 25
diastolic from the pre-dose value raises a *medium* one.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from django.db import transaction
from django.http import HttpRequest

from remit.alerts.actions import raise_alert
from remit.audit import actions as audit
from remit.core import vitals as core_vitals
from remit.treatment import clock
from remit.treatment.models import Session, SessionAction, VitalSign
from remit.treatment.monitoring import bp_slots, first_device_at
from remit.treatment.session_chart import audit_step, fail, hm, locked, mark_charted, save_fields
from remit.treatment.treatment_settings import thresholds_for, treatment_settings
from remit.treatment.vitals_overdue import resolve_overdue


def _reading(vital: VitalSign) -> core_vitals.VitalsReading:
    return core_vitals.VitalsReading(
        systolic=vital.systolic,
        diastolic=vital.diastolic,
        heart_rate=vital.heart_rate,
        spo2=vital.spo2,
        respiratory_rate=vital.respiratory_rate,
    )


def add_vitals(
    session: Session,
    values: Mapping[str, Any],
    *,
    actor: Any,
    request: HttpRequest | None = None,
    taken_at: dt.datetime | None = None,
) -> VitalSign:
    """Validate a reading (``VitalsError`` → the field), check it and raise an alert on any breach.

    ``taken_at`` is a reading taken earlier (``actions_shortcuts.reading_time`` checks it); none means now.
    """
    given: dict[str, Any] = {name: values.get(name) for name in core_vitals.VITAL_FIELDS}
    if all(value is None for value in given.values()):
        raise fail(None, "Enter at least one vital sign.")
    try:
        reading = core_vitals.validate_vitals(**given)
    except core_vitals.VitalsError as error:
        raise fail(error.field, error.message) from None
    with transaction.atomic():
        current = locked(session, actor)
        taken_at = taken_at or clock.now()
        breaches: list[dict[str, Any]] = []
        settings = treatment_settings(current.clinic_id)
        for breach in core_vitals.check_vitals(reading, thresholds_for(settings)):
            breaches.append({**_breach_dict(breach), "severity": "high"})
        if current.modality == "esketamine" and reading.systolic is not None:
            start = first_device_at(current)
            if start is None:
                for breach in core_vitals.check_vitals(reading, core_vitals.ESKETAMINE_PREDOSE_CAUTION):
                    message = breach.message + " (pre-dose: weigh the blood pressure rise against benefit)"
                    breaches.append({**_breach_dict(breach), "message": message, "severity": "medium"})
            else:
                pre = bp_slots(current, current.vitals.filter(voided_at__isnull=True))["pre_dose"]
                if pre is not None:
                    for breach in core_vitals.esketamine_bp_rise(_reading(pre), reading):
                        breaches.append({**_breach_dict(breach), "severity": "medium"})
        measured: dict[str, int | None] = {name: getattr(reading, name) for name in core_vitals.VITAL_FIELDS}
        vital = VitalSign.objects.create(
            session=current, taken_at=taken_at, entered_by=actor, breaches=breaches, **measured
        )
        _mark = mark_charted(current, actor)
        if _mark:
            save_fields(current, _mark)
        audit_step(
            audit.CREATE,
            actor,
            request,
            vital,
            current,
            step="vitals",
            breaches=[b["field"] for b in breaches],
        )
        resolve_overdue(current, actor=actor, at=taken_at)
        if breaches:
            severity = "high" if any(b["severity"] == "high" for b in breaches) else "medium"
            raise_alert(
                patient=current.patient,
                kind="vitals_threshold",
                severity=severity,
                reason=(
                    f"{current.get_modality_display()} session {current.number} at {hm(taken_at)}: "
                    + "; ".join(b["message"] for b in breaches)
                    + ". An action entry is required."
                ),
                detail={"session_id": current.pk, "vital_id": vital.pk, "breaches": breaches},
                source=vital,
                dedupe_key=f"vital:{vital.pk}",
                actor=actor,
                request=request,
            )
    return vital


def _breach_dict(breach: core_vitals.Breach) -> dict[str, Any]:
    return {
        "field": breach.field,
        "value": breach.value,
        "limit": breach.limit,
        "direction": breach.direction,
        "message": breach.message,
    }


def record_vital_action(
    session: Session,
    *,
    vital_id: Any,
    kind: str,
    detail: str = "",
    actor: Any,
    request: HttpRequest | None = None,
) -> SessionAction:
    if kind not in dict(SessionAction.KINDS):
        raise fail("kind", "Choose what was done.")
    with transaction.atomic():
        current = locked(session, actor)
        vital = VitalSign.objects.filter(session=current, pk=vital_id, voided_at__isnull=True).first()
        if vital is None:
            raise fail("vital", "Choose the reading this action answers.")
        action = SessionAction.objects.create(
            session=current,
            vital=vital,
            kind=kind,
            detail=(detail or "").strip()[:500],
            at=clock.now(),
            by=actor,
        )
        audit_step(audit.CREATE, actor, request, action, current, step="vital_action", kind=kind)
    return action
