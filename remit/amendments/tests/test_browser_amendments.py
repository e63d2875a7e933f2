"""In Chromium: a prescriber denies a patient's request to amend a diagnosis from the work queue, and the
patient, on a 375 px phone, reads the reason on the portal and adds a statement of disagreement, which
the chart then shows beside the request."""

from __future__ import annotations

import pytest

from remit.amendments import actions
from remit.amendments.models import AmendmentRequest
from remit.measures import actions_portal_links
from remit.measures.tests.conftest import DOB, make_questionnaire_request, portal_patient
from remit.patients.models import Diagnosis
from remit.testing import browser_sign_in

pytestmark = pytest.mark.browser


def test_a_prescriber_denies_a_request_and_the_patient_disagrees_on_a_phone(
    world, live_server, page, settings
):
    settings.REMIT_SMS_BACKEND = "memory"
    settings.REMIT_PORTAL_BASE_URL = live_server.url
    patient = portal_patient(world.clinic)
    diagnosis = Diagnosis.objects.create(patient=patient, code="F33.2", description="Recurrent depression")
    amendment = actions.request_amendment(
        patient, part=f"diagnosis:{diagnosis.pk}", text="I have had one episode, not recurrent ones."
    )

    # The prescriber, on a desktop, opens the queue and denies with a reason.
    browser_sign_in(page, live_server, world.users["prescriber"])
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(f"{live_server.url}/amendments/")
    page.get_by_role("row").filter(has_text="Diagnosis F33.2").get_by_role("link", name="Decide").click()
    page.get_by_label("Deny: the patient is told why").check()
    page.get_by_label("Reason for the denial (when denying)").fill(
        "Two episodes are documented in 2019 and 2023."
    )
    page.screenshot(path="/tmp/amendments-decide-1280.png", full_page=True)
    page.get_by_role("button", name="Record the decision").click()
    page.locator(f"#amendment-{amendment.pk}").get_by_text("Denied", exact=True).wait_for()
    page.screenshot(path="/tmp/amendments-chart-1280.png", full_page=True)
    amendment.refresh_from_db()
    assert amendment.status == AmendmentRequest.DENIED

    # The patient opens their next questionnaire link on a phone and confirms their date of birth.
    link = actions_portal_links.send_questionnaire_request(
        make_questionnaire_request(patient, ["phq9"]), "sms"
    )
    page.context.clear_cookies()
    page.set_viewport_size({"width": 375, "height": 740})
    page.goto(link.url)
    page.get_by_label("Date of birth").fill(DOB.strftime("%m/%d/%Y"))
    page.get_by_role("button", name="Continue").click()
    page.get_by_text("Questionnaire 1 of 1").wait_for()
    page.goto(f"{live_server.url}/p/record/")
    page.get_by_text("Two episodes are documented in 2019 and 2023.").wait_for()
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    page.screenshot(path="/tmp/amendments-portal-375.png", full_page=True)
    page.get_by_role("link", name="I disagree: add my statement").click()
    page.get_by_label("Statement").fill("My records from the other clinic show only one episode.")
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    page.get_by_role("button", name="Send my statement").click()
    page.get_by_text("My records from the other clinic show only one episode.").wait_for()
    page.screenshot(path="/tmp/amendments-portal-after-375.png", full_page=True)
    amendment.refresh_from_db()
    assert amendment.disagreement_via == "portal"

    # The chart shows the statement with the request, at phone width too.
    browser_sign_in(page, live_server, world.users["prescriber"])
    page.goto(f"{live_server.url}/patients/{patient.pk}/#amendment-{amendment.pk}")
    section = page.locator(f"#amendment-{amendment.pk}")
    assert "Statement of disagreement" in section.inner_text()
    assert "only one episode" in section.inner_text()
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    page.screenshot(path="/tmp/amendments-chart-375.png", full_page=True)
