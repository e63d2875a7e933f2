"""Sending the self-report intake questions (AUDIT-C, DAST-10, C-SSRS screen) to the patient."""

from __future__ import annotations

from django.urls import reverse

from remit.measures.models import PortalLink, QuestionnaireRequest
from remit.testing import PermissionMatrix, make_patient


def url(patient):
    return reverse("screening:send_questions", kwargs={"pk": patient.pk})


class TestPermissions(PermissionMatrix):
    capability = "screening.enter"
    ok_status = 302

    def url(self, world, patient):
        return url(patient)

    def request(self, client, url):
        return client.post(url)


def test_it_sends_the_three_questionnaires_by_a_consented_channel(world, mailoutbox):
    patient = make_patient(world.clinic, email="p@example.org", consent_email=True, preferred_contact="email")
    response = world.client("nurse").post(url(patient), follow=True)
    questionnaire_request = QuestionnaireRequest.objects.get(patient=patient)
    assert questionnaire_request.instruments == ["auditc", "dast10", "cssrs_screen"]
    assert (
        PortalLink.objects.filter(questionnaire_request=questionnaire_request, channel="email").count() == 1
    )
    assert len(mailoutbox) == 1
    assert "Intake questions sent to the patient by email" in response.content.decode()


def test_without_a_consented_channel_nothing_is_sent(world):
    patient = make_patient(world.clinic)
    response = world.client("nurse").post(url(patient), follow=True)
    assert not QuestionnaireRequest.objects.exists()
    assert "Nothing was sent" in response.content.decode()
