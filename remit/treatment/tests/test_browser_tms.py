"""In a browser with a controlled clock: a TMS technician charts a session; % machine output is computed;
a reported seizure raises a high alert."""

# ruff: noqa: F811  (the ``clock`` fixture is imported from factories)

from __future__ import annotations

import pytest

from remit.alerts.models import Alert
from remit.testing import browser_sign_in
from remit.treatment.models import AdverseEvent, Session

from .factories import clock, make_session  # noqa: F401


@pytest.mark.browser
def test_a_technician_charts_tms_and_a_seizure_raises_a_high_alert(world, live_server, page, clock):
    session = make_session(world, "tms")
    page.set_viewport_size({"width": 375, "height": 900})
    browser_sign_in(page, live_server, world.users["tms_technician"])
    page.goto(f"{live_server.url}/treatment/sessions/{session.pk}/")
    page.get_by_role("heading", name="TMS · session 1").wait_for()
    assert "No motor threshold is recorded" in page.locator("#tms").inner_text()

    page.get_by_role("button", name="Check in").click()
    page.get_by_text("Checked in.").wait_for()
    page.get_by_label("Hours of sleep last night").fill("7.5")
    check = page.locator("#checklist")
    check.get_by_role("group", name="Alcohol in the last 24 hours?").get_by_label("No").check()
    check.get_by_role("group", name="Any medication change since the last session?").get_by_label(
        "No"
    ).check()
    check.get_by_role("group", name="Any seizure since the last session?").get_by_label("No").check()
    page.get_by_role("button", name="Save checklist").click()
    page.get_by_text("Checklist saved.").wait_for()

    page.get_by_label("Motor threshold (% machine output)").fill("55")
    page.get_by_label("Method").select_option("emg")
    page.get_by_role("button", name="Save motor threshold").click()
    page.get_by_text("Motor threshold recorded.").wait_for()

    assert page.get_by_label("Protocol pattern").input_value() == "10hz"  # from the protocol
    assert page.get_by_label("Intensity (% of motor threshold)").input_value() == "120"
    assert page.get_by_label("Pulses planned").input_value() == "3000"
    page.get_by_label("Coil site method").select_option("beam_f3")
    page.get_by_label("Coil coordinates").fill("F3 (Beam: 20.1 cm / 18.4 cm)")
    page.get_by_role("button", name="Save parameters").click()
    page.get_by_text("Stimulation parameters saved: 66% machine output.").wait_for()
    assert "66% machine output" in page.get_by_test_id("machine-output").inner_text()

    page.get_by_role("button", name="Start stimulation").click()
    page.get_by_text("Stimulation started.").wait_for()
    clock.advance(minutes=19)
    page.locator("#events summary").click()
    page.get_by_label("Event (required)", exact=True).select_option("seizure")
    page.get_by_label("Action taken for the event").fill(
        "Stimulation stopped; recovery position; 911 not needed"
    )
    page.get_by_role("button", name="Add adverse event").click()
    page.get_by_text("Seizure documented as a serious adverse event; a high alert was raised.").wait_for()

    event = AdverseEvent.objects.get(session=session)
    assert (event.kind, event.severity) == ("seizure", "serious")
    alert = Alert.objects.get(patient=session.patient)
    assert (alert.kind, alert.severity) == ("seizure", "high")
    stored = Session.objects.get(pk=session.pk)
    assert stored.machine_output_pct == 66 and stored.coil_site_method == "beam_f3"
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
