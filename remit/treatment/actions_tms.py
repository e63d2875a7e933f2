"""TMS: the motor threshold and the stimulation parameters of a session."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone

from remit.audit import actions as audit
from remit.core import dosing
from remit.patients.models import Patient
from remit.treatment import clock
from remit.treatment.models import MotorThreshold, Session
from remit.treatment.session_chart import audit_step, fail, locked, mark_charted, save_fields
from remit.treatment.tms_pulses import TMS_PATTERNS, require_pulses_fit

MT_MAX_AGE_DAYS = 7


def latest_motor_threshold(patient: Patient) -> MotorThreshold | None:
    return (
        MotorThreshold.objects.filter(patient=patient, voided_at__isnull=True)
        .order_by("-determined_on", "-id")
        .first()
    )


def add_motor_threshold(
    patient: Patient,
    *,
    determined_on: dt.date | None,
    pct_mso: Any,
    method: str,
    actor: Any,
    request: HttpRequest | None = None,
) -> MotorThreshold:
    if not actor.can("sessions.chart", patient.clinic_id):
        raise PermissionDenied("Your role does not allow recording a motor threshold.")
    if determined_on is None:
        raise fail("determined_on", "Enter the date the threshold was determined.")
    if determined_on > timezone.localdate(clock.now()):
        raise fail("determined_on", "The date cannot be in the future.")
    if pct_mso is None or isinstance(pct_mso, bool) or not 1 <= int(pct_mso) <= 100:
        raise fail("pct_mso", "Enter the threshold as a whole % of machine output from 1 to 100.")
    if method not in dict(MotorThreshold.METHODS):
        raise fail("method", "Choose how the threshold was determined.")
    with transaction.atomic():
        threshold = MotorThreshold.objects.create(
            patient=patient, determined_on=determined_on, pct_mso=int(pct_mso), method=method, by=actor
        )
        audit.record(
            audit.CREATE, actor=actor, request=request, obj=threshold, patient=patient, detail={"step": "mt"}
        )
    return threshold


def motor_threshold_reminder(
    session: Session, threshold: MotorThreshold | None, medication_changed_on: dt.date | None
) -> str:
    """Why the motor threshold should be re-determined, or "" (weekly, or after a medication change)."""
    if threshold is None:
        return "No motor threshold is recorded: determine it before the first session."
    today = timezone.localdate(clock.now())
    age = (today - threshold.determined_on).days
    if age > MT_MAX_AGE_DAYS:
        return f"The motor threshold is {age} days old: re-determine it (weekly)."
    if (session.checklist or {}).get("medication_changes") == "yes":
        return "A medication change was reported today: re-determine the motor threshold."
    if medication_changed_on is not None and medication_changed_on >= threshold.determined_on:
        return (
            f"A medication change was recorded on {medication_changed_on:%Y-%m-%d}, after the threshold "
            "was determined: re-determine it."
        )
    return ""


COIL_METHODS = (
    ("beam_f3", "Beam F3"),
    ("5_5cm", "5.5 cm rule"),
    ("neuronavigation", "Neuronavigation"),
)


def record_tms(
    session: Session, data: Mapping[str, Any], *, actor: Any, request: HttpRequest | None = None
) -> Session:
    """Stimulation parameters; % machine output = MT x % MT (``remit.core.dosing.tms_machine_output``)."""
    with transaction.atomic():
        current = locked(session, actor)
        if current.modality != "tms":
            raise fail(None, "Stimulation parameters are for TMS sessions.")
        threshold = latest_motor_threshold(current.patient)
        if threshold is None:
            raise fail(None, "Record the patient's motor threshold first.")
        pattern = data.get("tms_pattern") or ""
        if pattern not in dict(TMS_PATTERNS):
            raise fail("tms_pattern", "Choose the protocol pattern.")
        method = data.get("coil_site_method") or ""
        if method not in dict(COIL_METHODS):
            raise fail("coil_site_method", "Choose how the coil site was found.")
        intensity = data.get("intensity_pct_mt")
        if intensity is None:
            raise fail("intensity_pct_mt", "Enter the intensity as % of motor threshold.")
        try:
            output = dosing.tms_machine_output(threshold.pct_mso, intensity)
        except dosing.DoseError as error:
            field = "intensity_pct_mt" if error.field == "intensity_pct_mt" else None
            raise fail(field, error.message) from None
        planned = data.get("pulses_planned")
        delivered = data.get("pulses_delivered")
        if planned is None or planned < 1:
            raise fail("pulses_planned", "Enter the pulses planned (at least 1).")
        if delivered is not None and delivered > planned * 2:
            raise fail("pulses_delivered", "More than twice the planned pulses: check the number.")
        if current.dose_started_at is not None and (
            current.machine_output_pct != int(output) or current.intensity_pct_mt != int(intensity)
        ):
            raise fail("intensity_pct_mt", "Stimulation has started; the intensity can no longer change.")
        current.motor_threshold = threshold
        current.tms_pattern = pattern
        current.intensity_pct_mt = int(intensity)
        current.machine_output_pct = int(output)
        current.pulses_planned = planned
        current.pulses_delivered = delivered
        current.coil_site_method = method
        current.coil_coordinates = (data.get("coil_coordinates") or "").strip()[:120]
        require_pulses_fit(current)
        save_fields(
            current,
            [
                "motor_threshold",
                "tms_pattern",
                "intensity_pct_mt",
                "machine_output_pct",
                "pulses_planned",
                "pulses_delivered",
                "coil_site_method",
                "coil_coordinates",
                *mark_charted(current, actor),
            ],
        )
        audit_step(audit.UPDATE, actor, request, current, current, step="tms", machine_output_pct=int(output))
    return current


def previous_coil_site(session: Session) -> tuple[str, str]:
    """The coil site method and coordinates of the patient's last charted TMS session (the coil goes
    where it went last time), or ("", "")."""
    previous = (
        Session.objects.filter(patient_id=session.patient_id, modality="tms", voided_at__isnull=True)
        .exclude(pk=session.pk)
        .exclude(coil_site_method="")
        .order_by("-scheduled_for", "-id")
        .first()
    )
    return (previous.coil_site_method, previous.coil_coordinates) if previous else ("", "")


def record_tms_and_start(
    session: Session, data: Mapping[str, Any], *, actor: Any, request: HttpRequest | None = None
) -> Session:
    """Save the stimulation parameters and start stimulation, as one step: both or neither."""
    from remit.treatment.actions_dosing import start_dose

    with transaction.atomic():
        record_tms(session, data, actor=actor, request=request)
        return start_dose(session, actor=actor, request=request)


def end_stimulation(
    session: Session, pulses_delivered: Any, *, actor: Any, request: HttpRequest | None = None
) -> Session:
    """Record the pulses delivered and end stimulation, as one step; the pulses must fit the time."""
    from remit.treatment.actions_dosing import end_dose

    if (
        pulses_delivered is None
        or isinstance(pulses_delivered, bool)
        or not isinstance(pulses_delivered, int)
    ):
        raise fail("pulses_delivered", "Enter the pulses delivered, as the stimulator shows them.")
    with transaction.atomic():
        current = locked(session, actor)
        if current.modality != "tms":
            raise fail(None, "Pulses are charted on TMS sessions.")
        if pulses_delivered < 0:
            raise fail("pulses_delivered", "The pulses delivered cannot be negative.")
        if current.pulses_planned and pulses_delivered > current.pulses_planned * 2:
            raise fail("pulses_delivered", "More than twice the planned pulses: check the number.")
        current.pulses_delivered = pulses_delivered
        save_fields(current, ["pulses_delivered"])
        audit_step(audit.UPDATE, actor, request, current, current, step="tms_pulses", pulses=pulses_delivered)
        return end_dose(current, actor=actor, request=request)


def complete_and_sign(session: Session, *, actor: Any, request: HttpRequest | None = None) -> Session:
    """Complete a TMS session and sign it, as one step (no monitoring time, no discharge criteria)."""
    from remit.treatment.actions_signing import discharge, sign

    if session.modality != "tms":
        raise fail(None, "Completing and signing in one step is for TMS sessions.")
    with transaction.atomic():
        discharge(session, {}, actor=actor, request=request)
        return sign(session, actor=actor, request=request)
