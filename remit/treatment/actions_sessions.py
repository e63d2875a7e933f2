"""Every change to a treatment session's chart: validate, write, audit — in one transaction.

Views, tests and the generator call these functions; nothing else writes a
session's chart.  Each raises ``ValidationError`` (keyed by form field name
where there is a field) or ``PermissionDenied`` and then stores nothing.

Time comes from ``remit.treatment.charting.now()`` (one function tests can
replace), so a session's timestamps, the 5-minute device rest and the
120-minute esketamine minimum can be tested with a controlled clock.

Who may do what (``remit.accounts.roles``):

- ``sessions.chart``: prescriber, nurse, TMS technician — a TMS technician only
  on TMS sessions (``may_chart``).
- ``sessions.sign``: a prescriber signs any session; a nurse signs ketamine and
  esketamine sessions (the nursing note); a TMS technician signs TMS sessions
  (``may_sign``).  Signing is the last write: afterwards the Session model
  refuses writes and corrections are amendments that keep the original.

Alert severities (Remit's choice, documented here): a reading outside the
clinic's absolute limits raises a *high* ``vitals_threshold`` alert; an
esketamine pre-dose caution (> 140/90) or a rise of >= 40 systolic / >= 25
diastolic from the pre-dose value raises a *medium* one.  A seizure (TMS daily
check or an adverse event) raises a *high* ``seizure`` alert; any other
serious adverse event a *high* ``adverse_event`` alert.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Iterable, Mapping
from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone

from remit import events
from remit.accounts import roles as R
from remit.audit import actions as audit
from remit.core import dosing
from remit.core import vitals as core_vitals
from remit.core.modality import DRUG_MODALITIES
from remit.core.protocols import EsketamineDosing, ProtocolError, protocol_from_dict
from remit.patients.models import Patient
from remit.treatment.actions_courses import start_course_if_planned
from remit.treatment.actions_session_day import needs_move_to_today, not_today_error
from remit.treatment.models import (
    AdverseEvent,
    Amendment,
    ClinicTreatmentSettings,
    MotorThreshold,
    RemsEnrolment,
    RemsMonitoringForm,
    Session,
    SessionAction,
    VitalSign,
)

SESSION_TYPE = "treatment.session"
KETAMINE = frozenset({"ketamine_iv", "ketamine_im"})
RATED_AT_SESSION = ("cadss6", "cadss", "moaas")

SIGNED = "This session is signed; add an amendment instead."
CLOSED = "This session is {status}; nothing can be charted on it."
MAX_DEVICES = 3
DEVICE_REST_MINUTES = 5
MT_MAX_AGE_DAYS = 7
# Child-bearing age for the pregnancy-test prompt: Remit's example range, a clinic may disagree.
CHILD_BEARING_AGES = (12, 55)

KETAMINE_CHECKLIST = (
    ("fasting", "Fasting as instructed"),
    ("escort", "Escort home confirmed"),
    ("no_new_medications", "No new medications since the last session"),
    ("questionnaire", "Pre-dose questionnaire done"),
)
# Clinic SOPs for esketamine (field.md §1 [R9]; Spravato label on nasal products 1 hour before).
ESKETAMINE_CHECKLIST = (
    ("nasal", "No nasal corticosteroid or decongestant within 1 hour before dosing"),
    ("transport", "Transport home arranged; no driving until the next day after restful sleep"),
)
TMS_CHECK_FIELDS = ("sleep_hours", "alcohol_24h", "medication_changes", "seizure_since_last")

REMS_YES_NO = ("sedation", "dissociation", "respiratory_depression")
REMS_FIELDS = (
    "sedation",
    "sedation_resolved",
    "dissociation",
    "dissociation_resolved",
    "respiratory_depression",
    "respiratory_depression_resolved",
    "ready_to_leave_minutes",
    "vitals_ok_pre_dose",
    "vitals_ok_at_completion",
    "monitoring_hcp_name",
    "monitoring_hcp_contact",
    "setting_address",
)


def now() -> dt.datetime:
    from remit.treatment import charting

    return charting.now()


def _fail(field: str | None, message: str) -> ValidationError:
    return ValidationError({field: [message]}) if field else ValidationError(message)


def _hm(value: dt.datetime) -> str:
    return timezone.localtime(value).strftime("%H:%M")


# --- who may -------------------------------------------------------------------------------------


def may_chart(user: Any, session: Session) -> bool:
    if not user.can("sessions.chart"):
        return False
    if session.modality == "tms":
        return True
    return user.has_role(R.PRESCRIBER, R.NURSE)


def may_sign(user: Any, session: Session) -> bool:
    if not user.can("sessions.sign"):
        return False
    if user.has_role(R.PRESCRIBER):
        return True
    if session.modality == "tms":
        return user.has_role(R.TMS_TECHNICIAN)
    return user.has_role(R.NURSE)


def _require_chart(actor: Any, session: Session) -> None:
    if not may_chart(actor, session):
        raise PermissionDenied("Your role does not allow charting this session.")


# --- settings and thresholds ---------------------------------------------------------------------


def treatment_settings(clinic_id: int) -> ClinicTreatmentSettings:
    found = ClinicTreatmentSettings.objects.filter(clinic_id=clinic_id).first()
    if found is None:
        found, _ = ClinicTreatmentSettings.objects.get_or_create(clinic_id=clinic_id)
    return found


def thresholds_for(settings: ClinicTreatmentSettings) -> core_vitals.VitalThresholds:
    names = (
        "systolic_high",
        "systolic_low",
        "diastolic_high",
        "diastolic_low",
        "heart_rate_high",
        "heart_rate_low",
        "spo2_low",
        "respiratory_rate_high",
        "respiratory_rate_low",
    )
    source = (
        "clinic settings, confirmed by the medical director"
        if settings.confirmed_by_medical_director
        else core_vitals.EXAMPLE_KETAMINE_THRESHOLDS.source
    )
    return core_vitals.VitalThresholds(
        source=source,
        is_example=not settings.confirmed_by_medical_director,
        **{name: getattr(settings, name) for name in names},
    )


# --- locking -------------------------------------------------------------------------------------


def _locked(session: Session, actor: Any, *, beyond_authorization_reason: str = "") -> Session:
    """The session row locked for this transaction, refused when signed, voided or closed.

    A booked session (nothing charted yet) is charted only on the clinic's day
    it is booked for (otherwise it is moved to today first:
    ``remit.treatment.actions_session_day``), and, when it is beyond the payer's
    authorization, only with a recorded reason: one stored when it was booked,
    or ``beyond_authorization_reason`` given now (set on the returned row for
    the caller to save).
    """
    current = (
        Session.objects.select_for_update(of=("self",))
        .select_related("patient", "clinic", "course")
        .get(pk=session.pk)
    )
    if current.is_signed:
        raise ValidationError(SIGNED)
    if current.is_voided or current.status in (Session.CANCELLED, Session.NO_SHOW):
        raise ValidationError(CLOSED.format(status=current.get_status_display().lower()))
    _require_chart(actor, current)
    if current.status == Session.BOOKED:
        if needs_move_to_today(current):
            raise not_today_error(current)
        _check_authorization(current, beyond_authorization_reason)
    return current


def beyond_authorization(session: Session) -> Any:
    """Why ``session`` is beyond its course's payer authorization (``remit.core.authorization.Beyond``), or None."""
    from remit.core.authorization import beyond_authorization as beyond
    from remit.treatment.actions_courses import authorization_of, course_bookings

    authorization = authorization_of(session.course)
    if not authorization.recorded:
        return None
    bookings = course_bookings(session.course)
    return beyond(bookings, authorization).get(session.pk)


