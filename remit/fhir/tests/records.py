"""A patient with one record of every kind the export writes (hand-built, for the export tests)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.utils import timezone

from remit.measures.actions_assessments import record_assessment
from remit.patients.actions import add_diagnosis, add_weight
from remit.testing import make_patient
from remit.treatment.models import VitalSign
from remit.treatment.tests.factories import make_session, motor_threshold

AT = timezone.make_aware(dt.datetime(2025, 3, 3, 9, 0))
PHQ9 = {"q1": 2, "q2": 2, "q3": 1, "q4": 1, "q5": 1, "q6": 0, "q7": 1, "q8": 0, "q9": 1, "q10": 1}
GAD7 = {f"q{i}": 1 for i in range(1, 8)}


def charted_patient(world: Any, clinic: Any = None, **fields: Any) -> Any:
    """Diagnosis, weight, PHQ-9 (item 9 → an open alert), GAD-7, an invalid PHQ-9, a ketamine session with
    vitals and a MOAA/S rating, and a TMS session."""
    clinic = clinic or world.clinic
    patient = make_patient(clinic, **fields)
    nurse = world.users["nurse"]
    add_diagnosis(
        nurse, patient, {"code": "F33.2", "description": "Major depressive disorder, recurrent severe"}
    )
    add_diagnosis(
        nurse, patient, {"code": "F41.1", "status": "in_remission", "onset_date": dt.date(2019, 4, 1)}
    )
    add_weight(nurse, patient, {"measured_on": dt.date(2025, 3, 1), "weight_kg": Decimal("71.5")})
    record_assessment(patient=patient, instrument="phq9", answers=PHQ9, respondent="patient", taken_at=AT)
    record_assessment(
        patient=patient,
        instrument="gad7",
        answers=GAD7,
        respondent="patient",
        taken_at=AT + dt.timedelta(days=7),
    )
    record_assessment(
        patient=patient,
        instrument="phq9",
        answers={"q1": 1},
        respondent="patient",
        taken_at=AT + dt.timedelta(days=14),
    )
    start = AT + dt.timedelta(days=1)
    ketamine = make_session(
        world,
        "ketamine_iv",
        patient=patient,
        status="completed",
        checked_in_at=start,
        dose_started_at=start + dt.timedelta(minutes=10),
        dose_ended_at=start + dt.timedelta(minutes=50),
        weight_kg=Decimal("71.5"),
        mg_per_kg=Decimal("0.5"),
        dose_mg=Decimal("35.8"),
        lot_number="LOT-42",
    )
    for minute, values in (
        (15, {"systolic": 128, "diastolic": 82, "heart_rate": 74, "spo2": 98, "respiratory_rate": 14}),
        (30, {"systolic": 141, "diastolic": 88, "heart_rate": 80}),
    ):
        VitalSign.objects.create(
            session=ketamine, taken_at=start + dt.timedelta(minutes=minute), entered_by=nurse, **values
        )
    record_assessment(
        patient=patient,
        instrument="moaas",
        answers={"score": 4},
        respondent="clinician",
        session=ketamine,
        taken_at=start + dt.timedelta(minutes=40),
    )
    threshold = motor_threshold(patient, world.users["tms_technician"], pct=55)
    make_session(
        world,
        "tms",
        patient=patient,
        status="completed",
        checked_in_at=AT + dt.timedelta(days=2),
        discharged_at=AT + dt.timedelta(days=2, minutes=40),
        motor_threshold=threshold,
        tms_pattern="10hz",
        intensity_pct_mt=120,
        machine_output_pct=66,
        pulses_planned=3000,
        pulses_delivered=3000,
        coil_site_method="beam_f3",
    )
    return patient
