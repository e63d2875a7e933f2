"""Discontinuing a course: a reason is required; booked sessions and future questionnaires are cancelled."""

from __future__ import annotations

from django.urls import reverse

from remit.audit.models import AuditEvent
from remit.measures.models import QuestionnaireRequest
from remit.testing import PermissionMatrix, login, make_patient
from remit.treatment.models import Course, Session
from remit.treatment.tests.test_course_support import direct_course, plan, screened


def url(course):
    return reverse("treatment:course_discontinue", args=[course.pk])


class TestPermissions(PermissionMatrix):
    capability = "courses.plan"
    ok_status = 302

    def url(self, world, patient):
        return url(direct_course(world, patient))

    def request(self, client, url):
        return client.post(url, {"reason": "patient moved away"})


def test_it_discontinues_with_the_reason_and_cancels_what_is_left(world):
    patient = make_patient(world.clinic)
    screened(world, patient)
    course = plan(world, patient)
    assert QuestionnaireRequest.objects.filter(status="pending", course_id=str(course.pk)).exists()
    response = world.client("prescriber").post(url(course), {"reason": "Intolerable nausea"})
    assert response.status_code == 302
    course.refresh_from_db()
    assert course.status == Course.DISCONTINUED and course.discontinue_reason == "Intolerable nausea"
    assert not course.sessions.filter(status=Session.BOOKED).exists()
    assert course.sessions.filter(status=Session.CANCELLED).count() == 6
    future = QuestionnaireRequest.objects.filter(
        course_id=str(course.pk), kind__in=["pre_session", "post_dose"]
    )
    assert not future.filter(status="pending").exists()
    row = AuditEvent.objects.filter(action="update", object_type="treatment.course").get()
    assert row.detail["status"] == "discontinued" and row.detail["sessions_cancelled"] == 6


def test_a_missing_reason_is_refused_naming_the_field(world):
    patient = make_patient(world.clinic)
    course = direct_course(world, patient)
    response = world.client("prescriber").post(url(course), {"reason": "  "})
    assert response.status_code == 200
    assert b"Reason: Say why the course is discontinued." in response.content
    course.refresh_from_db()
    assert course.status == Course.ACTIVE


def test_a_finished_course_cannot_be_discontinued(world):
    patient = make_patient(world.clinic)
    course = direct_course(world, patient, status=Course.COMPLETED)
    response = world.client("prescriber").post(url(course), {"reason": "late"}, follow=True)
    assert b"already completed" in response.content
    course.refresh_from_db()
    assert course.status == Course.COMPLETED


def test_the_form_needs_a_csrf_token(world, csrf_client):
    patient = make_patient(world.clinic)
    course = direct_course(world, patient)
    login(csrf_client, world.users["prescriber"])
    assert csrf_client.post(url(course), {"reason": "x"}).status_code == 403