def _check_authorization(current: Session, given: str) -> None:
    given = (given or "").strip()
    found = beyond_authorization(current)
    if found is None:
        return
    if given:
        current.beyond_authorization_reason = given[:1000]
        current._beyond_reason_given = True  # type: ignore[attr-defined]
        return
    if current.beyond_authorization_reason:
        return
    raise _fail(
        "beyond_authorization_reason",
        f"Session {current.number} is beyond the payer's authorization ({found.reason}): "
        "give the reason for treating it.",
    )


def _audit(
    action: str, actor: Any, request: HttpRequest | None, obj: Any, session: Session, **detail: Any
) -> None:
    audit.record(
        action,
        actor=actor,
        request=request,
        obj=obj,
        patient=session.patient,
        detail={"session_id": session.pk, **detail},
    )


def _save(session: Session, fields: Iterable[str]) -> None:
    session.save(update_fields=list(fields))


def _mark_charted(session: Session, actor: Any) -> list[str]:
    if session.charted_by_id is None:
        session.charted_by = actor
        return ["charted_by"]
    return []


# --- prescriber override (one mechanism for every dose) ------------------------------------------

OVERRIDE_REASON_MAX = 1000
OVERRIDE_FIELDS = ("dose_override_reason", "dose_override_by", "dose_override_at")


def prescriber_override_reason(actor: Any, reason: str | None, *, what: str) -> str:
    """The written reason of a prescriber's dose override, stripped ("" when none was written).

    A reason from someone who is not a prescriber is refused (``override_reason``):
    only a prescriber may give a dose outside ``what``. Whether a reason is needed
    is the clinical core's call (``remit.core.dosing``).
    """
    text = (reason or "").strip()
    if not text:
        return ""
    if not actor.has_role(R.PRESCRIBER):
        raise _fail("override_reason", f"Only a prescriber can override {what}.")
    if len(text) > OVERRIDE_REASON_MAX:
        raise _fail("override_reason", f"Keep the reason under {OVERRIDE_REASON_MAX} characters.")
    return text


def _record_override(session: Session, reason: str | None, actor: Any) -> list[str]:
    """Write (or clear) the override on the session: who, when and why. Returns the fields to save."""
    session.dose_override_reason = reason or ""
    session.dose_override_by = actor if reason else None
    session.dose_override_at = now() if reason else None
    return list(OVERRIDE_FIELDS)


# --- check-in and checklist ----------------------------------------------------------------------


def check_in(
    session: Session,
    *,
    actor: Any,
    request: HttpRequest | None = None,
    beyond_authorization_reason: str = "",
) -> Session:
    """Check the patient in: the first charting step.

    A session beyond the payer's authorization needs a reason (recorded and
    audited here unless one was recorded when it was booked).
    """
    with transaction.atomic():
        current = _locked(session, actor, beyond_authorization_reason=beyond_authorization_reason)
        if current.checked_in_at is not None:
            raise _fail(None, f"Already checked in at {_hm(current.checked_in_at)}.")
        current.checked_in_at = now()
        if current.status == Session.BOOKED:
            current.status = Session.CHECKED_IN
        fields = ["checked_in_at", "status", *_mark_charted(current, actor)]
        extra: dict[str, Any] = {}
        if getattr(current, "_beyond_reason_given", False):
            fields.append("beyond_authorization_reason")
            extra["beyond_authorization_reason"] = current.beyond_authorization_reason
        _save(current, fields)
        _audit(audit.UPDATE, actor, request, current, current, step="check_in", **extra)
        # A course is planned until its first patient arrives.
        start_course_if_planned(current, actor=actor, request=request)
    return current


def pregnancy_applicable(patient: Patient, day: dt.date | None = None) -> bool:
    low, high = CHILD_BEARING_AGES
    return patient.sex_at_birth == "female" and low <= patient.age_on(day) <= high


def checklist_items(session: Session) -> tuple[tuple[str, str], ...]:
    if session.modality == "esketamine":
        return KETAMINE_CHECKLIST + ESKETAMINE_CHECKLIST
    if session.modality in KETAMINE:
        return KETAMINE_CHECKLIST
    return ()


