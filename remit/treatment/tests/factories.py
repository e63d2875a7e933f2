"""Courses and sessions made directly with the models, and a controllable clock, for the charting tests."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from remit.core.protocols import BUILTIN_PROTOCOLS
from remit.testing import login, make_patient
from remit.treatment import (
    actions_checkin,
    actions_dosing,
    actions_esketamine,
    actions_ketamine,
    actions_signing,
    actions_vitals,
)
from remit.treatment.models import Course, MotorThreshold, Protocol, RemsEnrolment, Session

PROTOCOL_FOR = {
    "ketamine_iv": "ketamine_iv_induction",
    "ketamine_im": "ketamine_im_induction",
    "esketamine": "esketamine_induction",
    "tms": "tms_10hz",
}
# A fixed morning: 2030-03-04 09:00 in the clinic's time zone.
START = dt.datetime(2030, 3, 4, 9, 0)


@dataclass
class Clock:
    at: dt.datetime

    def __call__(self) -> dt.datetime:
        return self.at

    def advance(self, minutes: float = 0, seconds: float = 0) -> dt.datetime:
        self.at = self.at + dt.timedelta(minutes=minutes, seconds=seconds)
        return self.at

    def set(self, base: dt.datetime, minutes: float = 0) -> dt.datetime:
        self.at = base + dt.timedelta(minutes=minutes)
        return self.at


@pytest.fixture
def clock(monkeypatch: Any) -> Clock:
    """The treatment clock (``remit.treatment.clock.now``, and the one answer times are checked against), starting at START; tests move it
    with ``clock.advance(minutes=...)``."""
    from remit.measures import actions_assessments
    from remit.treatment import clock as treatment_clock

    value = Clock(timezone.make_aware(START))
    monkeypatch.setattr(treatment_clock, "now", value)
    monkeypatch.setattr(actions_assessments, "answer_clock", value)
    return value


def make_protocol(clinic: Any, modality: str) -> Protocol:
    code = PROTOCOL_FOR[modality]
    existing = Protocol.objects.filter(clinic=clinic, code=code).order_by("-version").first()
    if existing is not None:
        return existing
    built = BUILTIN_PROTOCOLS[code]
    return Protocol.objects.create(
        clinic=clinic,
        code=code,
        version=1,
        name=built.name,
        modality=built.modality,
        phase=built.phase,
        definition=built.to_dict(),
    )


def make_course(patient: Any, modality: str, prescriber: Any) -> Course:
    protocol = make_protocol(patient.clinic, modality)
    return Course.objects.create(
        patient=patient,
        clinic=patient.clinic,
        modality=modality,
        phase="induction",
        protocol=protocol,
        planned_sessions=protocol.definition["planned_sessions"],
        status=Course.ACTIVE,
        prescriber=prescriber,
        created_by=prescriber,
        start_date=START.date(),
        mg_per_kg=Decimal("0.5") if modality.startswith("ketamine") else None,
    )


def make_session(world: Any, modality: str = "ketamine_iv", patient: Any = None, **fields: Any) -> Session:
    patient = patient or make_patient(world.clinic)
    course = make_course(patient, modality, world.users["prescriber"])
    values: dict[str, Any] = {
        "course": course,
        "patient": patient,
        "clinic": patient.clinic,
        "modality": modality,
        "number": 1,
        "scheduled_for": timezone.make_aware(START),
        "room": "Chair 1",
    }
    values.update(fields)
    return Session.objects.create(**values)


def enrol(patient: Any, user: Any) -> RemsEnrolment:
    return RemsEnrolment.objects.create(
        patient=patient, enrolled_on=START.date(), reference="R-1", entered_by=user
    )


def motor_threshold(patient: Any, user: Any, pct: int = 50, on: dt.date | None = None) -> MotorThreshold:
    return MotorThreshold.objects.create(
        patient=patient, determined_on=on or START.date(), pct_mso=pct, method="visual", by=user
    )


KETAMINE_CHECKLIST = {"fasting": True, "escort": True, "no_new_medications": True, "questionnaire": True}
ESKETAMINE_CHECKLIST = {**KETAMINE_CHECKLIST, "nasal": True, "transport": True}
TMS_CHECK = {
    "sleep_hours": Decimal("7"),
    "alcohol_24h": "no",
    "medication_changes": "no",
    "seizure_since_last": "no",
}


def ready_ketamine(world: Any, clock: Clock, modality: str = "ketamine_iv", **fields: Any) -> Session:
    """Checked in, checklist done (male patient: no pregnancy test), dose confirmed; not started."""
    nurse = world.users["nurse"]
    patient = make_patient(world.clinic, sex_at_birth="male")
    session = make_session(world, modality, patient=patient, **fields)
    actions_checkin.check_in(session, actor=nurse)
    actions_checkin.save_checklist(session, KETAMINE_CHECKLIST, actor=nurse)
    actions_ketamine.record_ketamine_dose(
        session,
        weight_kg=Decimal("80"),
        mg_per_kg=Decimal("0.5"),
        concentration_mg_per_ml=Decimal("10"),
        infusion_minutes=40 if modality == "ketamine_iv" else None,
        actor=nurse,
    )
    return Session.objects.get(pk=session.pk)


def completed_ketamine(world: Any, clock: Clock) -> Session:
    nurse = world.users["nurse"]
    session = ready_ketamine(world, clock)
    actions_dosing.start_dose(session, actor=nurse)
    actions_vitals.add_vitals(
        session, {"systolic": 128, "diastolic": 80, "heart_rate": 72, "spo2": 98}, actor=nurse
    )
    clock.advance(minutes=40)
    actions_dosing.end_dose(session, actor=nurse)
    clock.advance(minutes=81)
    # The reading before discharge: discharge needs vitals within the clinic's interval.
    actions_vitals.add_vitals(
        session, {"systolic": 124, "diastolic": 78, "heart_rate": 70, "spo2": 98}, actor=nurse
    )
    actions_signing.discharge(
        session, {"alert_oriented": True, "vitals_in_range": True, "escort_present": True}, actor=nurse
    )
    return Session.objects.get(pk=session.pk)


def ready_esketamine(world: Any, clock: Clock, *, dose_mg: int | None = 56, patient: Any = None) -> Session:
    """Enrolled, checked in, checklist done, pre-dose BP taken, today's dose chosen (56 mg, day 1
    under 65; ``dose_mg=None`` leaves it to choose); no device yet."""
    nurse = world.users["nurse"]
    patient = patient or make_patient(world.clinic, sex_at_birth="male")
    enrol(patient, nurse)
    session = make_session(world, "esketamine", patient=patient)
    actions_checkin.check_in(session, actor=nurse)
    actions_checkin.save_checklist(session, ESKETAMINE_CHECKLIST, actor=nurse)
    actions_vitals.add_vitals(
        session, {"systolic": 124, "diastolic": 78, "heart_rate": 70, "spo2": 98}, actor=nurse
    )
    if dose_mg is not None:
        actions_esketamine.set_esketamine_dose(session, dose_mg=dose_mg, actor=nurse)
    return Session.objects.get(pk=session.pk)


REMS_ANSWERS = {
    "sedation": "yes",
    "sedation_resolved": "yes",
    "dissociation": "yes",
    "dissociation_resolved": "yes",
    "respiratory_depression": "no",
    "ready_to_leave_minutes": 90,
    "vitals_ok_pre_dose": "yes",
    "vitals_ok_at_completion": "yes",
    "monitoring_hcp_name": "Nora Nurse, RN",
    "monitoring_hcp_contact": "nurse@clinic.example",
    "setting_address": "1 Main Street, Springfield",
}


def monitored_esketamine(world: Any, clock: Clock) -> Session:
    """Two devices, BP at 40 and 103 minutes, REMS answers saved; clock at first device + 103 min."""
    nurse = world.users["nurse"]
    session = ready_esketamine(world, clock)
    clock.advance(minutes=2)
    actions_esketamine.give_device(session, lot_number="LOT123", actor=nurse)
    clock.advance(minutes=5)
    actions_esketamine.give_device(session, actor=nurse)
    clock.advance(minutes=35)
    actions_vitals.add_vitals(session, {"systolic": 138, "diastolic": 84, "spo2": 97}, actor=nurse)
    clock.advance(minutes=63)
    actions_vitals.add_vitals(session, {"systolic": 126, "diastolic": 80, "spo2": 98}, actor=nurse)
    actions_esketamine.save_rems_answers(session, REMS_ANSWERS, actor=nurse)
    return Session.objects.get(pk=session.pk)


def step_url(session: Session, step: str) -> str:
    from django.urls import reverse

    return reverse("treatment:session_step", args=[session.pk, step])


def session_url(session: Session) -> str:
    from django.urls import reverse

    return reverse("treatment:session", args=[session.pk])


def client_for(user: Any) -> Client:
    return login(Client(), user)
