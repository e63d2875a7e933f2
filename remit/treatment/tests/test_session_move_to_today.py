"""A session is charted on the day it is booked for, or moved to today first.

Charting's clock is Monday 2030-03-04 09:00 in the clinic's time zone (``clock``).
The ketamine IV induction protocol needs at least 2 days between sessions.
"""

# ruff: noqa: F811  (the ``clock`` fixture is imported from factories)

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from remit.audit.models import AuditEvent
from remit.testing import PermissionMatrix, make_patient
from remit.treatment import actions_checkin
from remit.treatment.models import Course, Session

from .factories import START, clock, make_course, make_session, session_url, step_url  # noqa: F401


def move_url(session: Session) -> str:
    return reverse("treatment:session_move_to_today", args=[session.pk])


def at(day: dt.date, hour: int = 9) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour, 0)))


MON = START.date()  # 2030-03-04
WED, FRI = MON + dt.timedelta(days=2), MON + dt.timedelta(days=4)
NEXT_MON, NEXT_WED = MON + dt.timedelta(days=7), MON + dt.timedelta(days=9)


def ketamine_course(world, *, status=Course.ACTIVE, first_done_on=dt.date(2030, 3, 1)):
    """Session 1 done on ``first_done_on`` (Friday), then 2-5 booked Wed, Fri, next Mon, next Wed."""
    patient = make_patient(world.clinic, sex_at_birth="male")
    course = make_course(patient, "ketamine_iv", world.users["prescriber"])
    Course.objects.filter(pk=course.pk).update(status=status)
    course.refresh_from_db()
    common = {"course": course, "patient": patient, "clinic": patient.clinic, "modality": "ketamine_iv"}
    sessions = []
    if first_done_on is not None:
        sessions.append(
            Session.objects.create(
                **common, number=1, scheduled_for=at(first_done_on), status=Session.COMPLETED
            )
        )
    for number, day in ((2, WED), (3, FRI), (4, NEXT_MON), (5, NEXT_WED)):
        sessions.append(
            Session.objects.create(**common, number=number, scheduled_for=at(day), room="Chair 1")
        )
    return course, sessions


class TestMoveToTodayPermissions(PermissionMatrix):
    capability = "sessions.chart"  # a TMS session: every charting role may open it

    def url(self, world, patient):
        return move_url(make_session(world, "tms", patient=patient, scheduled_for=at(NEXT_MON)))


def test_charting_a_session_booked_three_days_ahead_sends_the_nurse_to_move_it_to_today(world, clock):
    course, sessions = ketamine_course(world)
    thursday = make_session(world, "ketamine_iv", scheduled_for=at(MON + dt.timedelta(days=3)))
    client = world.client("nurse")

    assert client.get(session_url(thursday))["Location"] == move_url(thursday)
    response = client.post(step_url(thursday, "check_in"))
    assert response.status_code == 302 and response["Location"] == move_url(thursday)
    thursday.refresh_from_db()
    assert thursday.checked_in_at is None and thursday.status == Session.BOOKED
    # The action itself refuses too, whoever calls it.
    with pytest.raises(ValidationError, match=r"booked for Thu 2030-03-07, not today \(Mon 2030-03-04\)"):
        actions_checkin.check_in(thursday, actor=world.users["nurse"])
    page = client.get(move_url(thursday))
    assert page.status_code == 200 and b"Move to today and chart it" in page.content