def save_checklist(
    session: Session, data: Mapping[str, Any], *, actor: Any, request: HttpRequest | None = None
) -> Session:
    """Store the pre-session checklist; a TMS "seizure since last session" raises a high alert."""
    from remit.alerts.actions import raise_alert

    with transaction.atomic():
        current = _locked(session, actor)
        if current.dose_started_at is not None:
            raise _fail(None, "Dosing has started; the pre-session checklist can no longer change.")
        day = timezone.localdate(now())
        checklist: dict[str, Any] = dict(current.checklist or {})
        raise_seizure = False
        if current.modality == "tms":
            for name in TMS_CHECK_FIELDS:
                if data.get(name) in (None, ""):
                    raise _fail(name, "Answer this question.")
            sleep = Decimal(str(data["sleep_hours"]))
            if not Decimal(0) <= sleep <= Decimal(24):
                raise _fail("sleep_hours", "Enter hours of sleep from 0 to 24.")
            detail = (data.get("medication_change_detail") or "").strip()
            if data["medication_changes"] == "yes" and not detail:
                raise _fail("medication_change_detail", "Say which medication changed.")
            raise_seizure = (
                data["seizure_since_last"] == "yes" and checklist.get("seizure_since_last") != "yes"
            )
            checklist.update(
                {
                    "sleep_hours": str(sleep),
                    "alcohol_24h": data["alcohol_24h"],
                    "medication_changes": data["medication_changes"],
                    "medication_change_detail": detail,
                    "seizure_since_last": data["seizure_since_last"],
                }
            )
            if data["seizure_since_last"] != "yes":
                checklist.pop("seizure_review", None)
        else:
            for name, _label in checklist_items(current):
                checklist[name] = bool(data.get(name))
            if pregnancy_applicable(current.patient, day):
                answer = data.get("pregnancy") or ""
                reason = (data.get("pregnancy_na_reason") or "").strip()
                if answer not in ("negative", "not_applicable"):
                    raise _fail("pregnancy", "Record a negative pregnancy test, or mark it not applicable.")
                if answer == "not_applicable" and not reason:
                    raise _fail("pregnancy_na_reason", "Give the reason a pregnancy test is not applicable.")
                checklist["pregnancy"] = answer
                checklist["pregnancy_na_reason"] = reason if answer == "not_applicable" else ""
        checklist["saved_at"] = now().isoformat()
        checklist["saved_by"] = actor.get_username()
        current.checklist = checklist
        _save(current, ["checklist", *_mark_charted(current, actor)])
        _audit(audit.UPDATE, actor, request, current, current, step="checklist")
        if raise_seizure:
            raise_alert(
                patient=current.patient,
                kind="seizure",
                severity="high",
                reason=(
                    f"Seizure since the last TMS session reported at the daily check (session {current.number}); "
                    "TMS is on hold until a prescriber reviews."
                ),
                detail={"session_id": current.pk, "step": "daily_check"},
                source=current,
                dedupe_key=f"session:{current.pk}:seizure_check",
                actor=actor,
                request=request,
            )
    return current


def review_seizure(session: Session, note: str, *, actor: Any, request: HttpRequest | None = None) -> Session:
    if not actor.has_role(R.PRESCRIBER):
        raise PermissionDenied("Only a prescriber can review a reported seizure.")
    note = (note or "").strip()
    if not note:
        raise _fail("note", "Write the review: why TMS may go ahead (or not).")
    with transaction.atomic():
        current = _locked(session, actor)
        if (current.checklist or {}).get("seizure_since_last") != "yes":
            raise _fail(None, "No seizure was reported at this session's daily check.")
        checklist = dict(current.checklist)
        checklist["seizure_review"] = {
            "by": actor.get_username(),
            "by_name": actor.get_full_name() or actor.get_username(),
            "at": now().isoformat(),
            "note": note[:1000],
        }
        current.checklist = checklist
        _save(current, ["checklist"])
        _audit(audit.UPDATE, actor, request, current, current, step="seizure_review")
    return current


def checklist_missing(session: Session, day: dt.date | None = None) -> list[str]:
    """What still stops dosing: unticked items, the pregnancy answer, the TMS daily check or its review."""
    checklist = session.checklist or {}
    if session.modality == "tms":
        missing = [name.replace("_", " ") for name in TMS_CHECK_FIELDS if checklist.get(name) in (None, "")]
        if missing:
            return ["daily pre-session check"]
        if checklist.get("seizure_since_last") == "yes" and not checklist.get("seizure_review"):
            return ["prescriber review of the reported seizure"]
        return []
    missing = [label for name, label in checklist_items(session) if not checklist.get(name)]
    if pregnancy_applicable(session.patient, day) and checklist.get("pregnancy") not in (
        "negative",
        "not_applicable",
    ):
        missing.append("pregnancy test (or not applicable, with the reason)")
    return missing


# --- ketamine dose -------------------------------------------------------------------------------


def compute_ketamine_dose(
    session: Session,
    *,
    weight_kg: Any,
    mg_per_kg: Any,
    concentration_mg_per_ml: Any,
    infusion_minutes: Any,
    override_reason: str = "",
    actor: Any,
    settings: ClinicTreatmentSettings | None = None,
) -> dosing.KetamineDose:
    """The dose the core computes, or ``ValidationError`` naming the field; stores nothing."""
    if session.modality not in KETAMINE:
        raise _fail(None, "Weight-based dosing is for ketamine sessions.")
    reason = prescriber_override_reason(actor, override_reason, what="the clinic's maximum dose")
    settings = settings or treatment_settings(session.clinic_id)
    if weight_kg is None:
        raise _fail("weight_kg", "Enter today's weight.")
    if mg_per_kg is None:
        raise _fail("mg_per_kg", "Enter the dose in mg/kg.")
    if concentration_mg_per_ml is None:
        raise _fail("concentration_mg_per_ml", "Enter the drug concentration.")
    if session.modality == "ketamine_iv" and infusion_minutes is None:
        raise _fail("infusion_minutes", "Enter the infusion time in minutes.")
    try:
        return dosing.ketamine_dose(
            weight_kg,
            mg_per_kg,
            concentration_mg_per_ml,
            infusion_minutes if session.modality == "ketamine_iv" else None,
            settings.max_mg_per_kg,
            override_reason=reason or None,
        )
    except dosing.DoseError as error:
        raise _fail(error.field if error.field != "max_mg_per_kg" else None, error.message) from None


