"""One click from a relapse: a planned maintenance course for the prescriber to confirm, through the gate."""

from __future__ import annotations

from django.urls import reverse

from remit.decision.tests.helpers_outcomes import day, make_course, phq9, scores
from remit.screening.tests.conftest import signed
from remit.testing import PermissionMatrix, login, make_patient
from remit.treatment.models import Course

SESSION_DAYS = [day(-60), day(-58), day(-56), day(-53), day(-51), day(-49)]


def relapsed(world):
    patient = make_patient(world.clinic)
    scores(world, patient, [(-61, 20), (-47, 8), (-40, 6), (-30, 18)])
    course = make_course(world, patient, SESSION_DAYS, status=Course.COMPLETED)
    phq9(world, patient, day(-24), 19, signal=True)
    return patient, course


def url(patient, course):
    return reverse("decision:draft_booster", args=[patient.pk, course.pk])


class TestPermissions(PermissionMatrix):
    capability = "courses.plan"
    ok_status = 302

    def url(self, world, patient):
        course = make_course(world, patient, SESSION_DAYS, status=Course.COMPLETED)
        return url(patient, course)

    def request(self, client, url):
        return client.post(url)


def test_it_drafts_a_planned_maintenance_course_when_the_gate_allows(world):
    patient, course = relapsed(world)
    signed(world, patient)
    response = world.client("prescriber").post(url(patient, course))
    drafted = Course.objects.get(patient=patient, phase="maintenance")
    assert response.status_code == 302 and response["Location"] == reverse(
        "treatment:course", args=[drafted.pk]
    )
    assert drafted.status == Course.PLANNED
    assert drafted.modality == "ketamine_iv"
    assert drafted.protocol.code == "ketamine_iv_maintenance"
    assert drafted.mg_per_kg == course.mg_per_kg
    assert drafted.prescriber == world.users["prescriber"]


def test_a_gate_refusal_shows_the_reason_and_drafts_nothing(world):
    patient, course = relapsed(world)
    response = world.client("prescriber").post(url(patient, course), follow=True)
    assert not Course.objects.filter(patient=patient, phase="maintenance").exists()
    assert "No course was drafted" in response.content.decode()
    assert "there is no signed screening" in response.content.decode()


def test_the_outcomes_page_offers_the_button_to_a_prescriber_only(world):
    patient, course = relapsed(world)
    page = reverse("reports:patient", args=[patient.pk])
    assert url(patient, course) in world.client("prescriber").get(page).content.decode()
    assert url(patient, course) not in world.client("nurse").get(page).content.decode()


def test_it_needs_the_csrf_token(world, csrf_client):
    patient, course = relapsed(world)
    signed(world, patient)
    login(csrf_client, world.users["prescriber"])
    assert csrf_client.post(url(patient, course)).status_code == 403
    assert not Course.objects.filter(patient=patient, phase="maintenance").exists()
