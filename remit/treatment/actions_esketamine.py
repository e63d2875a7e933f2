"""Esketamine (Spravato): REMS enrolment, today's dose, the 28 mg devices, the REMS answers.

Also marks the REMS Patient Monitoring Form submitted (the form itself is built
at signing: ``remit.treatment.rems_form``).  Devices are 5 minutes apart at
least; at most 3 (84 mg).
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone

from remit.accounts import roles as R
from remit.audit import actions as audit
from remit.core import dosing
from remit.core.protocols import EsketamineDosing, ProtocolError, protocol_from_dict
from remit.patients.models import Patient
from remit.treatment import clock
from remit.treatment.actions_checkin import require_checklist
from remit.treatment.actions_dose_order import difference_reason as order_difference
from remit.treatment.models import RemsEnrolment, RemsMonitoringForm, Session
from remit.treatment.monitoring import bp_slots, first_device_at
from remit.treatment.session_chart import (
    audit_step,
    fail,
    hm,
    locked,
    mark_charted,
    prescriber_override_reason,
    record_override,
    save_fields,
)

MAX_DEVICES = 3

DEVICE_REST_MINUTES = 5

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
    if not (
        actor.has_role(patient.clinic_id, R.PRESCRIBER, R.NURSE)
        and actor.can("sessions.chart", patient.clinic_id)
    ):
        raise PermissionDenied("Your role does not allow recording a REMS enrolment.")
    if patient.is_voided:
        raise fail(None, "This patient's record is voided; nothing can be added to it.")
    if enrolled_on is None:
        raise fail("enrolled_on", "Enter the date the patient was enrolled.")
    if enrolled_on > timezone.localdate(clock.now()):
        raise fail("enrolled_on", "The enrolment date cannot be in the future.")
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
    day = day or timezone.localdate(first_device_at(session) or clock.now())
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
        raise fail(None, error.message) from None


def set_esketamine_dose(
    session: Session,
    *,
    dose_mg: Any,
    override_reason: str = "",
    difference_reason: str = "",
    actor: Any,
    request: HttpRequest | None = None,
) -> Session:
    """Choose today's esketamine dose before the first device.

    Only a dose the protocol allows at this session (``esketamine_doses``) is
    accepted; any other needs a prescriber's override with a written reason,
    recorded on the session (who, when, why) and carried to the REMS form.
    """
    reason = prescriber_override_reason(
        actor, override_reason, what="the protocol's esketamine doses", clinic=session.clinic_id
    )
    if dose_mg in (None, ""):
        raise fail("dose_mg", "Choose today's dose.")
    if isinstance(dose_mg, bool) or not isinstance(dose_mg, int):
        raise fail("dose_mg", f"Choose today's dose in mg; {dose_mg!r} is not a dose.")
    with transaction.atomic():
        current = locked(session, actor)
        if current.modality != "esketamine":
            raise fail(None, "Today's esketamine dose is for esketamine sessions.")
        if current.devices:
            raise fail(
                None,
                "The first device has been given: today's dose can no longer change. Write a note instead.",
            )
        doses = esketamine_doses(current)
        try:
            checked = dosing.check_esketamine_session_dose(dose_mg, doses, override_reason=reason or None)
        except dosing.DoseError as error:
            raise fail("dose_mg", error.message) from None
        current.planned_dose_mg = checked.mg
        current.dose_difference_reason = order_difference(
            current, checked.mg, difference_reason, override=checked.override_reason or ""
        )
        override = record_override(current, checked.override_reason, actor)
        save_fields(
            current, ["planned_dose_mg", "dose_difference_reason", *override, *mark_charted(current, actor)]
        )
        audit_step(
            audit.UPDATE,
            actor,
            request,
            current,
            current,
            step="esketamine_dose",
            mg=checked.mg,
            allowed=list(doses.allowed_mg),
            overridden=checked.overridden,
            ordered=current.course.esketamine_dose_mg,
            difference_reason=current.dose_difference_reason,
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
        current = locked(session, actor)
        if current.modality != "esketamine":
            raise fail(None, "Devices are for esketamine sessions.")
        if active_enrolment(current.patient) is None:
            raise fail(
                None, "The patient is not enrolled in the Spravato REMS: record the enrolment before dosing."
            )
        if current.checked_in_at is None:
            raise fail(None, "Check the patient in first.")
        require_checklist(current, "start")
        devices = list(current.devices or [])
        if current.dose_ended_at is not None:
            raise fail(None, "Dosing has ended.")
        if len(devices) >= MAX_DEVICES:
            raise fail(None, f"{MAX_DEVICES} devices ({MAX_DEVICES * 28} mg) is the largest labelled dose.")
        planned = current.planned_dose_mg
        if not planned:
            raise fail(None, "Choose today's dose before the first device.")
        planned_devices = planned // dosing.ESKETAMINE_MG_PER_DEVICE
        if len(devices) >= planned_devices:
            raise fail(
                None,
                f"Today's dose is {planned} mg ({planned_devices} device{'s' if planned_devices != 1 else ''}) "
                "and every device of it has been given.",
            )
        if not devices and not current.dose_override_reason:
            doses = esketamine_doses(current)
            if planned not in doses.allowed_mg:
                raise fail(
                    None,
                    f"Today's dose of {planned} mg is no longer allowed at this session. {doses.explanation} "
                    "Choose the dose again.",
                )
        at = clock.now()
        if not devices and bp_slots(current, current.vitals.all())["pre_dose"] is None:
            raise fail(None, "Record the blood pressure before dosing first.")
        if devices:
            last = dt.datetime.fromisoformat(devices[-1]["at"])
            ready = last + dt.timedelta(minutes=DEVICE_REST_MINUTES)
            if at < ready:
                wait = math.ceil((ready - at).total_seconds() / 60)
                raise fail(
                    None,
                    f"Rest {DEVICE_REST_MINUTES} minutes between devices: device {len(devices)} was given at "
                    f"{hm(last)}; the next can be given at {hm(ready)} (in {wait} min).",
                )
        lot = (lot_number or "").strip()[:60]
        if not lot and not current.lot_number:
            raise fail("lot_number", "Enter the lot number printed on the device.")
        if lot:
            current.lot_number = lot
        devices.append({"n": len(devices) + 1, "mg": dosing.ESKETAMINE_MG_PER_DEVICE, "at": at.isoformat()})
        current.devices = devices
        current.dose_mg = Decimal(dosing.ESKETAMINE_MG_PER_DEVICE * len(devices))
        fields = ["devices", "dose_mg", "lot_number", *mark_charted(current, actor)]
        if len(devices) == 1:
            current.dose_started_at = at
            current.status = Session.DOSING
            fields += ["dose_started_at", "status"]
        save_fields(current, fields)
        audit_step(audit.UPDATE, actor, request, current, current, step="device", device=len(devices))
    return current


def save_rems_answers(
    session: Session, data: Mapping[str, Any], *, actor: Any, request: HttpRequest | None = None
) -> Session:
    with transaction.atomic():
        current = locked(session, actor)
        if current.modality != "esketamine":
            raise fail(None, "REMS answers are for esketamine sessions.")
        answers: dict[str, Any] = dict(current.rems or {})
        for name in REMS_YES_NO:
            value = data.get(name) or ""
            resolved = data.get(f"{name}_resolved") or ""
            if value == "yes" and resolved not in ("yes", "no"):
                raise fail(f"{name}_resolved", "Say whether it resolved.")
            answers[name] = value
            answers[f"{name}_resolved"] = resolved if value == "yes" else ""
        minutes = data.get("ready_to_leave_minutes")
        if minutes is not None and not 0 <= int(minutes) <= 600:
            raise fail("ready_to_leave_minutes", "Enter minutes from 0 to 600.")
        answers["ready_to_leave_minutes"] = minutes
        for name in ("vitals_ok_pre_dose", "vitals_ok_at_completion"):
            answers[name] = data.get(name) or ""
        for name in ("monitoring_hcp_name", "monitoring_hcp_contact", "setting_address"):
            answers[name] = (data.get(name) or "").strip()[:300]
        current.rems = answers
        save_fields(current, ["rems", *mark_charted(current, actor)])
        audit_step(audit.UPDATE, actor, request, current, current, step="rems_answers")
    return current


def mark_submitted(
    form: RemsMonitoringForm, reference: str, *, actor: Any, request: HttpRequest | None = None
) -> RemsMonitoringForm:
    reference = (reference or "").strip()
    if not reference:
        raise ValidationError({"reference": ["Enter the REMS confirmation number or fax reference."]})
    if not actor.can("sessions.chart", form.session.clinic_id):
        raise ValidationError("Your role does not allow this.")
    with transaction.atomic():
        locked = RemsMonitoringForm.objects.select_for_update().get(pk=form.pk)
        if locked.submitted_at is not None:
            raise ValidationError("This form is already marked submitted.")
        locked.submitted_at = clock.now()
        locked.submitted_by = actor
        locked.submission_reference = reference[:100]
        locked.save(update_fields=["submitted_at", "submitted_by", "submission_reference"])
        audit.record(
            audit.UPDATE,
            actor=actor,
            request=request,
            obj=locked,
            patient=form.session.patient,
            detail={"step": "rems_submitted", "reference": locked.submission_reference},
        )
    return locked