def record_ketamine_dose(
    session: Session,
    *,
    weight_kg: Any,
    mg_per_kg: Any,
    concentration_mg_per_ml: Any,
    infusion_minutes: Any,
    override_reason: str = "",
    actor: Any,
    request: HttpRequest | None = None,
) -> Session:
    from remit.patients.actions import add_weight

    dose = compute_ketamine_dose(
        session,
        weight_kg=weight_kg,
        mg_per_kg=mg_per_kg,
        concentration_mg_per_ml=concentration_mg_per_ml,
        infusion_minutes=infusion_minutes,
        override_reason=override_reason,
        actor=actor,
    )
    with transaction.atomic():
        current = _locked(session, actor)
        if current.dose_started_at is not None:
            raise _fail(None, "Dosing has started; the dose can no longer change. Write a note instead.")
        current.weight_kg = dose.weight_kg
        current.mg_per_kg = dose.mg_per_kg
        current.dose_mg = dose.mg
        current.concentration_mg_per_ml = dose.concentration_mg_per_ml
        current.volume_ml = dose.ml
        current.rate_ml_per_h = dose.rate_ml_per_h
        current.infusion_minutes = int(dose.infusion_minutes) if dose.infusion_minutes is not None else None
        override = _record_override(current, dose.override_reason if dose.overridden else None, actor)
        _save(
            current,
            [
                "weight_kg",
                "mg_per_kg",
                "dose_mg",
                "concentration_mg_per_ml",
                "volume_ml",
                "rate_ml_per_h",
                "infusion_minutes",
                *override,
                *_mark_charted(current, actor),
            ],
        )
        add_weight(
            actor,
            current.patient,
            {"measured_on": timezone.localdate(now()), "weight_kg": dose.weight_kg},
            request=request,
        )
        _audit(
            audit.UPDATE,
            actor,
            request,
            current,
            current,
            step="dose",
            mg=str(dose.mg),
            mg_per_kg=str(dose.mg_per_kg),
            overridden=dose.overridden,
        )
    return current


# --- dosing start and end ------------------------------------------------------------------------


def start_dose(session: Session, *, actor: Any, request: HttpRequest | None = None) -> Session:
    with transaction.atomic():
        current = _locked(session, actor)
        if current.modality == "esketamine":
            raise _fail(None, "Esketamine dosing starts with the first device: record it below.")
        if current.dose_started_at is not None:
            raise _fail(None, f"Already started at {_hm(current.dose_started_at)}.")
        if current.checked_in_at is None:
            raise _fail(None, "Check the patient in first.")
        missing = checklist_missing(current, timezone.localdate(now()))
        if missing:
            raise _fail(None, "Cannot start: the checklist is incomplete — " + "; ".join(missing) + ".")
        if current.modality in KETAMINE and current.dose_mg is None:
            raise _fail(None, "Cannot start: compute and confirm the dose first.")
        if current.modality == "tms" and current.machine_output_pct is None:
            raise _fail(None, "Cannot start: record the motor threshold and stimulation parameters first.")
        current.dose_started_at = now()
        current.status = Session.DOSING
        fields = ["dose_started_at", "status", *_mark_charted(current, actor)]
        if current.modality == "ketamine_im":
            # An intramuscular injection is given at once: monitoring starts with it.
            current.dose_ended_at = current.dose_started_at
            current.status = Session.MONITORING
            fields.append("dose_ended_at")
        _save(current, fields)
        _audit(audit.UPDATE, actor, request, current, current, step="dose_start")
    return current


def end_dose(session: Session, *, actor: Any, request: HttpRequest | None = None) -> Session:
    with transaction.atomic():
        current = _locked(session, actor)
        if current.dose_started_at is None:
            raise _fail(None, "Dosing has not started.")
        if current.dose_ended_at is not None:
            raise _fail(None, f"Dosing already ended at {_hm(current.dose_ended_at)}.")
        current.dose_ended_at = now()
        current.status = Session.MONITORING
        _save(current, ["dose_ended_at", "status"])
        _audit(audit.UPDATE, actor, request, current, current, step="dose_end")
    return current


# --- vitals --------------------------------------------------------------------------------------


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


def _reading(vital: VitalSign) -> core_vitals.VitalsReading:
    return core_vitals.VitalsReading(
        systolic=vital.systolic,
        diastolic=vital.diastolic,
        heart_rate=vital.heart_rate,
        spo2=vital.spo2,
        respiratory_rate=vital.respiratory_rate,
    )


