"""New courses after a series that did not help: the step after the demo signals.

Drawn from ``stream(seed, "new_course", i)`` after the measures, so every earlier draw stands (the
new course goes at the end of the patient's courses). About half the non- and partial responders
whose induction ended (completed, or stopped at the checkpoint for no response) start an induction
of another modality 3-8 weeks later: after ketamine, TMS or esketamine; after esketamine, TMS or IV
ketamine; after TMS, IV ketamine or esketamine (esketamine only under 65). The new course is a
retreatment for the first one's durability; its own questionnaires follow a class drawn like the
first's (baseline: where the patient stood), with follow-up to the same kind of horizon. Questionnaires
of the first course dated from the new baseline on are dropped (the new course's take their place).
"""

from __future__ import annotations

import dataclasses
import math
import random
from datetime import date, timedelta
from decimal import Decimal

from remit.generator.course_plan import CREEP_AT, CREEP_EVERY, WEEKDAYS, draw_course
from remit.generator.measures_plan import (
    FOLLOW_UP_DAYS,
    LONG_FOLLOW_UP,
    MISSED,
    NO_RESPONSE_REASON,
    RELAPSE_MEDIAN_DAYS,
    RELAPSE_SHARE,
    checked_assessment,
    draw_minute,
    draw_ratings,
    draw_trajectory,
    draw_weighted,
    given_sessions,
    phq9_answers,
)
from remit.generator.plan import AssessmentPlan, CourseHistoryPlan, PatientPlan, Plan
from remit.generator.streams import stream

SWITCH_SHARE = 0.5

SWITCH_TO = {
    "ketamine_iv": ("tms_10hz", "esketamine_induction"),
    "ketamine_im": ("tms_10hz", "esketamine_induction"),
    "esketamine": ("tms_10hz", "ketamine_iv_induction"),
    "tms": ("ketamine_iv_induction", "esketamine_induction"),
}


def _new_course(rng: random.Random, p: PatientPlan, as_of: date) -> CourseHistoryPlan | None:
    if not p.courses or p.trajectory not in ("non", "partial") or p.index % CREEP_EVERY == CREEP_AT:
        return None
    first = p.courses[0]
    given = given_sessions(first)
    if len(p.courses) > 1 or first.phase != "induction" or not given:
        return None
    if first.status != "completed" and first.discontinue_reason != NO_RESPONSE_REASON:
        return None
    signal = (
        p.booster_requests
        or p.extra_medications
        or any(a.instrument == "dast10" or a.item9 for a in p.assessments)
    )
    if signal or rng.random() >= SWITCH_SHARE:
        return None  # a patient carrying a demo signal keeps it
    code = rng.choice(SWITCH_TO[first.modality])
    if code == "esketamine_induction" and p.age_on(as_of) >= 65:
        code = "ketamine_iv_induction"
    start = given[-1].day + timedelta(days=rng.randint(21, 56))
    while start.weekday() not in WEEKDAYS:
        start += timedelta(days=1)
    if start > as_of:
        return None
    mg = Decimal("0.5") if code.startswith("ketamine") else None
    return draw_course(rng, p, code, start, as_of, mg_per_kg=mg)


def _new_course_questionnaires(
    rng: random.Random, p: PatientPlan, course_i: int, course: CourseHistoryPlan, level: int, as_of: date
) -> list[AssessmentPlan]:
    """PHQ-9 before the new course (its baseline), before its sessions, at its end and in follow-up."""
    traj = dataclasses.replace(draw_trajectory(rng, p, course, False), baseline=max(11, min(24, level)))
    given_days = [s.day for s in given_sessions(course)]
    start = given_days[0] if given_days else course.sessions[0].day
    series_end = given_days[-1] if course.status == "completed" else None
    horizon = draw_weighted(rng, LONG_FOLLOW_UP)
    when: dict[date, str] = {}

    def claim(day: date, kind: str, chance: float = 1.0) -> None:
        if day < as_of and day not in when and rng.random() < chance:
            when[day] = kind

    claim(start - timedelta(days=rng.choice((0, 0, 1, 3))), "baseline")
    weekly = course.modality == "tms"
    for s in given_sessions(course):
        if not weekly or s.number % 5 == 1 or s.day == given_days[-1]:
            claim(s.day, "pre_session", 1 - MISSED)
    relapse_onset = None
    if series_end is not None:
        claim(series_end + timedelta(days=1), "post_dose")
        if traj.cls in ("early", "late") and rng.random() < RELAPSE_SHARE:
            days = max(8, min(75, round(math.exp(rng.gauss(math.log(RELAPSE_MEDIAN_DAYS), 0.55)))))
            relapse_onset = series_end + timedelta(days=days)
            claim(relapse_onset, "relapse_check")
            claim(relapse_onset + timedelta(days=rng.randint(6, 9)), "relapse_check")
        for d in (d for d in FOLLOW_UP_DAYS if d <= horizon):
            claim(series_end + timedelta(days=d), "follow_up", 0.85)
    plans = []
    for day in sorted(when):
        if when[day] == "baseline":
            total = traj.baseline
        elif relapse_onset is not None and day >= relapse_onset:
            total = traj.relapsed(rng)
        else:
            k = sum(1 for d in given_days if d < day)
            total = traj.total(rng, k, series_end is not None and day > series_end)
        minute = draw_minute(rng)
        plans.append(
            checked_assessment(
                AssessmentPlan(
                    "phq9", day, minute, phq9_answers(rng, total), total, kind=when[day], course=course_i
                )
            )
        )
    return plans


def add_new_courses(seed: int, plan: Plan) -> Plan:
    """The plan with a new induction course for some patients whose first one did not help (see above)."""
    patients = []
    for p in plan.patients:
        rng = stream(seed, "new_course", p.index)
        course = _new_course(rng, p, plan.as_of)
        if course is None:
            patients.append(p)
            continue
        first_day = min(s.day for s in course.sessions) - timedelta(days=3)
        kept = [a for a in p.assessments if a.day < first_day or a.instrument not in ("phq9", "gad7")]
        before = [a.total for a in kept if a.instrument == "phq9"]
        level = before[-1] if before else 18
        course_i = len(p.courses)
        with_course = dataclasses.replace(p, courses=(*p.courses, course))
        new = _new_course_questionnaires(rng, with_course, course_i, course, level, plan.as_of)
        ratings = [a for a in draw_ratings(rng, with_course) if a.course == course_i]
        patients.append(dataclasses.replace(with_course, assessments=(*kept, *new, *ratings)))
    return dataclasses.replace(plan, patients=tuple(patients))
