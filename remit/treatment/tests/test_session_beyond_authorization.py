"""Sessions beyond the payer's authorization are flagged and need a recorded reason.

Six sessions booked against three authorized: planning warns and asks for a reason, the course page
and the Today board flag sessions 4 to 6, and session 4 is checked in only with a reason, recorded
and audited.
"""

# ruff: noqa: F811  (the ``clock`` fixture is imported from factories)

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from remit.audit.models import AuditEvent
from remit.testing import make_patient
from remit.treatment import actions_checkin
from remit.treatment.models import Course, Session
from remit.treatment.tests.test_course_support import course_post, direct_course, protocol, screened

from .factories import START, clock, make_course, session_url, step_url  # noqa: F401

WARNING = "6 sessions booked and 3 authorized by the payer: sessions 4 to 6 are beyond the authorization."


def new_course_url(patient):
    return reverse("treatment:course_new", args=[patient.pk]) + "?modality=ketamine_iv"


def test_booking_six_sessions_with_three_authorized_warns_and_needs_a_reason(world):
    patient = make_patient(world.clinic)
    screened(world, patient)
    row = protocol(world.clinic)
    client = world.client("prescriber")

    refused = client.post(new_course_url(patient), course_post(row, authorised_sessions="3"))
    assert refused.status_code == 200
    assert WARNING in refused.content.decode()
    assert "Reason for booking beyond the authorization: " in refused.content.decode()
    assert not Course.objects.exists()

    reason = "Re-authorization for 6 sessions requested from the payer on 2030-02-20."
    booked = client.post(
        new_course_url(patient), course_post(row, authorised_sessions="3", beyond_authorization_reason=reason)
    )
    assert booked.status_code == 302
    course = Course.objects.get()
    assert list(course.sessions.order_by("number").values_list("number", "beyond_authorization_reason")) == [
        (1, ""),
        (2, ""),
        (3, ""),
        (4, reason),
        (5, reason),
        (6, reason),
    ]
    created = AuditEvent.objects.get(action="create", object_type="treatment.course")
    assert created.detail["beyond_authorization"] == {"sessions": [4, 5, 6], "reason": reason}
    page = client.get(reverse("treatment:course", args=[course.pk])).content.decode()
    assert WARNING in page and page.count("Beyond authorization</span>") == 3


def six_booked_three_authorized(world, *, today_number=4):
    """Sessions 1-6 on consecutive days, session ``today_number`` today (earlier ones done)."""
    course = direct_course(world, make_patient(world.clinic), authorised_sessions=3)
    today = timezone.localdate()
    sessions = []
    for number in range(1, 7):
        day = today + dt.timedelta(days=number - today_number)
        sessions.append(
            Session.objects.create(
                course=course,
                patient=course.patient,
                clinic=course.clinic,
                modality=course.modality,
                number=number,
                scheduled_for=timezone.make_aware(dt.datetime.combine(day, dt.time(10, 0))),
                room="Chair 1",
                status=Session.COMPLETED if number < today_number else Session.BOOKED,
            )
        )
    return course, sessions


def test_six_booked_with_three_authorized_warns_on_the_course_page(world):
    course, _ = six_booked_three_authorized(world, today_number=1)
    page = world.client("nurse").get(reverse("treatment:course", args=[course.pk])).content.decode()
    assert WARNING in page


def test_the_today_board_badges_a_session_beyond_the_authorization(world):
    _, sessions = six_booked_three_authorized(world, today_number=4)
    covered, _ = six_booked_three_authorized(world, today_number=2)
    for persona in ("nurse", "front_desk"):
        page = world.client(persona).get(reverse("treatment:today")).content.decode()
        assert page.count('data-testid="beyond-authorization"') == 1, persona
        assert "Beyond authorization" in page
    assert "It is session 4 of the course and the payer authorized 3 sessions" in page


@pytest.fixture
def session_four(world, clock):
    """Session 4 today (2030-03-04) of a course with 3 authorized; sessions 1-3 done the week before."""
    patient = make_patient(world.clinic, sex_at_birth="male")
    course = make_course(patient, "ketamine_iv", world.users["prescriber"])
    Course.objects.filter(pk=course.pk).update(authorised_sessions=3)
    common = {"course": course, "patient": patient, "clinic": patient.clinic, "modality": "ketamine_iv"}
    for number in (1, 2, 3):
        Session.objects.create(
            **common,
            number=number,
            status=Session.COMPLETED,
            scheduled_for=timezone.make_aware(START - dt.timedelta(days=9 - 2 * number)),
        )
    return Session.objects.create(
        **common, number=4, scheduled_for=timezone.make_aware(START), room="Chair 1"
    )


def test_checking_in_session_four_of_three_authorized_needs_a_reason_which_is_recorded(world, session_four):
    client = world.client("nurse")
    page = client.get(session_url(session_four)).content.decode()
    assert "Beyond the payer's authorization: it is session 4 of the course" in page

    refused = client.post(step_url(session_four, "check_in"), {"beyond_authorization_reason": "  "})
    assert refused.status_code == 200
    assert (
        "Reason for treating beyond the payer&#x27;s authorization: Session 4 is beyond"
        in refused.content.decode()
    )
    session_four.refresh_from_db()
    assert session_four.checked_in_at is None and session_four.status == Session.BOOKED

    reason = "Payer confirmed by phone that an extension is in review; patient agreed to self-pay if refused."
    done = client.post(step_url(session_four, "check_in"), {"beyond_authorization_reason": reason})
    assert done.status_code == 302
    session_four.refresh_from_db()
    assert session_four.status == Session.CHECKED_IN and session_four.beyond_authorization_reason == reason
    row = AuditEvent.objects.filter(action="update", object_type="treatment.session").latest("seq")
    assert row.detail["step"] == "check_in" and row.detail["beyond_authorization_reason"] == reason


def test_a_reason_recorded_at_booking_lets_the_session_be_checked_in(world, session_four):
    Session.objects.filter(pk=session_four.pk).update(beyond_authorization_reason="Extension requested.")
    actions_checkin.check_in(session_four, actor=world.users["nurse"])
    session_four.refresh_from_db()
    assert session_four.status == Session.CHECKED_IN


def test_a_cancelled_session_does_not_count_against_the_authorization(world, session_four):
    Session.objects.filter(course=session_four.course, number=2).update(status=Session.CANCELLED)
    actions_checkin.check_in(
        session_four, actor=world.users["nurse"]
    )  # now the third that holds a place: no reason needed
    session_four.refresh_from_db()
    assert session_four.status == Session.CHECKED_IN and session_four.beyond_authorization_reason == ""


def test_session_four_is_refused_by_the_action_without_a_reason(world, session_four):
    with pytest.raises(ValidationError, match="Session 4 is beyond the payer's authorization"):
        actions_checkin.check_in(session_four, actor=world.users["nurse"])