def add_vitals(
    session: Session, values: Mapping[str, Any], *, actor: Any, request: HttpRequest | None = None
) -> VitalSign:
    """Validate a reading (``VitalsError`` → the field), check it and raise an alert on any breach."""
    from remit.alerts.actions import raise_alert

    given = {name: values.get(name) for name in core_vitals.VITAL_FIELDS}
    if all(value is None for value in given.values()):
        raise _fail(None, "Enter at least one vital sign.")
    try:
        reading = core_vitals.validate_vitals(**given)
    except core_vitals.VitalsError as error:
        raise _fail(error.field, error.message) from None
    with transaction.atomic():
        current = _locked(session, actor)
        taken_at = now()
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
        vital = VitalSign.objects.create(
            session=current,
            taken_at=taken_at,
            entered_by=actor,
            breaches=breaches,
            **{name: getattr(reading, name) for name in core_vitals.VITAL_FIELDS},
        )
        _mark = _mark_charted(current, actor)
        if _mark:
            _save(current, _mark)
        _audit(
            audit.CREATE,
            actor,
            request,
            vital,
            current,
            step="vitals",
            breaches=[b["field"] for b in breaches],
        )
        if breaches:
            severity = "high" if any(b["severity"] == "high" for b in breaches) else "medium"
            raise_alert(
                patient=current.patient,
                kind="vitals_threshold",
                severity=severity,
                reason=(
                    f"{current.get_modality_display()} session {current.number} at {_hm(taken_at)}: "
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


def unanswered_breaches(vitals: Iterable[VitalSign], actions: Iterable[SessionAction]) -> list[VitalSign]:
    answered = {a.vital_id for a in actions if not a.is_voided and a.vital_id is not None}
    return [v for v in vitals if v.breaches and not v.is_voided and v.pk not in answered]


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
        raise _fail("kind", "Choose what was done.")
    with transaction.atomic():
        current = _locked(session, actor)
        vital = VitalSign.objects.filter(session=current, pk=vital_id, voided_at__isnull=True).first()
        if vital is None:
            raise _fail("vital", "Choose the reading this action answers.")
        action = SessionAction.objects.create(
            session=current, vital=vital, kind=kind, detail=(detail or "").strip()[:500], at=now(), by=actor
        )
        _audit(audit.CREATE, actor, request, action, current, step="vital_action", kind=kind)
    return action


# --- rated instruments ---------------------------------------------------------------------------


def rate(
    session: Session,
    code: str,
    answers: Mapping[str, Any],
    *,
    actor: Any,
    request: HttpRequest | None = None,
) -> Any:
    """CADSS-6, CADSS or MOAA/S, stored as an assessment linked to this session (measures app)."""
    from remit.measures.actions_assessments import record_assessment

    if code not in RATED_AT_SESSION:
        raise _fail(None, f"{code} is not rated at a session.")
    if session.modality not in DRUG_MODALITIES:
        raise _fail(None, "Dissociation and sedation are rated at ketamine and esketamine sessions.")
    with transaction.atomic():
        current = _locked(session, actor)
        assessment = record_assessment(
            patient=current.patient,
            instrument=code,
            answers=answers,
            respondent="clinician",
            actor=actor,
            request=request,
            session=current,
            taken_at=now(),
        )
    return assessment


# --- esketamine ----------------------------------------------------------------------------------


def active_enrolment(patient: Patient) -> RemsEnrolment | None:
    return (
        RemsEnrolment.objects.filter(patient=patient, voided_at__isnull=True).order_by("-enrolled_on").first()
    )


def enrol_rems(
    patient: Patient,
    *,
    enrolled_on: dt.date | None,
    reference: str = "",
    actor: Any,
    request: HttpRequest | None = None,
) -> RemsEnrolment:
    if not (actor.has_role(R.PRESCRIBER, R.NURSE) and actor.can("sessions.chart")):
        raise PermissionDenied("Your role does not allow recording a REMS enrolment.")
    if patient.is_voided:
        raise _fail(None, "This patient's record is voided; nothing can be added to it.")
    if enrolled_on is None:
        raise _fail("enrolled_on", "Enter the date the patient was enrolled.")
    if enrolled_on > timezone.localdate(now()):
        raise _fail("enrolled_on", "The enrolment date cannot be in the future.")
    with transaction.atomic():
        enrolment = RemsEnrolment.objects.create(
            patient=patient,
            enrolled_on=enrolled_on,
            reference=(reference or "").strip()[:60],
            entered_by=actor,
        )
        audit.record(audit.CREATE, actor=actor, request=request, obj=enrolment, patient=patient)
    return enrolment


def _previous_esketamine_mg(session: Session) -> int | None:
    """The patient's last esketamine dose given before this session (any course), if any."""
    previous = (
        Session.objects.filter(
            patient_id=session.patient_id,
            modality="esketamine",
            voided_at__isnull=True,
            dose_started_at__isnull=False,
            scheduled_for__lt=session.scheduled_for,
        )
        .exclude(pk=session.pk)
        .order_by("-scheduled_for", "-id")
        .first()
    )
    if previous is None:
        return None
    mg = dosing.ESKETAMINE_MG_PER_DEVICE * len(previous.devices or [])
    if not mg and previous.dose_mg is not None:
        mg = int(previous.dose_mg)
    max_mg = dosing.ESKETAMINE_MG_PER_DEVICE * dosing.ESKETAMINE_MAX_DEVICES
    return mg if 0 < mg <= max_mg and mg % dosing.ESKETAMINE_MG_PER_DEVICE == 0 else None


def is_esketamine_day_one(session: Session) -> bool:
    """Day 1 of treatment: the first session of an induction course at which a dose is given."""
    if session.course.phase != "induction":
        return False
    return not (
        Session.objects.filter(
            course_id=session.course_id,
            voided_at__isnull=True,
            dose_started_at__isnull=False,
            number__lt=session.number,
        )
        .exclude(pk=session.pk)
        .exists()
    )


def _esketamine_dosing(session: Session) -> EsketamineDosing | None:
    definition = getattr(session.course.protocol, "definition", None) or {}
    try:
        protocol = protocol_from_dict(definition)
    except ProtocolError:
        return None
    return protocol.dosing if isinstance(protocol.dosing, EsketamineDosing) else None


def esketamine_doses(session: Session, day: dt.date | None = None) -> dosing.EsketamineSessionDoses:
    """The doses the course's protocol allows at this session (``remit.core.dosing.esketamine_session_doses``).

    Age on the day of the session (the first device, or today before it); day 1
    of an induction course; the patient's previous dose; the protocol's doses and
    its 65-and-over schedule (clinical-reference §4). ``ValidationError`` when the
    patient's age is outside what esketamine is labelled for.
    """
    day = day or timezone.localdate(first_device_at(session) or now())
    protocol = _esketamine_dosing(session)
    try:
        return dosing.esketamine_session_doses(
            age=session.patient.age_on(day),
            first_dose=is_esketamine_day_one(session),
            previous_mg=_previous_esketamine_mg(session),
            dose_options_mg=protocol.dose_options_mg if protocol else (56, 84),
            first_dose_mg=protocol.first_dose_mg if protocol else 56,
            older_adults=protocol.older_adults if protocol else None,
        )
    except dosing.DoseError as error:
        raise _fail(None, error.message) from None


def set_esketamine_dose(
    session: Session,
    *,
    dose_mg: Any,
    override_reason: str = "",
    actor: Any,
    request: HttpRequest | None = None,
) -> Session:
    """Choose today's esketamine dose before the first device.

    Only a dose the protocol allows at this session (``esketamine_doses``) is
    accepted; any other needs a prescriber's override with a written reason,
    recorded on the session (who, when, why) and carried to the REMS form.
    """
    reason = prescriber_override_reason(actor, override_reason, what="the protocol's esketamine doses")
    if dose_mg in (None, ""):
        raise _fail("dose_mg", "Choose today's dose.")
    if isinstance(dose_mg, bool) or not isinstance(dose_mg, int):
        raise _fail("dose_mg", f"Choose today's dose in mg; {dose_mg!r} is not a dose.")
    with transaction.atomic():
        current = _locked(session, actor)
        if current.modality != "esketamine":
            raise _fail(None, "Today's esketamine dose is for esketamine sessions.")
        if current.devices:
            raise _fail(
                None,
                "The first device has been given: today's dose can no longer change. Write a note instead.",
            )
        doses = esketamine_doses(current)
        try:
            checked = dosing.check_esketamine_session_dose(dose_mg, doses, override_reason=reason or None)
        except dosing.DoseError as error:
            raise _fail("dose_mg", error.message) from None
        current.planned_dose_mg = checked.mg
        override = _record_override(current, checked.override_reason, actor)
        _save(current, ["planned_dose_mg", *override, *_mark_charted(current, actor)])
        _audit(
            audit.UPDATE,
            actor,
            request,
            current,
            current,
            step="esketamine_dose",
            mg=checked.mg,
            allowed=list(doses.allowed_mg),
            overridden=checked.overridden,
        )
    return current


def give_device(
    session: Session, *, lot_number: str = "", actor: Any, request: HttpRequest | None = None
) -> Session:
    """One 28 mg device now; the first starts dosing and monitoring. Refused within 5 minutes of the last.

    Refused before today's dose is chosen and beyond its devices; at the first
    device the chosen dose is checked again against the protocol (an override
    stands).
    """
    with transaction.atomic():
        current = _locked(session, actor)
        if current.modality != "esketamine":
            raise _fail(None, "Devices are for esketamine sessions.")
        if active_enrolment(current.patient) is None:
            raise _fail(
                None, "The patient is not enrolled in the Spravato REMS: record the enrolment before dosing."
            )
        if current.checked_in_at is None:
            raise _fail(None, "Check the patient in first.")
        missing = checklist_missing(current, timezone.localdate(now()))
        if missing:
            raise _fail(None, "Cannot start: the checklist is incomplete — " + "; ".join(missing) + ".")
        devices = list(current.devices or [])
        if current.dose_ended_at is not None:
            raise _fail(None, "Dosing has ended.")
        if len(devices) >= MAX_DEVICES:
            raise _fail(None, f"{MAX_DEVICES} devices ({MAX_DEVICES * 28} mg) is the largest labelled dose.")
        planned = current.planned_dose_mg
        if not planned:
            raise _fail(None, "Choose today's dose before the first device.")
        planned_devices = planned // dosing.ESKETAMINE_MG_PER_DEVICE
        if len(devices) >= planned_devices:
            raise _fail(
                None,
                f"Today's dose is {planned} mg ({planned_devices} device{'s' if planned_devices != 1 else ''}) "
                "and every device of it has been given.",
            )
        if not devices and not current.dose_override_reason:
            doses = esketamine_doses(current)
            if planned not in doses.allowed_mg:
                raise _fail(
                    None,
                    f"Today's dose of {planned} mg is no longer allowed at this session. {doses.explanation} "
                    "Choose the dose again.",
                )
        at = now()
        if not devices and bp_slots(current, current.vitals.all())["pre_dose"] is None:
            raise _fail(None, "Record the blood pressure before dosing first.")
        if devices:
            last = dt.datetime.fromisoformat(devices[-1]["at"])
            ready = last + dt.timedelta(minutes=DEVICE_REST_MINUTES)
            if at < ready:
                wait = math.ceil((ready - at).total_seconds() / 60)
                raise _fail(
                    None,
                    f"Rest {DEVICE_REST_MINUTES} minutes between devices: device {len(devices)} was given at "
                    f"{_hm(last)}; the next can be given at {_hm(ready)} (in {wait} min).",
                )
        lot = (lot_number or "").strip()[:60]
        if not lot and not current.lot_number:
            raise _fail("lot_number", "Enter the lot number printed on the device.")
        if lot:
            current.lot_number = lot
        devices.append({"n": len(devices) + 1, "mg": dosing.ESKETAMINE_MG_PER_DEVICE, "at": at.isoformat()})
        current.devices = devices
        current.dose_mg = Decimal(dosing.ESKETAMINE_MG_PER_DEVICE * len(devices))
        fields = ["devices", "dose_mg", "lot_number", *_mark_charted(current, actor)]
        if len(devices) == 1:
            current.dose_started_at = at
            current.status = Session.DOSING
            fields += ["dose_started_at", "status"]
        _save(current, fields)
        _audit(audit.UPDATE, actor, request, current, current, step="device", device=len(devices))
    return current


def save_rems_answers(
    session: Session, data: Mapping[str, Any], *, actor: Any, request: HttpRequest | None = None
) -> Session:
    with transaction.atomic():
        current = _locked(session, actor)
        if current.modality != "esketamine":
            raise _fail(None, "REMS answers are for esketamine sessions.")
        answers: dict[str, Any] = dict(current.rems or {})
        for name in REMS_YES_NO:
            value = data.get(name) or ""
            resolved = data.get(f"{name}_resolved") or ""
            if value == "yes" and resolved not in ("yes", "no"):
                raise _fail(f"{name}_resolved", "Say whether it resolved.")
            answers[name] = value
            answers[f"{name}_resolved"] = resolved if value == "yes" else ""
        minutes = data.get("ready_to_leave_minutes")
        if minutes is not None and not 0 <= int(minutes) <= 600:
            raise _fail("ready_to_leave_minutes", "Enter minutes from 0 to 600.")
        answers["ready_to_leave_minutes"] = minutes
        for name in ("vitals_ok_pre_dose", "vitals_ok_at_completion"):
            answers[name] = data.get(name) or ""
        for name in ("monitoring_hcp_name", "monitoring_hcp_contact", "setting_address"):
            answers[name] = (data.get(name) or "").strip()[:300]
        current.rems = answers
        _save(current, ["rems", *_mark_charted(current, actor)])
        _audit(audit.UPDATE, actor, request, current, current, step="rems_answers")
    return current


# --- TMS -----------------------------------------------------------------------------------------


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
    if not actor.can("sessions.chart"):
        raise PermissionDenied("Your role does not allow recording a motor threshold.")
    if determined_on is None:
        raise _fail("determined_on", "Enter the date the threshold was determined.")
    if determined_on > timezone.localdate(now()):
        raise _fail("determined_on", "The date cannot be in the future.")
    if pct_mso is None or isinstance(pct_mso, bool) or not 1 <= int(pct_mso) <= 100:
        raise _fail("pct_mso", "Enter the threshold as a whole % of machine output from 1 to 100.")
    if method not in dict(MotorThreshold.METHODS):
        raise _fail("method", "Choose how the threshold was determined.")
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
    today = timezone.localdate(now())
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


def record_tms(
    session: Session, data: Mapping[str, Any], *, actor: Any, request: HttpRequest | None = None
) -> Session:
    """Stimulation parameters; % machine output = MT x % MT (``remit.core.dosing.tms_machine_output``)."""
    with transaction.atomic():
        current = _locked(session, actor)
        if current.modality != "tms":
            raise _fail(None, "Stimulation parameters are for TMS sessions.")
        threshold = latest_motor_threshold(current.patient)
        if threshold is None:
            raise _fail(None, "Record the patient's motor threshold first.")
        pattern = data.get("tms_pattern") or ""
        if pattern not in dict(TMS_PATTERNS):
            raise _fail("tms_pattern", "Choose the protocol pattern.")
        method = data.get("coil_site_method") or ""
        if method not in dict(COIL_METHODS):
            raise _fail("coil_site_method", "Choose how the coil site was found.")
        intensity = data.get("intensity_pct_mt")
        if intensity is None:
            raise _fail("intensity_pct_mt", "Enter the intensity as % of motor threshold.")
        try:
            output = dosing.tms_machine_output(threshold.pct_mso, intensity)
        except dosing.DoseError as error:
            field = "intensity_pct_mt" if error.field == "intensity_pct_mt" else None
            raise _fail(field, error.message) from None
        planned = data.get("pulses_planned")
        delivered = data.get("pulses_delivered")
        if planned is None or planned < 1:
            raise _fail("pulses_planned", "Enter the pulses planned (at least 1).")
        if delivered is not None and delivered > planned * 2:
            raise _fail("pulses_delivered", "More than twice the planned pulses: check the number.")
        if current.dose_started_at is not None and (
            current.machine_output_pct != int(output) or current.intensity_pct_mt != int(intensity)
        ):
            raise _fail("intensity_pct_mt", "Stimulation has started; the intensity can no longer change.")
        current.motor_threshold = threshold
        current.tms_pattern = pattern
        current.intensity_pct_mt = int(intensity)
        current.machine_output_pct = int(output)
        current.pulses_planned = planned
        current.pulses_delivered = delivered
        current.coil_site_method = method
        current.coil_coordinates = (data.get("coil_coordinates") or "").strip()[:120]
        _save(
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
                *_mark_charted(current, actor),
            ],
        )
        _audit(audit.UPDATE, actor, request, current, current, step="tms", machine_output_pct=int(output))
    return current


# --- common: adverse events, note ----------------------------------------------------------------

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
    from remit.alerts.actions import raise_alert

    kind = data.get("kind") or ""
    if kind not in dict(ADVERSE_EVENT_KINDS):
        raise _fail("kind", "Choose what happened.")
    severity = data.get("severity") or ""
    if kind == "seizure":
        severity = "serious"
    if severity not in dict(AdverseEvent.SEVERITY):
        raise _fail("severity", "Choose the severity.")
    note = (data.get("note") or "").strip()
    if kind == "other" and not note:
        raise _fail("note", "Describe the event.")
    with transaction.atomic():
        current = _locked(session, actor)
        at = now()
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
        _audit(
            audit.CREATE, actor, request, event, current, step="adverse_event", kind=kind, severity=severity
        )
        label = dict(ADVERSE_EVENT_KINDS)[kind]
        if kind == "seizure":
            raise_alert(
                patient=current.patient,
                kind="seizure",
                severity="high",
                reason=(
                    f"Seizure during {current.get_modality_display()} session {current.number} at {_hm(at)}, "
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
        current = _locked(session, actor)
        event = AdverseEvent.objects.filter(session=current, pk=event_id, voided_at__isnull=True).first()
        if event is None:
            raise _fail(None, "No such adverse event on this session.")
        if event.resolved:
            raise _fail(None, "Already marked resolved.")
        event.resolved = True
        event.resolved_at = now()
        event.save(update_fields=["resolved", "resolved_at"])
        _audit(audit.UPDATE, actor, request, event, current, step="adverse_event_resolved")
    return event


def save_note(session: Session, text: str, *, actor: Any, request: HttpRequest | None = None) -> Session:
    with transaction.atomic():
        current = _locked(session, actor)
        current.note = (text or "").strip()
        _save(current, ["note", *_mark_charted(current, actor)])
        _audit(audit.UPDATE, actor, request, current, current, step="note")
    return current


# --- discharge, sign, amend ----------------------------------------------------------------------

DISCHARGE_CRITERIA = (
    ("alert_oriented", "Alert and oriented"),
    ("vitals_in_range", "Vital signs within the clinic's range"),
    ("escort_present", "Escort present to take the patient home"),
)


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


def discharge(
    session: Session, data: Mapping[str, Any], *, actor: Any, request: HttpRequest | None = None
) -> Session:
    with transaction.atomic():
        current = _locked(session, actor)
        if current.discharged_at is not None:
            raise _fail(None, "Already discharged.")
        at = now()
        vitals = list(current.vitals.all())
        actions = list(current.actions.all())
        if current.modality == "esketamine":
            if not current.devices:
                raise _fail(None, "No device has been given.")
        elif current.dose_started_at is None:
            raise _fail(None, "The session has not started.")
        elif current.dose_ended_at is None:
            raise _fail(None, "End the infusion or stimulation first.")
        waiting = unanswered_breaches(vitals, actions)
        if waiting:
            times = ", ".join(_hm(v.taken_at) for v in waiting)
            raise _fail(
                None, f"Record the action taken for the reading(s) outside the thresholds at {times} first."
            )
        settings = treatment_settings(current.clinic_id)
        met, remaining, until = monitoring_check(current, at, settings)
        if not met:
            start = monitoring_start(current)
            origin = "the first device" if current.modality == "esketamine" else "the start of dosing"
            raise _fail(
                None,
                f"Monitoring must last at least {minimum_minutes(current, settings)} minutes from {origin} "
                f"({_hm(start) if start else '—'}): {remaining} minute{'s' if remaining != 1 else ''} "
                f"remaining (can be completed at {_hm(until) if until else '—'}).",
            )
        if current.modality in DRUG_MODALITIES:
            for name, label in DISCHARGE_CRITERIA:
                if not data.get(name):
                    raise _fail(name, f"Confirm before discharge: {label.lower()}.")
        if current.modality == "esketamine":
            missing = rems_missing(current, vitals)
            if missing:
                raise _fail(None, "Before completing, record: " + "; ".join(missing) + ".")
            if current.dose_ended_at is None:
                current.dose_ended_at = dt.datetime.fromisoformat(current.devices[-1]["at"])
        if current.modality == "tms" and current.pulses_delivered is None:
            raise _fail(None, "Record the pulses delivered first.")
        start = monitoring_start(current)
        minutes = int((at - start).total_seconds() // 60) if start else 0
        current.discharged_at = at
        current.discharge = {
            **{name: bool(data.get(name)) for name, _label in DISCHARGE_CRITERIA},
            "monitoring_minutes": minutes,
            "by": actor.get_username(),
        }
        current.status = Session.COMPLETED
        _save(current, ["discharged_at", "discharge", "status", "dose_ended_at"])
        _audit(audit.UPDATE, actor, request, current, current, step="discharge", monitoring_minutes=minutes)
    return current


def sign(session: Session, *, actor: Any, request: HttpRequest | None = None) -> Session:
    """Sign and lock; an esketamine session also makes its REMS Patient Monitoring Form (due in 7 days)."""
    from remit.treatment import rems

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
            raise _fail(None, "This session is already signed.")
        if current.discharged_at is None:
            raise _fail(None, "Complete (discharge) the session before signing it.")
        at = now()
        current.signed_at = at
        current.signed_by = actor
        form = None
        if current.modality == "esketamine":
            data = rems.build_form_data(current, signer=actor)
            empty = [key for key, value in data.items() if value in (None, "")]
            if empty:
                raise _fail(None, "The REMS form is incomplete: " + ", ".join(empty) + ".")
        # Signing is the last write: the stored signed_at is still empty, so the model allows it.
        _save(current, ["signed_at", "signed_by"])
        if current.modality == "esketamine":
            form = RemsMonitoringForm.objects.create(
                session=current,
                data=data,
                created_at=at,
                due_by=timezone.localdate(at) + dt.timedelta(days=rems.DUE_DAYS),
            )
        _audit(
            audit.UPDATE,
            actor,
            request,
            current,
            current,
            step="sign",
            rems_form_id=form.pk if form else None,
        )
        if form is not None:
            _audit(audit.CREATE, actor, request, form, current, step="rems_form")
        events.emit(events.SESSION_SIGNED, patient=current.patient, actor=actor, source=current)
    return current


def amend(session: Session, text: str, *, actor: Any, request: HttpRequest | None = None) -> Amendment:
    text = (text or "").strip()
    if not text:
        raise _fail("text", "Write the amendment.")
    _require_chart(actor, session)
    with transaction.atomic():
        current = Session.objects.select_for_update().get(pk=session.pk)
        if not current.is_signed:
            raise _fail(None, "The session is not signed yet: edit the chart directly.")
        amendment = Amendment.objects.create(session=current, text=text, by=actor, at=now())
        _audit(audit.CREATE, actor, request, amendment, session, step="amendment")
    return amendment
