"""Completing a course."""

from __future__ import annotations

from django.urls import reverse
from django.utils import timezone

from remit.testing import PermissionMatrix, make_patient
from remit.treatment.models import Course, Session
from remit.treatment.tests.test_course_support import direct_course, session_today


def url(course):
    return reverse("treatment:course_complete", args=[course.pk])


class TestPermissions(PermissionMatrix):
    capability = "courses.plan"
    ok_status = 302

    def url(self, world, patient):
        return url(direct_course(world, patient))

    def request(self, client, url):
        return client.post(url)


def test_it_completes_the_course_today(world):
    patient = make_patient(world.clinic)
    course = direct_course(world, patient)
    session_today(course, 1, status=Session.COMPLETED)
    spare = session_today(course, 2)
    world.client("prescriber").post(url(course))
    course.refresh_from_db()
    spare.refresh_from_db()
    assert course.status == Course.COMPLETED and course.end_date == timezone.localdate()
    assert spare.status == Session.CANCELLED


def test_a_course_with_a_session_in_progress_is_not_completed(world):
    patient = make_patient(world.clinic)
    course = direct_course(world, patient)
    session_today(course, 1, status=Session.MONITORING)
    response = world.client("prescriber").post(url(course), follow=True)
    assert b"in progress" in response.content
    course.refresh_from_db()
    assert course.status == Course.ACTIVE
