"""Reading a session's monitoring from its chart: when it started, the BP slots, how long is left.

Nothing here writes; the charting page, the REMS form and the actions read it.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Iterable

from remit.core import vitals as core_vitals
from remit.treatment.models import ClinicTreatmentSettings, Session, SessionAction, VitalSign
from remit.treatment.session_chart import KETAMINE


def bp_readings(vitals: Iterable[VitalSign]) -> list[VitalSign]:
    return [v for v in vitals if not v.is_voided and v.systolic is not None and v.diastolic is not None]


def first_device_at(session: Session) -> dt.datetime | None:
    devices = session.devices or []
    if not devices:
        return None
    return dt.datetime.fromisoformat(devices[0]["at"])


def monitoring_start(session: Session) -> dt.datetime | None:
    if session.modality == "esketamine":
        return first_device_at(session)
    return session.dose_started_at


def bp_slots(session: Session, vitals: Iterable[VitalSign]) -> dict[str, VitalSign | None]:
    """Esketamine's three BP readings: before dosing, at about 40 minutes, before discharge.

    Pre-dose: the last BP taken before the first device (before any device: the
    last so far).  About 40 minutes: the BP reading 30-60 minutes after the first
    device closest to 40.  Before discharge: the last BP reading at least 60
    minutes after the first device and after the 40-minute one.
    """
    readings = bp_readings(vitals)
    start = first_device_at(session)
    if start is None:
        return {"pre_dose": readings[-1] if readings else None, "forty": None, "pre_discharge": None}
    pre = [v for v in readings if v.taken_at <= start]
    window = [
        v
        for v in readings
        if start + dt.timedelta(minutes=30) <= v.taken_at <= start + dt.timedelta(minutes=60)
    ]
    forty = (
        min(window, key=lambda v: abs(v.taken_at - (start + dt.timedelta(minutes=40)))) if window else None
    )
    later = [
        v
        for v in readings
        if v.taken_at >= start + dt.timedelta(minutes=60) and (forty is None or v.taken_at > forty.taken_at)
    ]
    return {
        "pre_dose": pre[-1] if pre else None,
        "forty": forty,
        "pre_discharge": later[-1] if later else None,
    }


def unanswered_breaches(vitals: Iterable[VitalSign], actions: Iterable[SessionAction]) -> list[VitalSign]:
    answered = {a.vital_id for a in actions if not a.is_voided and a.vital_id is not None}
    return [v for v in vitals if v.breaches and not v.is_voided and v.pk not in answered]


def minimum_minutes(session: Session, settings: ClinicTreatmentSettings) -> int:
    if session.modality == "esketamine":
        return core_vitals.ESKETAMINE_MINIMUM_MONITORING_MINUTES
    if session.modality in KETAMINE:
        return settings.ketamine_monitoring_minutes
    return 0


def monitoring_check(
    session: Session, at: dt.datetime, settings: ClinicTreatmentSettings
) -> tuple[bool, int, dt.datetime | None]:
    """(met, minutes remaining, when it is met) for the session's minimum monitoring time."""
    start = monitoring_start(session)
    minimum = minimum_minutes(session, settings)
    if start is None:
        return (minimum == 0, minimum, None)
    until = start + dt.timedelta(minutes=minimum)
    if session.modality == "esketamine":
        met = core_vitals.minimum_monitoring_met("esketamine", start, at)
    else:
        met = at >= until
    remaining = 0 if met else math.ceil((until - at).total_seconds() / 60)
    return met, remaining, until


def rems_missing(session: Session, vitals: Iterable[VitalSign]) -> list[str]:
    """Esketamine items the REMS form needs before the session can be completed."""
    missing = []
    slots = bp_slots(session, vitals)
    for key, label in (
        ("pre_dose", "BP before dosing"),
        ("forty", "BP at about 40 minutes"),
        ("pre_discharge", "BP before discharge"),
    ):
        if slots[key] is None:
            missing.append(label)
    answers = session.rems or {}
    for name, label in (
        ("sedation", "sedation observed?"),
        ("dissociation", "dissociation observed?"),
        ("respiratory_depression", "respiratory depression observed?"),
        ("vitals_ok_pre_dose", "vital signs acceptable before dosing?"),
        ("vitals_ok_at_completion", "vital signs acceptable at completion?"),
    ):
        if answers.get(name) not in ("yes", "no"):
            missing.append(label)
    if answers.get("ready_to_leave_minutes") in (None, ""):
        missing.append("when the patient would have been ready to leave")
    return missing
