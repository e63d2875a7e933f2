"""Helpers shared by the measures tests: requests, links, a verified portal client, answers."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from remit import notify
from remit.measures import actions_portal_links, actions_questionnaire_requests
from remit.measures.models import PortalLink, QuestionnaireRequest
from remit.testing import make_patient

DOB = date(1980, 5, 17)

PHQ9_CALM = {f"q{i}": 0 for i in range(1, 10)} | {"q10": 0}
PHQ9_ITEM9 = {f"q{i}": 1 for i in range(1, 9)} | {"q9": 1, "q10": 1}
GAD7 = {f"q{i}": 1 for i in range(1, 8)}


@pytest.fixture(autouse=True)
def sms_memory(settings):
    """Text messages go to ``remit.notify.sms_outbox``; links point at the test server's name."""
    settings.REMIT_SMS_BACKEND = "memory"
    settings.REMIT_PORTAL_BASE_URL = "http://testserver"
    notify.sms_outbox.clear()
    yield notify.sms_outbox
    notify.sms_outbox.clear()


def portal_patient(clinic: Any, **fields: Any) -> Any:
    values = {
        "date_of_birth": DOB,
        "phone": "+15550100",
        "email": "patient@example.invalid",
        "consent_sms": True,
        "consent_email": True,
        "preferred_contact": "sms",
        "given_name": "Quintessa",
        "family_name": "Zebulon",
    }
    values.update(fields)
    return make_patient(clinic, **values)


def make_questionnaire_request(
    patient: Any, instruments: list[str] | None = None, **fields: Any
) -> QuestionnaireRequest:
    return actions_questionnaire_requests.create_questionnaire_request(
        patient=patient, instruments=instruments or ["phq9"], **fields
    )


def make_link(patient: Any, instruments: list[str] | None = None, **fields: Any) -> tuple[PortalLink, str]:
    questionnaire_request = make_questionnaire_request(patient, instruments, **fields)
    return actions_portal_links.create_link(questionnaire_request, PortalLink.SMS)


def open_url(token: str) -> str:
    return reverse("portal:open", kwargs={"token": token})


def step_url(token: str, step: int) -> str:
    """A step of the visit (the token is not in it: the portal session the token was exchanged for says which)."""
    return reverse("portal:step", kwargs={"step": step})


def done_url(token: str) -> str:
    return reverse("portal:done")


HOME_URL = "/p/"


def exchanged_client(token: str, client: Client | None = None) -> Client:
    """A browser that opened the link: the token exchanged for a portal session, the date of birth not asked yet."""
    client = client or Client()
    response = client.get(open_url(token))
    assert response.status_code == 302 and response["Location"] == HOME_URL, response.content.decode()[:500]
    return client


def dob_post(dob: date = DOB) -> dict[str, str]:
    return {"date_of_birth": f"{dob.month:02d}/{dob.day:02d}/{dob.year}"}


def verified_client(token: str, client: Client | None = None) -> Client:
    client = exchanged_client(token, client)
    response = client.post(HOME_URL, dob_post())
    assert response.status_code == 302, response.content.decode()[:500]
    return client


def answer_post(answers: dict[str, int | None], shown: list[str] | None = None) -> dict[str, str]:
    data = {key: "" if value is None else str(value) for key, value in answers.items()}
    data["shown"] = ",".join(shown if shown is not None else list(answers))
    return data


@pytest.fixture
def clinic_patient(world):
    return portal_patient(world.clinic)


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    """The personas' passwords are never checked here; Argon2 only slows the world fixture down."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
