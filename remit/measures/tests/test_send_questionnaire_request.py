"""Staff send a one-off questionnaire: a request and a link, by a channel the patient consents to."""

from __future__ import annotations

from django.core import mail
from django.urls import reverse

from remit.audit.models import AuditEvent
from remit.measures.models import PortalLink, QuestionnaireRequest
from remit.measures.tests.conftest import portal_patient
from remit.testing import PermissionMatrix


def send_url(patient):
    return reverse("measures:send_questionnaire_request", kwargs={"pk": patient.pk})


class TestPermissions(PermissionMatrix):
    capability = "measures.rate"

    def url(self, world, patient):
        return send_url(patient)


class TestPostPermissions(PermissionMatrix):
    capability = "measures.rate"
    ok_status = 302

    def url(self, world, patient):
        patient.consent_sms, patient.phone = True, "+15550111"
        patient.save()
        return send_url(patient)

    def request(self, client, url):
        return client.post(url, {"instruments": ["phq9"], "channel": "sms"})


def test_it_sends_a_text_message_link_and_creates_the_request(world, sms_memory):
    patient = portal_patient(world.clinic)
    response = world.client("nurse").post(
        send_url(patient), {"instruments": ["phq9", "gad7"], "channel": "sms"}
    )
    assert response.status_code == 302
    request = QuestionnaireRequest.objects.get()
    assert request.instruments == ["phq9", "gad7"] and request.status == "sent" and request.kind == "one_off"
    assert request.created_by == world.users["nurse"]
    assert len(sms_memory) == 1 and sms_memory[0].to == "+15550100"
    assert "http://testserver/p/" in sms_memory[0].body
    link = PortalLink.objects.get()
    assert link.channel == "sms" and link.created_by == world.users["nurse"]
    assert AuditEvent.objects.filter(
        action="create", object_type="measures.portallink", patient_id=patient.pk
    ).exists()


def test_it_sends_an_email_link(world):
    patient = portal_patient(world.clinic)
    world.client("prescriber").post(send_url(patient), {"instruments": ["gad7"], "channel": "email"})
    assert len(mail.outbox) == 1 and mail.outbox[0].to == ["patient@example.invalid"]


def test_without_consent_it_says_so_and_stores_and_sends_nothing(world, sms_memory):
    patient = portal_patient(world.clinic, consent_sms=False)
    response = world.client("nurse").post(send_url(patient), {"instruments": ["phq9"], "channel": "sms"})
    html = response.content.decode()
    assert response.status_code == 200
    assert "has not consented to text messages" in html
    assert QuestionnaireRequest.objects.count() == 0 and PortalLink.objects.count() == 0 and not sms_memory


def test_clinician_rated_scales_cannot_be_sent(world):
    patient = portal_patient(world.clinic)
    response = world.client("nurse").post(send_url(patient), {"instruments": ["madrs"], "channel": "sms"})
    assert "Questionnaires" in response.content.decode()
    assert QuestionnaireRequest.objects.count() == 0


def test_the_form_is_csrf_protected(world, csrf_client):
    from remit.testing import login

    patient = portal_patient(world.clinic)
    login(csrf_client, world.users["nurse"])
    assert csrf_client.post(send_url(patient), {"instruments": ["phq9"], "channel": "sms"}).status_code == 403


def test_the_send_page_then_shows_the_link_and_its_qr_code_once(world, sms_memory):
    patient = portal_patient(world.clinic)
    client = world.client("nurse")
    response = client.post(send_url(patient), {"instruments": ["phq9"], "channel": "sms"})
    assert response["Location"] == send_url(patient)
    url = sms_memory[0].body.rsplit(" ", 1)[1]
    html = client.get(send_url(patient)).content.decode()
    assert url in html and "<svg" in html and "QR code of the link" in html
    # Not kept: a reload no longer shows the single-use link.
    assert url not in client.get(send_url(patient)).content.decode()
