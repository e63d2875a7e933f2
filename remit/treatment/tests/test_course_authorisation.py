"""The payer authorization: updated by a prescriber, warnings when sessions or days run low."""

from __future__ import annotations

import datetime as dt

from django.urls import reverse

from remit.testing import PermissionMatrix, error_summary, make_patient
from remit.treatment.actions_courses import authorization_warnings
from remit.treatment.models import Course
from remit.treatment.tests.test_course_support import direct_course

TODAY = dt.date(2026, 3, 2)


def url(course):
    return reverse("treatment:course_authorisation", args=[course.pk])


class TestPermissions(PermissionMatrix):
    capability = "courses.plan"
    ok_status = 302

    def url(self, world, patient):
        return url(direct_course(world, patient))

    def request(self, client, url):
        return client.post(url, {"authorised_sessions": "36", "valid_until": "", "reference": "PA-9"})


def test_it_saves_a_new_authorization(world):
    course = direct_course(world, make_patient(world.clinic))
    world.client("prescriber").post(
        url(course), {"authorised_sessions": "10", "valid_until": "2030-01-31", "reference": "UHC 77"}
    )
    course.refresh_from_db()
    assert (course.authorised_sessions, course.authorisation_valid_until, course.authorisation_reference) == (
        10,
        dt.date(2030, 1, 31),
        "UHC 77",
    )


def test_a_negative_count_is_refused_naming_the_field(world):
    course = direct_course(world, make_patient(world.clinic), authorised_sessions=6)
    response = world.client("prescriber").post(
        url(course), {"authorised_sessions": "-1", "valid_until": "", "reference": ""}
    )
    assert response.status_code == 200
    assert "Authorized sessions" in error_summary(response.content.decode())
    course.refresh_from_db()
    assert course.authorised_sessions == 6


def course(**fields):
    return Course(**fields)


def test_three_left_is_no_warning_two_left_is():
    assert authorization_warnings(course(authorised_sessions=6), 3, today=TODAY) == []
    assert authorization_warnings(course(authorised_sessions=6), 4, today=TODAY) == [
        "Only 2 authorized sessions left (4 used of 6)."
    ]
    assert authorization_warnings(course(authorised_sessions=6), 6, today=TODAY) == [
        "No authorized sessions left (6 used of 6)."
    ]


def test_seven_days_left_warns_eight_does_not():
    assert (
        authorization_warnings(course(authorisation_valid_until=TODAY + dt.timedelta(days=8)), 0, today=TODAY)
        == []
    )
    assert authorization_warnings(
        course(authorisation_valid_until=TODAY + dt.timedelta(days=7)), 0, today=TODAY
    ) == ["The authorization ends on 2026-03-09 (7 days left)."]
    assert (
        "expired"
        in authorization_warnings(
            course(authorisation_valid_until=TODAY - dt.timedelta(days=1)), 0, today=TODAY
        )[0]
    )


def test_booked_sessions_after_the_end_are_counted():
    until = TODAY + dt.timedelta(days=20)
    warnings = authorization_warnings(
        course(authorisation_valid_until=until),
        0,
        today=TODAY,
        planned_after=[until, until + dt.timedelta(days=1)],
    )
    assert warnings == ["1 booked session is after the authorization ends."]