def test_moving_a_session_to_today_shifts_the_rest_of_the_course_and_audits_each_move(world, clock):
    course, (first, second, third, fourth, fifth) = ketamine_course(world)
    client = world.client("nurse")
    before = AuditEvent.objects.count()

    response = client.post(move_url(second))
    assert response.status_code == 302 and response["Location"] == session_url(second)
    days = {
        s.number: timezone.localtime(s.scheduled_for)
        for s in Session.objects.filter(course=course).order_by("number")
    }
    # Session 2 is today at its booked time; 3 keeps its 2 days; 4's 3 days would be a Saturday,
    # so it stays on Monday (the course is treated Mon/Wed/Fri); 5 keeps its 2 days after 4.
    assert {n: d.date() for n, d in days.items()} == {
        1: dt.date(2030, 3, 1),
        2: MON,
        3: WED,
        4: NEXT_MON,
        5: NEXT_WED,
    }
    assert days[2].time() == dt.time(9, 0)
    rows = list(AuditEvent.objects.order_by("seq"))[before:]
    moves = [r for r in rows if r.action == "update"]
    assert [
        (r.object_id, r.detail.get("moved_to_today"), r.detail.get("shifted_with_session")) for r in moves
    ] == [
        (str(second.pk), True, None),
        (str(third.pk), None, second.pk),
    ]
    assert moves[1].detail["before"].startswith("2030-03-08") and moves[1].detail["after"].startswith(
        "2030-03-06"
    )
    # Now it is today's: charting starts.
    assert client.post(step_url(second, "check_in")).status_code == 302
    second.refresh_from_db()
    assert second.status == Session.CHECKED_IN


def test_a_session_of_a_course_that_has_not_started_is_refused_not_moved(world, clock):
    course, sessions = ketamine_course(world, status=Course.PLANNED, first_done_on=None)
    first = sessions[0]  # session 2 in numbering, the first booked: Wednesday
    client = world.client("nurse")
    before = AuditEvent.objects.filter(action="update").count()

    assert client.get(session_url(first))["Location"] == move_url(first)
    page = client.get(move_url(first))
    assert page.status_code == 200
    assert b"its course has not started: it cannot be charted today" in page.content
    assert b"Move to today and chart it" not in page.content
    response = client.post(move_url(first))
    assert response.status_code == 200 and b"its course has not started" in response.content
    with pytest.raises(ValidationError, match="its course has not started"):
        actions_checkin.check_in(first, actor=world.users["nurse"])
    assert [timezone.localdate(s.scheduled_for) for s in Session.objects.filter(course=course)] == [
        WED,
        FRI,
        NEXT_MON,
        NEXT_WED,
    ]
    assert AuditEvent.objects.filter(action="update").count() == before
    assert Course.objects.get(pk=course.pk).status == Course.PLANNED


def test_moving_too_soon_after_the_last_session_is_refused_with_the_protocols_spacing(world, clock):
    course, sessions = ketamine_course(world, first_done_on=MON)  # session 1 given today
    second = sessions[1]
    clock.set(timezone.make_aware(START), minutes=24 * 60)  # Tuesday
    response = world.client("nurse").post(move_url(second))
    assert response.status_code == 200
    assert (
        b"Session 1 was on Mon 2030-03-04: the protocol needs at least 2 days between sessions, "
        b"so session 2 cannot be given before Wed 2030-03-06." in response.content
    )
    second.refresh_from_db()
    assert timezone.localdate(second.scheduled_for) == WED


def test_today_is_the_clinics_day_in_its_time_zone_not_the_servers(world, clock):
    # 22:30 on Monday in New York is already Tuesday in UTC.
    clock.set(timezone.make_aware(dt.datetime(2030, 3, 4, 22, 30)))
    evening = make_session(
        world, "ketamine_iv", scheduled_for=timezone.make_aware(dt.datetime(2030, 3, 4, 21, 0))
    )
    tuesday = make_session(
        world, "ketamine_iv", scheduled_for=timezone.make_aware(dt.datetime(2030, 3, 5, 8, 0))
    )
    actions_checkin.check_in(evening, actor=world.users["nurse"])
    with pytest.raises(ValidationError, match="booked for Tue 2030-03-05, not today"):
        actions_checkin.check_in(tuesday, actor=world.users["nurse"])


def test_a_session_already_charted_or_signed_is_not_sent_to_be_moved(world, clock):
    session = make_session(world, "ketamine_iv", scheduled_for=at(MON - dt.timedelta(days=3)))
    Session.objects.filter(pk=session.pk).update(status=Session.COMPLETED)
    assert world.client("nurse").get(session_url(session)).status_code == 200
