"""A synthetic clinic network, planned from a seed in plain Python (no Django).

``build_plan(seed, patients=N, clinics=2, as_of=date)`` returns a ``Plan``:
clinics, staff accounts (with passwords and TOTP keys derived from the seed)
and patients with their histories (diagnoses, antidepressant trials, current
medications, weights, allergies, contact details and consents).  The same
seed, size and ``as_of`` give an identical plan; ``remit.generator.load``
writes it to the database.

Determinism, and room to grow
-----------------------------
Every patient draws from its own stream, ``stream(seed, "patient", i)``, so
patient *i* is the same whatever N is (the first 50 patients of a 500-patient
plan are the 50-patient plan), and adding a new kind of history later does
not change the ones already drawn.  A later step (courses, sessions,
assessments) adds a field with a default to ``PatientPlan`` or ``Plan`` and
draws from a stream of its own, e.g. ``stream(seed, "courses", i)``, then a
matching step in the loader writes it.  The steps, one module each, in order:

- ``people_plan``: clinics, staff and patients with their histories (stream ``"patient"``);
- ``course_plan.add_courses``: courses and sessions (stream ``"courses"``);
- ``measures_plan.add_measures``: questionnaires and clinician ratings (streams
  ``"assessments"`` and ``"ratings"``, with ``"follow_up"`` for the follow-up
  horizon and scheduled boosters);
- ``signals_plan.add_demo_signals``: the demo's decision-support signals (stream ``"signals"``);
- ``new_course_plan.add_new_courses``: a course of another modality after a
  series that did not help (stream ``"new_course"``);
- ``screening_plan.add_screenings``: the signed screening before each course (stream ``"screenings"``).

The plan's dataclasses are in ``plan``, the streams and derived secrets in ``streams``.

Everything here is obviously synthetic: family names are invented or carry a
"Sample-"/"Test-"/... prefix, e-mail addresses end in ``example.invalid`` and
telephone numbers are in the 555-0100..0199 range reserved for fiction.

Distributions (approximate, documented so tests can hold them):
adults 18-80 (a normal curve around 41 years, SD 12, so most are 25-55),
60% female; major depressive disorder for everyone (70% recurrent), with
generalized anxiety ~40%, PTSD ~15%, substance use in remission ~8%,
bipolar II ~3% and schizophrenia ~1% (so screening has something to catch);
2-6 antidepressant trials (mostly 2-4), 4-16 weeks, ~75% adequate, outcomes
mostly no response or partial; benzodiazepines ~25%, psychostimulants ~6%,
MAOIs ~1.5%, naltrexone ~2% (more with alcohol use in remission);
1-4 weights between 45 and 140 kg; allergies ~20%.
"""

from __future__ import annotations

from datetime import date

from remit.generator.course_plan import add_courses
from remit.generator.measures_plan import add_measures
from remit.generator.new_course_plan import add_new_courses
from remit.generator.people_plan import clinic_plans, patient_plans, staff_plans
from remit.generator.plan import Plan
from remit.generator.screening_plan import add_screenings
from remit.generator.signals_plan import add_demo_signals

DEMO_SEED = 2026


def build_plan(seed: int, *, patients: int, clinics: int = 2, as_of: date) -> Plan:
    """The whole network: identical for the same seed, sizes and ``as_of``."""
    if patients < 0:
        raise ValueError("patients must not be negative")
    clinic_list = clinic_plans(clinics)
    plan = Plan(
        seed=seed,
        as_of=as_of,
        clinics=clinic_list,
        staff=staff_plans(seed, clinic_list),
        patients=patient_plans(seed, clinic_list, patients, as_of),
    )
    plan = add_courses(seed, plan)
    plan = add_demo_signals(seed, add_measures(seed, plan))
    plan = add_new_courses(seed, plan)
    return add_screenings(seed, plan)
