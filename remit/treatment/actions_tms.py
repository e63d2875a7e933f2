"""TMS: the motor threshold and the stimulation parameters of a session."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone

from remit.audit import actions as audit
from remit.core import dosing
from remit.core.protocols import ProtocolError, TmsDosing, protocol_from_dict
from remit.patients.models import Patient
from remit.treatment import clock
from remit.treatment.models import MotorThreshold, Session
from remit.treatment.session_chart import audit_step, fail, hm, locked, mark_charted, save_fields

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


TMS_PATTERNS = (("10hz", "10 Hz"), ("itbs", "iTBS (theta burst)"), ("other", "Other"))

COIL_METHODS = (
    ("beam_f3", "Beam F3"),
    ("5_5cm", "5.5 cm rule"),
    ("neuronavigation", "Neuronavigation"),
)


def _trains(session: Session) -> dosing.TmsTrains | None:
    """The course protocol's trains for the pattern charted, or the pattern's example (None: "other")."""
    pattern = session.tms_pattern
    example = dosing.EXAMPLE_TMS_TRAINS.get(pattern)
    if example is None:
        return None
    try:
        protocol = protocol_from_dict(getattr(session.course.protocol, "definition", None) or {})
    except ProtocolError:
        return example
    given = protocol.dosing
    if not isinstance(given, TmsDosing) or given.pattern != pattern:
        return example
    return dosing.TmsTrains(
        frequency_hz=given.frequency_hz,
        pulses_per_train=given.pulses_per_train or example.pulses_per_train,
        inter_train_interval_s=(
            given.inter_train_interval_s
            if given.inter_train_interval_s is not None
            else example.inter_train_interval_s
        ),
        burst_frequency_hz=given.burst_frequency_hz if pattern == "itbs" else None,
    )


def require_pulses_fit(session: Session) -> None:
    """Refuse pulses delivered that the charted start and end of stimulation cannot hold.

    The least time comes from the protocol's pattern (``remit.core.dosing.tms_minimum_seconds``):
    3000 pulses "in 2 seconds" is a charting error, never a session.
    """
    delivered, start, end = session.pulses_delivered, session.dose_started_at, session.dose_ended_at
    if session.modality != "tms" or not delivered or start is None or end is None:
        return
    trains = _trains(session)
    if trains is None:
        return
    least = dosing.tms_minimum_seconds(delivered, trains)
    elapsed = Decimal(str((end - start).total_seconds()))
    if elapsed < least:
        label = dict(TMS_PATTERNS)[session.tms_pattern]
        raise fail(
            "pulses_delivered",
            f"{delivered:,} pulses of {label} take at least {dosing.minutes_seconds(least)}, but stimulation "
            f"was charted from {hm(start)} to {hm(end)} ({dosing.minutes_seconds(elapsed)}): "
            "check the pulses delivered.",
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
