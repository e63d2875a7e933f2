"""The patient outcomes page: per course a table, the trajectory and the decisions in words."""

from __future__ import annotations

from django.urls import reverse

from remit.audit.models import AuditEvent
from remit.decision.tests.helpers_outcomes import day, make_course, scores
from remit.testing import PermissionMatrix, make_patient
from remit.treatment.models import Course

SESSION_DAYS = [day(-60), day(-58), day(-56), day(-53), day(-51), day(-49)]


def url(patient):
    return reverse("reports:patient", args=[patient.pk])


class TestPermissions(PermissionMatrix):
    capability = "clinical.view"

    def url(self, world, patient):
        return url(patient)


def responder(world, extra_scores=0):
    patient = make_patient(world.clinic)
    scores(world, patient, [(-61, 20), (-57, 12), (-52, 9), (-47, 4)])
    scores(world, patient, [(-46 + i, 5) for i in range(extra_scores)])
    make_course(world, patient, SESSION_DAYS, status=Course.COMPLETED)
    return patient


def test_it_shows_the_decisions_in_words_and_the_chart(world):
    patient = responder(world)
    response = world.client("nurse").get(url(patient))
    html = response.content.decode()
    assert response.status_code == 200
    assert "In remission" in html
    assert "Baseline PHQ-9 20" in html
    assert "First response on day 8" in html and "First remission on day 13" in html
    assert "data:image/svg+xml;base64," in html
    assert 'style="' not in html and "<script>" not in html


def test_it_writes_one_view_row(world):
    patient = responder(world)
    before = AuditEvent.objects.count()
    world.client("nurse").get(url(patient))
    rows = list(AuditEvent.objects.filter(seq__gt=before))
    assert [(r.action, r.patient_id) for r in rows] == [("view", patient.pk)]


def test_queries_do_not_grow_with_the_history(world, django_assert_max_num_queries):
    few = responder(world)
    many = responder(world, extra_scores=40)
    make_course(world, many, [day(-20), day(-10)], phase="maintenance")
    client = world.client("nurse")
    client.get(url(few))
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as small:
        client.get(url(few))
    with django_assert_max_num_queries(len(small.captured_queries)):
        assert client.get(url(many)).status_code == 200


def test_a_patient_without_sessions_says_so(world):
    patient = make_patient(world.clinic)
    assert "No treatment sessions given yet" in world.client("prescriber").get(url(patient)).content.decode()
