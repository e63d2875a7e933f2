"""Invitations carry a link and nothing else: no name, no questionnaire, no score."""

from __future__ import annotations

import pytest
from django.core import mail
from django.core.exceptions import ValidationError

from remit.measures import actions_portal, actions_portal_links
from remit.measures.models import PortalLink
from remit.measures.tests.conftest import make_questionnaire_request, portal_patient


def _no_phi(text, patient):
    for word in (
        patient.given_name,
        patient.family_name,
        patient.mrn,
        "PHQ",
        "GAD",
        "Patient Health",
        "depress",
        "1980",
        "ketamine",
    ):
        assert word.lower() not in text.lower(), word


def test_the_text_message_names_no_patient_and_no_questionnaire(world, sms_memory):
    patient = portal_patient(world.clinic)
    link = actions_portal_links.send_questionnaire_request(
        make_questionnaire_request(patient, ["phq9", "gad7"]), "sms"
    )
    (message,) = sms_memory
    assert message.body == f"Your clinic asks you to answer a short questionnaire: {link.url}"
    _no_phi(message.body, patient)


def test_the_email_names_no_patient_and_no_questionnaire(world):
    patient = portal_patient(world.clinic)
    link = actions_portal_links.send_questionnaire_request(
        make_questionnaire_request(patient, ["phq9"]), "email"
    )
    (message,) = mail.outbox
    assert link.url in message.body
    _no_phi(message.subject + message.body, patient)


def test_the_sent_token_opens_its_link(world, sms_memory):
    patient = portal_patient(world.clinic)
    link = actions_portal_links.send_questionnaire_request(make_questionnaire_request(patient), "sms")
    token = link.url.rsplit("/p/", 1)[1].strip("/")
    assert actions_portal.find_link(token) == link
    assert len(token) >= 43  # token_urlsafe(32)


@pytest.mark.parametrize(
    ("fields", "channel", "message"),
    [
        ({"consent_email": False}, "email", "not consented to email"),
        ({"email": ""}, "email", "No email address"),
        ({"consent_sms": False}, "sms", "not consented to text messages"),
        ({"phone": ""}, "sms", "No phone number"),
    ],
)
def test_it_refuses_a_channel_without_consent_or_contact(world, fields, channel, message):
    patient = portal_patient(world.clinic, **fields)
    with pytest.raises(ValidationError, match=message):
        actions_portal_links.send_questionnaire_request(make_questionnaire_request(patient), channel)
    assert PortalLink.objects.count() == 0


def test_the_preferred_consented_channel_comes_first(world):
    assert actions_portal_links.consented_channels(
        portal_patient(world.clinic, preferred_contact="email")
    ) == [
        "email",
        "sms",
    ]
    assert actions_portal_links.consented_channels(portal_patient(world.clinic, preferred_contact="sms")) == [
        "sms",
        "email",
    ]
    assert (
        actions_portal_links.consented_channels(
            portal_patient(world.clinic, consent_sms=False, consent_email=False)
        )
        == []
    )
