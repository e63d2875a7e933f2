"""Moving a booked session: the protocol's spacing and one infusion a day hold; errors name the field."""

from __future__ import annotations

import datetime as dt

from django.urls import reverse
from django.utils import timezone

from remit.audit.models import AuditEvent
from remit.testing import PermissionMatrix, login, make_patient
from remit.treatment.models import Session
from remit.treatment.tests.test_course_support import direct_course, plan, screened, session_today


def url(session):
    return reverse("treatment:session_reschedule", args=[session.pk])


def day_of(session):
    return timezone.localdate(session.scheduled_for)


class TestPermissions(PermissionMatrix):
    capability = "courses.schedule"

    def url(self, world, patient):
        return url(session_today(direct_course(world, patient)))


def planned(world):
    patient = make_patient(world.clinic)
    screened(world, patient)
    course = plan(world, patient)  # Mon/Wed/Fri from next Monday
    return course, list(course.sessions.order_by("number"))


def post(client, session, day, time="10:30", room="Chair 4"):
    return client.post(url(session), {"date": day.isoformat(), "time": time, "room": room})


def test_a_move_that_keeps_the_spacing_is_saved_and_audited(world):
    course, sessions = planned(world)
    second = sessions[1]  # Wednesday; session 1 is Monday, session 3 Friday
    new_day = day_of(second) + dt.timedelta(days=0)
    response = post(world.client("nurse"), second, new_day, "13:15", "Chair 4")
    assert response.status_code == 302
    second.refresh_from_db()
    assert timezone.localtime(second.scheduled_for).time() == dt.time(13, 15) and second.room == "Chair 4"
    row = AuditEvent.objects.filter(action="update", object_type="treatment.session").get()
    assert row.detail["rescheduled"] is True


def test_front_desk_may_move_a_session(world):
    _, sessions = planned(world)
    assert post(world.client("front_desk"), sessions[2], day_of(sessions[2])).status_code == 302


def test_a_move_that_breaks_the_minimum_spacing_is_refused_naming_the_date(world):
    _, sessions = planned(world)
    second = sessions[1]
    original = second.scheduled_for
    response = post(world.client("nurse"), second, day_of(sessions[0]) + dt.timedelta(days=1))  # Tuesday
    assert response.status_code == 200
    assert b"Date: must be at least 2 days after session 1" in response.content
    second.refresh_from_db()
    assert second.scheduled_for == original
    assert not AuditEvent.objects.filter(action="update", object_type="treatment.session").exists()


def test_a_move_past_the_next_session_is_refused(world):
    _, sessions = planned(world)
    response = post(world.client("nurse"), sessions[1], day_of(sessions[2]) + dt.timedelta(days=3))
    assert b"Date: must be at least 2 days before session 3" in response.content


def test_two_infusions_on_one_day_are_refused(world):
    course, sessions = planned(world)
    patient = course.patient
    other = direct_course(world, patient, code="esketamine_induction")
    esk = session_today(other, 1)
    busy = day_of(sessions[3])
    esk_day_response = post(world.client("nurse"), esk, busy)
    assert (
        b"Date: the patient already has a ketamine or esketamine session that day" in esk_day_response.content
    )


def test_a_date_in_the_past_is_refused(world):
    _, sessions = planned(world)
    response = post(world.client("nurse"), sessions[0], timezone.localdate() - dt.timedelta(days=1))
    assert b"Date: cannot be in the past" in response.content


def test_only_a_booked_session_can_be_moved(world):
    _, sessions = planned(world)
    Session.objects.filter(pk=sessions[0].pk).update(status=Session.CHECKED_IN)
    response = post(world.client("nurse"), sessions[0], day_of(sessions[0]))
    assert b"Only a booked session can be moved." in response.content


def test_the_form_needs_a_csrf_token(world, csrf_client):
    _, sessions = planned(world)
    login(csrf_client, world.users["nurse"])
    assert post(csrf_client, sessions[0], day_of(sessions[0])).status_code == 403
