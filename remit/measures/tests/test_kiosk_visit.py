"""Kiosk mode: a staff member starts a visit on a clinic tablet; the tablet locks when the patient is done."""

from __future__ import annotations

from django.urls import reverse

from remit.audit.models import AuditEvent
from remit.measures.models import Assessment, PortalLink
from remit.measures.tests.conftest import PHQ9_CALM, answer_post, portal_patient
from remit.testing import PermissionMatrix


def kiosk_url(patient):
    return reverse("measures:kiosk_visit", kwargs={"pk": patient.pk})


class TestKioskPermissions(PermissionMatrix):
    capability = "measures.rate"

    def url(self, world, patient):
        return kiosk_url(patient)


class TestKioskStartPermissions(PermissionMatrix):
    capability = "measures.rate"
    ok_status = 302

    def url(self, world, patient):
        return kiosk_url(patient)

    def request(self, client, url):
        return client.post(url, {"instruments": ["phq9"]})


def _start(world, patient):
    client = world.client("nurse")
    response = client.post(kiosk_url(patient), {"instruments": ["phq9"]})
    assert response.status_code == 302 and response["Location"] == "/p/q/1/"
    return client


def test_the_visit_starts_at_the_first_question_audited_as_the_staff_member(world):
    patient = portal_patient(world.clinic)
    client = _start(world, patient)
    link = PortalLink.objects.get()
    assert link.channel == "kiosk" and link.created_by == world.users["nurse"]
    event = AuditEvent.objects.filter(action="create", object_type="measures.portallink").get()
    assert event.actor_id == world.users["nurse"].pk and event.patient_id == patient.pk
    # No date of birth asked: the first question is shown.
    html = client.get("/p/q/1/").content.decode()
    assert "Question 1 of" in html and "Date of birth" not in html
    # The staff member's sign-in on the tablet ended.
    assert client.get(reverse("web:today")).status_code == 302


def test_at_the_end_the_tablet_shows_the_locked_screen_and_nothing_of_the_patient(world):
    patient = portal_patient(world.clinic)
    client = _start(world, patient)
    response = client.post("/p/q/1/", answer_post(PHQ9_CALM))
    assert response["Location"] == "/p/done/"
    assert Assessment.objects.get().total == 0
    first = client.get("/p/done/").content.decode()
    assert "This tablet is locked" in first and "Thank you" in first
    for url in ("/p/", "/p/q/1/", "/p/q/1/?item=3", "/p/done/"):
        response = client.get(url, follow=True)
        html = response.content.decode()
        assert "This tablet is locked" in html and "Staff sign-in" in html
        assert "Thank you" not in html and "Little interest" not in html and patient.family_name not in html
