"""The patient's flow, counted: SMS link → date of birth confirmed → PHQ-9 answered and sent.

Before this flow was rebuilt it took 15 actions (opening the link, three date boxes, Continue, nine
answers, Submit). Opening the link (``page.goto``) is not seen by ``count_user_actions``; it is a tap on
the message, so 1 is added for it to the total.
"""

from __future__ import annotations

import pytest

from remit.measures import actions_portal_links
from remit.measures.models import Assessment
from remit.measures.tests.conftest import DOB, make_questionnaire_request, portal_patient
from remit.testing import browser_sign_in, count_user_actions

pytestmark = pytest.mark.browser

SHOTS = "/tmp/shots/portal"

# Opening the link, the date of birth typed and sent (2), nine answers: the nine answers are the
# questionnaire itself, so this is the floor without guessing anything for the patient.
GOAL = 12


def _sms_link(world, sms_memory, settings, live_server):
    settings.REMIT_PORTAL_BASE_URL = live_server.url
    patient = portal_patient(world.clinic)
    actions_portal_links.send_questionnaire_request(make_questionnaire_request(patient, ["phq9"]), "sms")
    return sms_memory[0].body.rsplit(" ", 1)[1]


def test_a_patient_answers_phq9_from_the_text_message_in_few_taps(
    world, live_server, page, settings, sms_memory
):
    url = _sms_link(world, sms_memory, settings, live_server)
    page.set_viewport_size({"width": 375, "height": 740})
    with count_user_actions() as actions:
        page.goto(url)
        page.get_by_label("Date of birth").fill(DOB.strftime("%m/%d/%Y"))
        page.get_by_role("button", name="Continue").click()
        for number in range(1, 10):
            page.get_by_text(f"Question {number} of").wait_for()
            page.wait_for_load_state()  # the page script that sends a tapped answer has run
            page.locator(f"label[for=q{number}-0]").click()
        page.get_by_text("Thank you").wait_for()
    total = actions.total + 1  # page.goto: the tap on the link in the message
    print(f"patient portal, SMS link to PHQ-9 sent: {total} taps (1 link + {actions.summary()})")
    assert Assessment.objects.get().total == 0
    assert total <= GOAL


def test_the_portal_works_with_the_keyboard_alone(world, live_server, page, settings, sms_memory):
    """Tab, Space and Enter only: the date of birth, every answer and the submit."""
    url = _sms_link(world, sms_memory, settings, live_server)
    page.goto(url)
    keys = page.keyboard
    field = page.get_by_label("Date of birth")
    while not field.evaluate("el => el === document.activeElement"):
        keys.press("Tab")
    keys.type(DOB.strftime("%m%d%Y"))
    keys.press("Enter")
    for number in range(1, 10):
        page.get_by_text(f"Question {number} of").wait_for()
        first = page.locator(f"#q{number}-0")
        for _ in range(20):
            if first.evaluate("el => el === document.activeElement"):
                break
            keys.press("Tab")
        keys.press("Space")
        assert first.is_checked()  # a key choice does not send by itself
        keys.press("Enter")
    page.get_by_text("Thank you").wait_for()
    assert Assessment.objects.get().total == 0


@pytest.mark.parametrize("width", [375, 1280])
def test_the_portal_pages_fit_the_screen(world, live_server, page, settings, sms_memory, width):
    world.clinic.name, world.clinic.phone = "Riverside Ketamine & TMS Center", "(555) 010-0199"
    world.clinic.save()
    url = _sms_link(world, sms_memory, settings, live_server)
    page.set_viewport_size({"width": width, "height": 800})
    page.goto(url)
    page.screenshot(path=f"{SHOTS}/date-of-birth-{width}.png", full_page=True)
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    page.get_by_label("Date of birth").fill(DOB.strftime("%m/%d/%Y"))
    page.get_by_role("button", name="Continue").click()
    page.get_by_text("Question 1 of").wait_for()
    page.screenshot(path=f"{SHOTS}/question-{width}.png", full_page=True)
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    for number in range(1, 10):
        page.get_by_text(f"Question {number} of").wait_for()
        page.wait_for_load_state()  # the page script that sends a tapped answer has run
        page.locator(f"label[for=q{number}-0]").click()
    page.get_by_text("Thank you").wait_for()
    page.screenshot(path=f"{SHOTS}/done-{width}.png", full_page=True)
    assert page.evaluate("document.documentElement.scrollWidth") <= width


@pytest.mark.parametrize("width", [375, 1280])
def test_a_kiosk_visit_ends_with_the_tablet_locked(world, live_server, page, width):
    patient = portal_patient(world.clinic)
    browser_sign_in(page, live_server, world.users["nurse"])
    page.set_viewport_size({"width": width, "height": 800})
    page.goto(f"{live_server.url}/measures/patients/{patient.pk}/clinic-tablet/")
    page.get_by_role("button", name="Start and hand over the tablet").click()
    for number in range(1, 10):
        page.get_by_text(f"Question {number} of").wait_for()
        page.wait_for_load_state()  # the page script that sends a tapped answer has run
        page.locator(f"label[for=q{number}-0]").click()
    page.get_by_role("heading", name="This tablet is locked").wait_for()
    assert "Thank you" in page.content()
    page.screenshot(path=f"{SHOTS}/kiosk-locked-{width}.png", full_page=True)
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    page.go_back()
    page.get_by_role("heading", name="This tablet is locked").wait_for()
    assert "Little interest" not in page.content() and patient.family_name not in page.content()
    # The staff sign-in ended when the tablet was handed over.
    page.goto(f"{live_server.url}/measures/patients/{patient.pk}/clinic-tablet/")
    assert "/accounts/login/" in page.url
