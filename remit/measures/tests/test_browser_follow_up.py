"""In a real browser, on a desktop and on a phone: the follow-up worklist, and one click to resend."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from remit import notify
from remit.measures import actions_questionnaire_requests
from remit.measures.models import Assessment, QuestionnaireRequest
from remit.measures.tests.conftest import GAD7, portal_patient
from remit.testing import browser_sign_in, make_patient


def _closed(patient, days_ago, instruments, status, reminders=2):
    questionnaire_request = actions_questionnaire_requests.create_questionnaire_request(
        patient=patient,
        instruments=instruments,
        due_date=timezone.localdate() - dt.timedelta(days=days_ago),
    )
    QuestionnaireRequest.objects.filter(pk=questionnaire_request.pk).update(
        status=status, reminders_sent=reminders
    )
    return questionnaire_request


@pytest.mark.browser
def test_a_nurse_sees_missed_questionnaires_and_resends_one_with_one_click(world, live_server, page):
    quinn = portal_patient(world.clinic, family_name="Quinlan", given_name="Ada")
    _closed(quinn, 2, ["phq9"], QuestionnaireRequest.MISSED)
    partial = _closed(
        portal_patient(world.clinic, family_name="Okafor", given_name="Bea", phone="+15550111"),
        5,
        ["phq9", "gad7"],
        QuestionnaireRequest.PARTIAL,
        reminders=1,
    )
    Assessment.objects.create(
        patient=partial.patient,
        instrument="gad7",
        instrument_version="1",
        answers=GAD7,
        respondent="patient",
        questionnaire_request=partial,
    )
    _closed(make_patient(world.clinic, family_name="Nocontact"), 8, ["phq9"], QuestionnaireRequest.MISSED, 0)

    browser_sign_in(page, live_server, world.users["nurse"])
    page.set_viewport_size({"width": 1280, "height": 800})
    page.goto(f"{live_server.url}/measures/follow-up/")
    page.get_by_role("heading", name="3 questionnaires to follow up").wait_for()
    page.screenshot(path="/tmp/follow-up-1280.png", full_page=True)

    page.set_viewport_size({"width": 375, "height": 800})
    page.reload()
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    page.screenshot(path="/tmp/follow-up-375.png", full_page=True)

    notify.sms_outbox.clear()
    page.get_by_role("button", name="Resend to Ada Quinlan", exact=False).click()
    page.get_by_text("Questionnaire sent again to Ada Quinlan by text message.").wait_for()
    assert "Quinlan" not in page.locator("table.follow-up").inner_text()
    assert len(notify.sms_outbox) == 1
    assert QuestionnaireRequest.objects.get(patient=quinn).status == QuestionnaireRequest.SENT
