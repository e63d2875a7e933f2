"""The planned calendar keeps the clinic days, the protocol's spacing and one infusion a day."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from remit.testing import make_patient
from remit.treatment.actions_courses import core_protocol, stage_for
from remit.treatment.tests.test_course_support import next_monday, plan, screened


def days_of(course):
    return [timezone.localdate(s.scheduled_for) for s in course.sessions.order_by("number")]


def test_sessions_fall_on_clinic_days_only(world):
    patient = make_patient(world.clinic)
    screened(world, patient)
    course = plan(world, patient, clinic_days=frozenset({1, 3}))  # Tuesday and Thursday
    assert {d.weekday() for d in days_of(course)} <= {1, 3}
    assert len(days_of(course)) == 6


@pytest.mark.parametrize("code", ["ketamine_iv_induction", "esketamine_induction", "tms_10hz"])
def test_sessions_keep_the_protocols_minimum_spacing(world, code):
    patient = make_patient(world.clinic)
    screened(world, patient)
    course = plan(world, patient, code=code)
    protocol = core_protocol(course.protocol)
    sessions = list(course.sessions.order_by("number"))
    for before, after in zip(sessions, sessions[1:], strict=False):
        gap = (timezone.localdate(after.scheduled_for) - timezone.localdate(before.scheduled_for)).days
        assert gap >= stage_for(protocol, after.number).min_days_between


def test_a_second_drug_course_never_shares_a_day_with_the_first(world):
    patient = make_patient(world.clinic)
    screened(world, patient)
    first = plan(world, patient)
    second = plan(world, patient, code="esketamine_induction", mg_per_kg=None)
    assert not set(days_of(first)) & set(days_of(second))


def test_a_start_date_two_days_ago_is_refused_by_the_action_too(world):
    patient = make_patient(world.clinic)
    screened(world, patient)
    with pytest.raises(ValidationError) as caught:
        plan(world, patient, start_date=timezone.localdate() - dt.timedelta(days=2))
    assert "start_date" in caught.value.error_dict


def test_the_first_session_is_on_the_start_date_when_it_is_a_clinic_day(world):
    patient = make_patient(world.clinic)
    screened(world, patient)
    assert days_of(plan(world, patient))[0] == next_monday()
