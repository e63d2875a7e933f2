"""The demo's decision-support signals: one patient per clinic for each, the first by index who fits.

Drawn from ``stream(seed, "signals", i)`` after the questionnaires and ratings
(``measures_plan``), so nothing drawn earlier changes.
"""

from __future__ import annotations

import dataclasses
import random
from datetime import date, timedelta
from decimal import Decimal

from remit.generator.course_plan import CREEP_AT, CREEP_EVERY
from remit.generator.measures_plan import (
    DRUGS,
    EARLY_REQUEST_GAP,
    checked_assessment,
    dast10_answers,
    draw_minute,
    given_sessions,
    phq9_answers,
)
from remit.generator.people_plan import NALTREXONE
from remit.generator.plan import AssessmentPlan, CourseHistoryPlan, MedicationPlan, PatientPlan, Plan
from remit.generator.streams import stream


def _latest_ketamine_course(p: PatientPlan) -> CourseHistoryPlan | None:
    """The patient's last course when it is a ketamine/esketamine one with sessions given (not a creeper)."""
    if not p.courses or p.index % CREEP_EVERY == CREEP_AT:
        return None
    course = p.courses[-1]
    return course if course.modality in DRUGS and given_sessions(course) else None


def _fits_early_request(p: PatientPlan, as_of: date) -> bool:
    course = _latest_ketamine_course(p)
    if course is None or course.modality not in EARLY_REQUEST_GAP or course.status != "completed":
        return False
    last = given_sessions(course)[-1].day
    return as_of - timedelta(days=85) <= last <= as_of - timedelta(days=5)


def _early_request(rng: random.Random, p: PatientPlan, as_of: date) -> PatientPlan:
    course = p.courses[-1]
    last = given_sessions(course)[-1].day
    gap = rng.randint(*EARLY_REQUEST_GAP[course.modality])
    return dataclasses.replace(p, booster_requests=(min(as_of, last + timedelta(days=gap)),))


def _fits_dast10(p: PatientPlan, as_of: date) -> bool:
    course = _latest_ketamine_course(p)
    if course is None:
        return False
    days = [s.day for s in given_sessions(course)]
    recent = course.status == "active" or days[-1] >= as_of - timedelta(days=85)
    return recent and days[0] <= as_of - timedelta(days=2)


def _dast10(rng: random.Random, p: PatientPlan, as_of: date) -> PatientPlan:
    first = given_sessions(p.courses[-1])[0].day
    intake = first - timedelta(days=rng.randint(3, 10))
    latest = min(as_of - timedelta(days=1), first + timedelta(days=30))
    after = first + timedelta(days=rng.randint(1, max(1, (latest - first).days)))
    extra = []
    course_i = len(p.courses) - 1
    for day, total, kind in (
        (intake, rng.choice((0, 1)), "screening"),
        (after, rng.choice((3, 4)), "follow_up"),
    ):
        answers = dast10_answers(rng, total)
        extra.append(
            checked_assessment(
                AssessmentPlan("dast10", day, draw_minute(rng), answers, total, kind=kind, course=course_i)
            )
        )
    return dataclasses.replace(p, assessments=(*p.assessments, *extra))


def _fits_naltrexone(p: PatientPlan, as_of: date) -> bool:
    course = _latest_ketamine_course(p)
    if course is None or course.status != "active":
        return False
    return not any("opioid_antagonist" in m.flags for m in p.medications)


def _naltrexone(rng: random.Random, p: PatientPlan, as_of: date) -> PatientPlan:
    first = given_sessions(p.courses[-1])[0].day
    days = (as_of - first).days
    started = first + timedelta(days=rng.randint(1, days) if days >= 1 else 0)
    med = MedicationPlan(NALTREXONE.name, Decimal("50"), started, NALTREXONE.flags)
    return dataclasses.replace(p, extra_medications=(*p.extra_medications, med))


def _recent_phq9(p: PatientPlan, as_of: date) -> list[AssessmentPlan]:
    since = as_of - timedelta(days=14)
    return [a for a in p.assessments if a.instrument == "phq9" and since <= a.day < as_of and a.total >= 10]


def _fits_suicidal(p: PatientPlan, as_of: date) -> bool:
    recent = _recent_phq9(p, as_of)
    return bool(recent) and not any(a.item9 for a in recent)


def _suicidal(rng: random.Random, p: PatientPlan, as_of: date) -> PatientPlan:
    target = _recent_phq9(p, as_of)[-1]
    flagged = checked_assessment(
        dataclasses.replace(target, answers=phq9_answers(rng, target.total, item9=1))
    )
    return dataclasses.replace(p, assessments=tuple(flagged if a is target else a for a in p.assessments))


# In this order: the signals with the fewest candidates choose first.
DEMO_SIGNALS = (
    ("opioid_antagonist", _fits_naltrexone, _naltrexone),
    ("positive_dast10", _fits_dast10, _dast10),
    ("early_booster_request", _fits_early_request, _early_request),
    ("suicidal_ideation", _fits_suicidal, _suicidal),
)


def add_demo_signals(seed: int, plan: Plan) -> Plan:
    """The plan with the demo signals drawn: per clinic, each signal on the first patient (by index) who fits."""
    patients = list(plan.patients)
    used: set[int] = set()
    for clinic in plan.clinics:
        for _name, fits, apply in DEMO_SIGNALS:
            for n, p in enumerate(patients):
                if p.clinic == clinic.slug and p.index not in used and fits(p, plan.as_of):
                    patients[n] = apply(stream(seed, "signals", p.index), p, plan.as_of)
                    used.add(p.index)
                    break
    return dataclasses.replace(plan, patients=tuple(patients))
