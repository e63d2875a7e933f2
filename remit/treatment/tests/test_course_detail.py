"""A course's page: sessions with status, payer authorization and its warnings, one audit row."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from remit.audit.models import AuditEvent
from remit.testing import PermissionMatrix, make_patient
from remit.treatment.models import Session
from remit.treatment.tests.test_course_support import direct_course, plan, screened, session_today


class TestPermissions(PermissionMatrix):
    capability = "courses.view"

    def url(self, world, patient):
        return reverse("treatment:course", args=[direct_course(world, patient).pk])


def test_it_lists_the_sessions_with_their_status(world):
    patient = make_patient(world.clinic)
    screened(world, patient)
    course = plan(world, patient)
    response = world.client("nurse").get(reverse("treatment:course", args=[course.pk]))
    assert response.status_code == 200
    assert response.content.count(b"Booked") >= 6
    assert b"Move<span" in response.content  # a nurse may move a booked session
    assert b"Discontinue the course" not in response.content  # only a prescriber ends a course


def test_it_writes_one_audit_row(world):
    patient = make_patient(world.clinic)
    course = direct_course(world, patient)
    before = AuditEvent.objects.filter(action="view").count()
    world.client("prescriber").get(reverse("treatment:course", args=[course.pk]))
    rows = AuditEvent.objects.filter(action="view")
    assert rows.count() == before + 1
    assert rows.order_by("-seq").first().patient_id == patient.pk


def test_it_warns_when_two_or_fewer_authorised_sessions_remain(world):
    patient = make_patient(world.clinic)
    course = direct_course(world, patient, authorised_sessions=6)
    for n in range(1, 5):
        session_today(course, n, status=Session.COMPLETED)
    response = world.client("prescriber").get(reverse("treatment:course", args=[course.pk]))
    assert b"Only 2 authorized sessions left (4 used of 6)." in response.content


def test_it_warns_when_the_authorization_ends_within_seven_days(world):
    patient = make_patient(world.clinic)
    until = timezone.localdate() + dt.timedelta(days=5)
    course = direct_course(world, patient, authorised_sessions=30, authorisation_valid_until=until)
    response = world.client("prescriber").get(reverse("treatment:course", args=[course.pk]))
    assert f"The authorization ends on {until.isoformat()} (5 days left).".encode() in response.content


def test_it_does_not_warn_when_plenty_remains(world):
    patient = make_patient(world.clinic)
    until = timezone.localdate() + dt.timedelta(days=60)
    course = direct_course(world, patient, authorised_sessions=30, authorisation_valid_until=until)
    response = world.client("prescriber").get(reverse("treatment:course", args=[course.pk]))
    assert b"message warning" not in response.content


@pytest.mark.parametrize("n", [3, 36])
def test_its_queries_do_not_grow_with_the_sessions(world, django_assert_max_num_queries, n):
    patient = make_patient(world.clinic)
    course = direct_course(world, patient, code="tms_10hz")
    for number in range(1, n + 1):
        session_today(course, number)
    client = world.client("prescriber")
    with django_assert_max_num_queries(16):
        assert client.get(reverse("treatment:course", args=[course.pk])).status_code == 200
