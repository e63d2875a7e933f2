"""Charting from the keyboard: the next step has the focus, Enter saves, and the page saves in place."""

# ruff: noqa: F811  (the ``clock`` fixture is imported from factories)

from __future__ import annotations

import pytest

from remit.testing import browser_sign_in
from remit.treatment import actions_dosing
from remit.treatment.models import VitalSign

from .factories import clock, ready_ketamine  # noqa: F401


@pytest.mark.browser
def test_a_nurse_enters_two_readings_with_the_keyboard_alone(world, live_server, page, clock):
    session = ready_ketamine(world, clock)
    actions_dosing.start_dose(session, actor=world.users["nurse"])
    browser_sign_in(page, live_server, world.users["nurse"])
    page.goto(f"{live_server.url}/treatment/sessions/{session.pk}/")
    page.get_by_test_id("next-due").wait_for()
    assert page.evaluate("document.activeElement.id") == "id_blood_pressure"
    page.evaluate("window.notReloaded = true")  # gone if the page were loaded again

    page.keyboard.type("128/80")
    for value in ("74", "98", "14"):
        page.keyboard.press("Tab")
        page.keyboard.type(value)
    page.keyboard.press("Enter")
    page.get_by_text("Vital signs saved.").wait_for()
    assert VitalSign.objects.get().systolic == 128

    clock.advance(minutes=15)
    page.wait_for_function("document.activeElement.textContent.includes('same as last')")
    page.keyboard.press("Enter")
    page.get_by_text("same as the last reading").wait_for()
    assert VitalSign.objects.count() == 2
    assert page.evaluate("window.notReloaded") is True  # saved in place, not by loading a new page
