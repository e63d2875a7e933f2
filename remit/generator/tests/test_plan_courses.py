"""Courses and sessions in the synthetic plan: realistic shares, protocol spacing, today's live states."""

from __future__ import annotations

from collections import Counter
from datetime import date

import pytest

from remit.core.calendar import plan_sessions
from remit.core.protocols import BUILTIN_PROTOCOLS
from remit.generator import course_plan, synthetic

AS_OF = date(2026, 1, 15)
N = 400


@pytest.fixture(scope="module")
def plan():
    return synthetic.build_plan(2026, patients=N, as_of=AS_OF)


def courses(plan):
    return [c for p in plan.patients for c in p.courses]


def test_about_half_the_patients_have_had_a_course(plan):
    share = sum(1 for p in plan.patients if p.courses) / N
    assert 0.45 <= share <= 0.65


def test_iv_ketamine_is_the_most_common_then_esketamine_and_tms(plan):
    inductions = Counter(c.protocol for c in courses(plan) if c.phase == "induction")
    assert inductions["ketamine_iv_induction"] > inductions["esketamine_induction"] > 0
    assert inductions["ketamine_iv_induction"] > inductions["tms_10hz"] > 0
    assert Counter(c.protocol for c in courses(plan))["ketamine_iv_maintenance"] > 0


def test_nobody_with_schizophrenia_is_treated(plan):
    assert not [p for p in plan.patients if "F20.9" in p.codes and p.courses]


def test_past_sessions_are_signed_and_future_ones_booked(plan):
    for c in courses(plan):
        for s in c.sessions:
            if s.day < AS_OF:
                assert s.status in {"completed", "cancelled", "no_show"}
                assert s.signed == (s.status == "completed")
            elif s.day > AS_OF:
                assert s.status == "booked" and not s.signed


def test_ketamine_doses_follow_the_weight(plan):
    for c in courses(plan):
        for s in c.sessions:
            if c.modality == "ketamine_iv" and s.status == "completed":
                assert abs(s.dose_mg - s.weight_kg * s.mg_per_kg) <= 0.1


def test_induction_calendars_keep_the_protocols_spacing(plan):
    for c in courses(plan):
        if c.protocol == "ketamine_iv_maintenance":
            continue
        days = [s.day for s in c.sessions]
        protocol = BUILTIN_PROTOCOLS[c.protocol]
        first = protocol.stages[0].min_days_between
        for before, after in zip(days, days[1:], strict=False):
            assert (after - before).days >= (first if protocol.modality != "tms" else 1)
        assert len(days) <= len(plan_sessions(protocol, c.start_date, frozenset(range(7))))


def test_today_has_sessions_in_a_spread_of_live_states(plan):
    today = Counter(s.status for c in courses(plan) for s in c.sessions if s.day == AS_OF)
    assert sum(today.values()) >= 12
    assert len(set(today) & {"booked", "checked_in", "dosing", "monitoring", "ready_for_discharge"}) >= 4


def test_one_patient_in_forty_has_creeping_booster_doses(plan):
    creepers = [p for p in plan.patients if p.index % course_plan.CREEP_EVERY == course_plan.CREEP_AT]
    assert creepers
    for p in creepers:
        boosters = [c for c in p.courses if c.protocol == "ketamine_iv_maintenance"]
        assert boosters, p.index
        doses = [s.mg_per_kg for s in boosters[0].sessions]
        assert doses == sorted(doses) and doses[-1] > doses[0]
        gaps = [
            (b.day - a.day).days for a, b in zip(boosters[0].sessions, boosters[0].sessions[1:], strict=False)
        ]
        assert gaps == sorted(gaps, reverse=True) or len(gaps) < 2


def test_courses_do_not_change_the_patients_drawn_before_them():
    small = synthetic.build_plan(5, patients=30, as_of=AS_OF)
    large = synthetic.build_plan(5, patients=90, as_of=AS_OF)
    assert small.patients == large.patients[:30]


def test_every_esketamine_dose_is_one_the_protocol_allows_at_that_session(plan):
    """Clinical-reference §4: day 1 56 mg under 65 (28 mg from 65, MIMS HK [V2]), then the label's doses."""
    from remit.core.dosing import esketamine_session_doses

    checked = 0
    for p in plan.patients:
        for c in p.courses:
            if c.modality != "esketamine":
                continue
            previous = None
            for s in c.sessions:
                allowed = esketamine_session_doses(
                    age=p.age_on(s.day),
                    first_dose=c.phase == "induction" and previous is None,
                    previous_mg=previous,
                ).allowed_mg
                assert int(s.dose_mg) in allowed, (p.index, c.protocol, s.number, s.dose_mg, allowed)
                checked += 1
                if s.status not in ("cancelled", "no_show"):
                    previous = int(s.dose_mg)
    assert checked > 0
