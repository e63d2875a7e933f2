"""In a 375 px browser: a patient answers PHQ-9 with item 9 = 1 and sees crisis resources; a clinician
acknowledges the alert at the top of the inbox; the link no longer opens."""

from __future__ import annotations

import pytest

from remit.alerts.models import Alert
from remit.measures import actions_portal_links
from remit.measures.models import Assessment
from remit.measures.tests.conftest import DOB, make_questionnaire_request, portal_patient
from remit.testing import browser_sign_in

pytestmark = pytest.mark.browser


def test_a_patient_reports_suicidal_ideation_and_a_clinician_acknowledges_the_alert(
    world, live_server, page, settings, sms_memory
):
    settings.REMIT_PORTAL_BASE_URL = live_server.url
    patient = portal_patient(world.clinic)
    link = actions_portal_links.send_questionnaire_request(
        make_questionnaire_request(patient, ["phq9"]), "sms"
    )
    url = sms_memory[0].body.rsplit(" ", 1)[1]
    assert url == link.url and url.startswith(live_server.url)

    page.set_viewport_size({"width": 375, "height": 740})
    page.goto(url)
    page.get_by_label("Date of birth").fill(DOB.strftime("%m/%d/%Y"))
    page.get_by_role("button", name="Continue").click()

    page.get_by_text("Questionnaire 1 of 1").wait_for()
    # One question a page: each tap sends the answer and the next question follows.
    for item in range(1, 9):
        page.get_by_text(f"Question {item} of").wait_for()
        page.wait_for_load_state()  # the page script that sends a tapped answer has run
        page.locator(f"label[for=q{item}-0]").click()
    page.get_by_text("Question 9 of").wait_for()
    page.wait_for_load_state()  # the page script that sends a tapped answer has run
    page.locator("label[for=q9-1]").click()  # "Several days"
    page.get_by_text("Question 10 of 10").wait_for()
    # Nothing overflows sideways at 375 px.
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    page.screenshot(path="/tmp/portal-questions.png", full_page=True)
    page.wait_for_load_state()  # the page script that sends a tapped answer has run
    page.locator("label[for=q10-1]").click()  # the last answer sends the questionnaire

    crisis = page.locator(".crisis")
    crisis.wait_for()
    text = crisis.inner_text()
    for expected in ("If you are in danger now, call 911.", "988", "call or text", "988lifeline.org"):
        assert expected in text
    assert crisis.bounding_box()["y"] < 200  # at the top of the page
    page.screenshot(path="/tmp/portal-crisis.png", full_page=True)
    assert Assessment.objects.get().flags == ["suicidal_ideation"]

    # A nurse signs in (session copied from the test client) and opens the inbox.
    browser_sign_in(page, live_server, world.users["nurse"])
    page.set_viewport_size({"width": 1200, "height": 900})
    page.goto(f"{live_server.url}/alerts/")
    first_group = page.get_by_test_id("alert-group").first
    assert "Suicidal ideation" in first_group.inner_text()
    assert patient.family_name in first_group.inner_text()
    first_group.locator("a[href^='/alerts/']").first.click()
    page.get_by_label("Note").fill("Called the patient; safety plan reviewed; seen tomorrow.")
    page.get_by_role("button", name="Acknowledge alert").click()
    page.wait_for_load_state()
    alert = Alert.objects.get()
    assert alert.status == "acknowledged" and alert.acknowledged_by == world.users["nurse"]

    # The first message no longer opens.
    page.context.clear_cookies()
    page.goto(url)
    assert "already been answered" in page.content()
    assert "Little interest" not in page.content()


def test_item_9_on_page_1_of_2_shows_the_crisis_card_on_page_2_at_375px(world, live_server, page, settings):
    """The answer is stored and the alert raised as the patient leaves page 1; page 2 opens with crisis
    resources at the top, and the patient can still finish."""
    from remit.measures.tests.conftest import make_link

    settings.REMIT_PORTAL_BASE_URL = live_server.url
    patient = portal_patient(world.clinic)
    link, token = make_link(patient, ["phq9", "gad7"])
    page.set_viewport_size({"width": 375, "height": 740})
    page.goto(f"{live_server.url}/p/{token}/")
    page.get_by_label("Date of birth").fill(DOB.strftime("%m/%d/%Y"))
    page.get_by_role("button", name="Continue").click()

    page.get_by_text("Questionnaire 1 of 2").wait_for()
    for item in range(1, 9):
        page.get_by_text(f"Question {item} of").wait_for()
        page.wait_for_load_state()  # the page script that sends a tapped answer has run
        page.locator(f"label[for=q{item}-0]").click()
    page.get_by_text("Question 9 of").wait_for()
    page.wait_for_load_state()  # the page script that sends a tapped answer has run
    page.locator("label[for=q9-1]").click()
    page.get_by_text("Question 10 of 10").wait_for()
    page.get_by_role("button", name="Next").click()  # the optional difficulty question, skipped

    page.get_by_text("Questionnaire 2 of 2").wait_for()
    crisis = page.locator(".crisis")
    assert "988" in crisis.inner_text() and "If you are in danger now, call 911." in crisis.inner_text()
    assert crisis.bounding_box()["y"] < 200
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    # Stored and alerted already, before page 2 is sent.
    assert Assessment.objects.get().instrument == "phq9"
    assert Alert.objects.get().kind == "suicidal_ideation"
    page.screenshot(path="/tmp/portal-crisis-page-2.png", full_page=True)

    for item in range(1, 8):
        page.get_by_text(f"Question {item} of").wait_for()
        page.wait_for_load_state()  # the page script that sends a tapped answer has run
        page.locator(f"label[for=q{item}-0]").click()
    page.get_by_text("Thank you").wait_for()
    assert page.locator(".crisis").bounding_box()["y"] < 200
    assert Assessment.objects.count() == 2
