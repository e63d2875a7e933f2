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
    first_row = page.locator("table.alerts tbody tr").first
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
