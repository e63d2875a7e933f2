"""In a real browser at phone width: a nurse sees the high alert first, opens it and acknowledges it."""

from __future__ import annotations

import pytest

from remit.alerts.models import Alert
from remit.testing import browser_sign_in, make_patient

from .conftest import make_alert


@pytest.mark.browser
def test_a_nurse_acknowledges_the_top_alert_on_a_phone(world, live_server, page):
    make_alert(
        make_patient(world.clinic, family_name="Lowly"), "low", minutes_ago=120, kind="missed_assessment"
    )
    urgent = make_alert(
        make_patient(world.clinic, family_name="Quinlan", given_name="Ada"),
        "high",
        minutes_ago=3,
        reason="PHQ-9 item 9 answered 1 (several days).",
    )
    page.set_viewport_size({"width": 375, "height": 800})
    browser_sign_in(page, live_server, world.users["nurse"])
    page.goto(f"{live_server.url}/alerts/")
    page.get_by_role("heading", name="Open alerts").wait_for()
    first_row = page.get_by_test_id("alert-group").first
    assert "Quinlan, Ada" in first_row.inner_text()
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    page.screenshot(path="/tmp/alerts-inbox-375.png", full_page=True)
    first_row.get_by_role("link", name="Suicidal ideation reported").click()

    page.get_by_label("Acknowledgement note").wait_for()
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    page.screenshot(path="/tmp/alerts-detail-375.png", full_page=True)
    page.get_by_role("button", name="Acknowledge alert").click()  # empty: the browser refuses (required)
    assert page.locator("textarea[name=note]:invalid").count() == 1
    assert Alert.objects.get(pk=urgent.pk).status == "open"
    page.get_by_label("Acknowledgement note").fill("Called Ada; safety plan reviewed; seen tomorrow.")
    page.get_by_role("button", name="Acknowledge alert").click()
    page.get_by_text("Alert acknowledged").wait_for()
    assert "Quinlan" not in page.locator("main").inner_text()
    urgent.refresh_from_db()
    assert urgent.status == "acknowledged"
    assert Alert.objects.filter(status="open").count() == 1


SHOTS = "/tmp/shots/queues"


@pytest.mark.browser
@pytest.mark.parametrize("width", [1280, 375])
def test_a_prescriber_filters_calls_and_acknowledges_in_place(world, live_server, page, width):
    from remit.testing import count_user_actions

    ada = make_patient(world.clinic, family_name="Quinlan", given_name="Ada", phone="(555) 010-2233")
    first = make_alert(
        ada, "high", minutes_ago=30, reason="PHQ-9 item 9 answered 2 (more than half the days)."
    )
    make_alert(ada, "medium", minutes_ago=10, kind="missed_assessment", reason="Weekly PHQ-9 not answered.")
    make_alert(make_patient(world.clinic, family_name="Other"), "low", kind="seizure", reason="Brief twitch.")
    page.set_viewport_size({"width": width, "height": 900})
    browser_sign_in(page, live_server, world.users["prescriber"])
    page.goto(f"{live_server.url}/alerts/")
    group = page.get_by_test_id("alert-group").first
    assert "Quinlan, Ada" in group.inner_text()
    assert group.get_by_test_id("call-patient").get_attribute("href") == "tel:5550102233"
    assert group.get_by_role("link", name="Next step: C-SSRS screen").is_visible()
    assert "1 more alert for this patient" in group.inner_text()
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    page.screenshot(path=f"{SHOTS}/inbox-{width}.png", full_page=True)

    with count_user_actions() as actions:
        page.get_by_label("Patient").fill("Quinlan")
        page.get_by_role("button", name="Filter").click()
        page.wait_for_url("**/alerts/?search=*")
        assert "Quinlan" not in page.url
        assert page.get_by_test_id("alert-group").count() == 1
        page.evaluate("window.stillThisPage = true")
        item = page.locator(f"#alert-{first.pk}")
        item.get_by_label("Acknowledgement note").fill(
            "Called Ada; safety plan reviewed; C-SSRS screen booked."
        )
        item.get_by_role("button", name="Acknowledge").click()
        page.locator(f"#alert-{first.pk}").get_by_text("acknowledged by you").wait_for()
    print(f"filter and acknowledge in place ({width} px): {actions.total} actions: {actions.summary()}")
    assert actions.total <= 4
    assert page.evaluate("window.stillThisPage === true")  # acknowledged in place: no page load
    first.refresh_from_db()
    assert first.status == "acknowledged"
    page.screenshot(path=f"{SHOTS}/inbox-acknowledged-{width}.png", full_page=True)
