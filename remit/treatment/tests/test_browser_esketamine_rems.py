"""In a browser with a controlled clock: esketamine devices, no completion at 119 minutes, completion at 120,
a signed session's REMS form with every field filled, due in 7 days on the REMS page."""

# ruff: noqa: F811  (the ``clock`` fixture is imported from factories)

from __future__ import annotations

import pytest

from remit.testing import browser_sign_in
from remit.treatment import monitoring
from remit.treatment.models import RemsMonitoringForm, Session
from remit.treatment.rems_form import FIELDS

from .factories import clock, ready_esketamine  # noqa: F401


@pytest.mark.browser
def test_esketamine_completes_at_120_minutes_and_makes_the_rems_form(world, live_server, page, clock):
    nurse = world.users["nurse"]
    nurse.first_name, nurse.last_name, nurse.email = "Nora", "Nurse", "nora@clinic.example"
    nurse.save()
    session = ready_esketamine(world, clock)  # enrolled, checked in, checklist done, BP 124/78 before dosing
    url = f"{live_server.url}/treatment/sessions/{session.pk}/"
    browser_sign_in(page, live_server, nurse)
    page.goto(url)
    page.get_by_role("heading", name="Esketamine dosing (Spravato)").wait_for()
    page.get_by_label("Lot number").fill("LOT-4471")
    page.get_by_role("button", name="Give device 1 (28 mg)").click()
    page.get_by_text("Device 1 given (28 mg).").wait_for()
    first = monitoring.first_device_at(Session.objects.get(pk=session.pk))
    clock.set(first, minutes=3)
    page.get_by_role("button", name="Give device 2 (28 mg)").click()
    page.locator(".error-summary").get_by_text("Rest 5 minutes between devices").wait_for()
    assert len(Session.objects.get(pk=session.pk).devices) == 1
    clock.set(first, minutes=5)
    page.get_by_role("button", name="Give device 2 (28 mg)").click()
    page.get_by_text("Device 2 given (28 mg).").wait_for()
    page.get_by_role("button", name="Dosing finished").click()
    page.get_by_text("Dosing ended; monitoring continues.").wait_for()

    for minutes, bp in ((40, ("140", "86")), (110, ("128", "80"))):
        clock.set(first, minutes=minutes)
        page.get_by_label("Blood pressure (mmHg)").fill(f"{bp[0]}/{bp[1]}")
        page.get_by_label("SpO2 (%)").fill("97")
        page.get_by_role("button", name="Save vitals").click()
        page.get_by_text("Vital signs saved.").wait_for()

    form = page.locator("#rems-answers")
    form.get_by_role("group", name="Sedation observed?").get_by_label("Yes").check()
    form.get_by_role("group", name="Sedation resolved?").get_by_label("Yes").check()
    form.get_by_role("group", name="Dissociation observed?").get_by_label("Yes").check()
    form.get_by_role("group", name="Dissociation resolved?").get_by_label("Yes").check()
    form.get_by_role("group", name="Respiratory depression observed?").get_by_label("No").check()
    form.get_by_label("Without the 2-hour minimum").fill("75")
    form.get_by_role("group", name="Vital signs acceptable before dosing?").get_by_label("Yes").check()
    form.get_by_role("group", name="Vital signs acceptable before completion?").get_by_label("Yes").check()
    assert form.get_by_label("Monitoring healthcare provider").input_value() == "Nora Nurse"
    assert form.get_by_label("Monitoring HCP phone or email").input_value() == "nora@clinic.example"
    form.get_by_label("Healthcare setting address").fill("12 Elm Street, Springfield")
    form.get_by_role("button", name="Save REMS observations").click()
    page.get_by_text("REMS observations saved.").wait_for()

    for label in (
        "Alert and oriented",
        "Vital signs within the clinic's range",
        "Escort present to take the patient home",
    ):
        page.get_by_label(label).check()
    clock.set(first, minutes=119)
    page.get_by_role("button", name="Complete session").click()
    page.get_by_text("1 minute remaining").first.wait_for()
    assert Session.objects.get(pk=session.pk).discharged_at is None

    clock.set(first, minutes=120)
    for label in (
        "Alert and oriented",
        "Vital signs within the clinic's range",
        "Escort present to take the patient home",
    ):
        page.get_by_label(label).check()
    page.get_by_role("button", name="Complete session").click()
    page.get_by_text("Session completed.").wait_for()
    assert "120 minutes" in page.get_by_test_id("total-monitoring").inner_text()

    page.get_by_role("button", name="Sign and lock").click()
    page.get_by_text("Signed and locked.").wait_for()
    rems_form = RemsMonitoringForm.objects.get(session=session)
    assert all(str(rems_form.data[key]).strip() for key, _label in FIELDS)

    page.get_by_role("link", name="REMS Patient Monitoring Form").click()
    page.get_by_role("heading", name="Spravato REMS Patient Monitoring Form").wait_for()
    rows = page.locator("table.rems-form tr")
    assert rows.count() == len(FIELDS)
    for i in range(rows.count()):
        assert rows.nth(i).locator("td").inner_text().strip(), rows.nth(i).inner_text()
    table = page.locator("table.rems-form").inner_text()
    assert "LOT-4471" in table and "56 mg" in table and "12 Elm Street" in table

    page.goto(f"{live_server.url}/treatment/rems/")
    row = page.locator("table.rems-due tbody tr").first
    assert "7 days left" in row.get_by_test_id("days-left").inner_text()
