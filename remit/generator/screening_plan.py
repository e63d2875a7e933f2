"""Screenings in the synthetic plan: one before every course, and one to review a relapse.

Plain Python, like ``synthetic``: ``add_screenings(seed, plan)`` gives each treated patient
``PatientPlan.screenings``, drawn from ``stream(seed, "screenings", i)`` after every other step, so
nothing drawn earlier changes. The loader stores each one through the screening app's own actions
(``create_screening`` by the clinic's nurse, ``sign_screening`` by its prescriber), so the rules evaluate
it and the audit trail records it, and links each course to its screening.

- Before each course: an intake taken 2-21 days before the first session (a course planned for the
  coming days: in the last ten days), signed the same day or the next, never after the course starts,
  so it is inside the clinic's validity period when the course starts.
- After a relapse that no later course answers: a review the prescriber signs 1-7 days after the
  relapse is confirmed (on ``as_of`` at the latest), so a recent relapse alert's "draft a maintenance
  course" passes the screening gate.

The intake holds the patient's facts on that day: age, sex, the latest weight, the diagnoses with an
onset by then, the medications started by then, the allergies; a resting blood pressure of 106-138 /
64-88 mmHg; "no" to the vascular, bipolar-episode, hypersensitivity and TMS-safety questions (the
generator makes no patient with those histories); pregnancy and breastfeeding "no"; AUDIT-C and DAST-10
below their cut-offs.
"""

from __future__ import annotations

import dataclasses
import random
from datetime import date, timedelta
from typing import Any

from remit.generator import streams
from remit.generator.plan import PatientPlan, Plan, ScreeningPlan

TMS_SAFETY_NO = (
    "metal_in_head",
    "cochlear_implant",
    "implanted_stimulator",
    "cardiac_device",
    "medication_pump",
    "seizure_history",
    "epilepsy_family_history",
    "head_injury_loss_of_consciousness",
    "seizure_threshold_medication",
    "sleep_deprivation",
)
VASCULAR_NO = (
    "aneurysmal_vascular_disease",
    "arteriovenous_malformation",
    "intracerebral_haemorrhage_history",
    "raised_intracranial_pressure",
)
COURSE = "course"
RELAPSE_REVIEW = "relapse_review"


def intake_on(rng: random.Random, p: PatientPlan, day: date) -> dict[str, Any]:
    """The intake document (``intake.schema.json``) for patient ``p`` on ``day``."""
    weights = [w for w in p.weights if w.measured_on <= day] or list(p.weights)
    weight = float(max(weights, key=lambda w: w.measured_on).weight_kg) if weights else 75.0
    systolic = rng.randint(106, 138)
    meds = [m for m in (*p.medications, *p.extra_medications) if m.started_on <= day]
    return {
        "age": p.age_on(day),
        "sex": p.sex_at_birth if p.sex_at_birth in ("female", "male") else "other",
        "pregnant": False,
        "breastfeeding": False,
        "weight_kg": weight,
        "blood_pressure": {"systolic": systolic, "diastolic": min(systolic - 30, rng.randint(64, 88))},
        "diagnoses": [
            {"code": d.code, "status": d.status}
            for d in p.diagnoses
            if d.onset_date is None or d.onset_date <= day
        ],
        "medications": [{"name": m.name, "daily_dose_mg": float(m.daily_dose_mg)} for m in meds],
        "allergies": [a.substance for a in p.allergies],
        "hypersensitivity_ketamine": False,
        "bipolar_current_mania_or_psychosis": False,
        "vascular": dict.fromkeys(VASCULAR_NO, False),
        "screens": {
            "auditc": [rng.choice((0, 1)), rng.choice((0, 1)), 0],
            "dast10": [0, 0, 1, 0, 0, 0, 0, 0, 0, 0],  # item 3 "able to stop": yes, scoring 0
        },
        "tms_safety": dict.fromkeys(TMS_SAFETY_NO, False),
    }


def _minute(rng: random.Random) -> int:
    return rng.randint(9 * 12, 16 * 12) * 5


def _relapses(p: PatientPlan) -> dict[int, date]:
    """Course index -> the day its relapse was confirmed (the last of its relapse checks)."""
    out: dict[int, date] = {}
    for a in p.assessments:
        if a.instrument == "phq9" and a.kind == "relapse_check" and a.course is not None:
            out[a.course] = max(out.get(a.course, a.day), a.day)
    return out


def screenings_for(rng: random.Random, p: PatientPlan, as_of: date) -> tuple[ScreeningPlan, ...]:
    plans: list[ScreeningPlan] = []
    starts = [c.start_date for c in p.courses]
    for i, c in enumerate(p.courses):
        latest = min(c.start_date, as_of)
        day = c.start_date - timedelta(days=rng.randint(2, 21))
        if c.start_date > as_of:
            day = as_of - timedelta(days=rng.randint(0, 9))
        signed = rng.choice((0, 0, 1))
        day = min(day, latest - timedelta(days=signed))
        minute = _minute(rng)
        wait = signed * 24 * 60 + rng.randint(20, 180)
        plans.append(ScreeningPlan(day, minute, wait, COURSE, i, c.modality, intake_on(rng, p, day)))
    for i, confirmed in sorted(_relapses(p).items()):
        if any(start > confirmed for start in starts):
            continue  # a later course (a booster, a new course) answered the relapse, with its own screening
        day = min(as_of, confirmed + timedelta(days=rng.randint(1, 7)))
        minute = _minute(rng)
        plans.append(
            ScreeningPlan(
                day,
                minute,
                rng.randint(20, 120),
                RELAPSE_REVIEW,
                i,
                p.courses[i].modality,
                intake_on(rng, p, day),
            )
        )
    return tuple(plans)


def add_screenings(seed: int, plan: Plan) -> Plan:
    """The plan with each treated patient's screenings drawn (see above)."""
    patients = tuple(
        dataclasses.replace(
            p, screenings=screenings_for(streams.stream(seed, "screenings", p.index), p, plan.as_of)
        )
        if p.courses
        else p
        for p in plan.patients
    )
    return dataclasses.replace(plan, patients=patients)
