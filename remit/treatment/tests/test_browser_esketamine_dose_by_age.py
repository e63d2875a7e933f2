"""In a browser with a controlled clock: a 68-year-old's first esketamine session offers 28 mg only; 56 mg is
refused without a prescriber's override; with one, the signed REMS form shows the dose given and the reason.

Clinical-reference §4: 65 and over start at 28 mg (MIMS HK [V2]); the schedule is a protocol setting whose
source the page shows in plain words. Screenshots at 1280 px of the dose step and of the REMS form (the PDF
rendered to PNG with pdftoppm) go to the test's temporary folder.
"""

# ruff: noqa: F811  (the ``clock`` fixture is imported from factories)

from __future__ import annotations

import datetime as dt
import shutil
import subprocess

import pytest

from remit.testing import browser_sign_in, make_patient
from remit.treatment import monitoring
from remit.treatment.models import RemsMonitoringForm, Session

from .factories import clock, ready_esketamine  # noqa: F401

REASON = "Tolerated 56 mg at her previous clinic for six months"


@pytest.mark.browser
def test_a_68_year_olds_first_session_offers_28_mg_and_56_mg_needs_a_prescribers_override(
    world, live_server, page, clock, tmp_path
):
    patient = make_patient(
        world.clinic,
        given_name="Edna",
        family_name="Older",
        sex_at_birth="female",
        date_of_birth=dt.date(1961, 6, 1),
    )
    session = ready_esketamine(world, clock, dose_mg=None, patient=patient)
    nurse, prescriber = world.users["nurse"], world.users["prescriber"]
    prescriber.first_name, prescriber.last_name = "Petra", "Prescriber"
    prescriber.save()
    url = f"{live_server.url}/treatment/sessions/{session.pk}/"
    page.set_viewport_size({"width": 1280, "height": 900})

    # The nurse is offered 28 mg only, with the schedule's source in plain words and no override.
    browser_sign_in(page, live_server, nurse)
    page.goto(url)
    step = page.get_by_test_id("esketamine-dose")
    step.wait_for()
    options = step.get_by_role("group", name="Dose to give").get_by_role("radio")
    assert options.count() == 1
    assert step.get_by_label("28 mg (1 device)").is_checked()
    assert "Allowed at this session: 28 mg" in step.get_by_test_id("dose-rule").inner_text()
    source = step.get_by_test_id("dose-source").inner_text()
    assert "MIMS Hong Kong" in source and "secondary material only" in source
    assert "[V2]" not in page.content() and step.get_by_text("prescriber override").count() == 0
    step.scroll_into_view_if_needed()
    step.screenshot(path=str(tmp_path / "dose-step-nurse.png"))
    page.screenshot(path=str(tmp_path / "dose-step-nurse-viewport.png"))

    # 56 mg sent anyway (the page does not offer it) is refused, and nothing is stored.
    page.evaluate("document.querySelector('input[name=dose_mg]').value = '56'")
    page.get_by_role("button", name="Set today's dose").click()
    page.get_by_text("56 mg is not an allowed dose for this session").first.wait_for()
    assert Session.objects.get(pk=session.pk).planned_dose_mg is None
    assert page.get_by_role("button", name="Give device 1 (28 mg)").count() == 0

    # The prescriber may override, but not without a written reason.
    browser_sign_in(page, live_server, prescriber)
    page.goto(url)
    step = page.get_by_test_id("esketamine-dose")
    step.get_by_label("Another dose (prescriber override)").select_option("56")
    step.get_by_role("button", name="Set today's dose").click()
    page.get_by_text("Nothing was saved").wait_for()
    assert Session.objects.get(pk=session.pk).planned_dose_mg is None
    step = page.get_by_test_id("esketamine-dose")
    step.get_by_label("Another dose (prescriber override)").select_option("56")
    step.get_by_label("Written reason for the override").fill(REASON)
    step.screenshot(path=str(tmp_path / "dose-step-prescriber-override.png"))
    step.get_by_role("button", name="Set today's dose").click()
    page.get_by_text("Today's dose set: 56 mg. Prescriber override recorded with its reason.").wait_for()
    assert REASON in page.get_by_test_id("planned-dose").inner_text()

    # The nurse gives the two devices (a third is not offered) and completes the session.
    browser_sign_in(page, live_server, nurse)
    page.goto(url)
    page.get_by_label("Lot number").fill("LOT-6801")
    page.get_by_role("button", name="Give device 1 (28 mg)").click()
    page.get_by_text("Device 1 given (28 mg).").wait_for()
    first = monitoring.first_device_at(Session.objects.get(pk=session.pk))
    clock.set(first, minutes=5)
    page.get_by_role("button", name="Give device 2 (28 mg)").click()
    page.get_by_text("Device 2 given (28 mg).").wait_for()
    assert page.get_by_role("button", name="Give device 3 (28 mg)").count() == 0
    page.get_by_role("button", name="Dosing finished").click()
    page.get_by_text("Dosing ended; monitoring continues.").wait_for()
    for minutes, bp in ((40, ("138", "84")), (110, ("126", "80"))):
        clock.set(first, minutes=minutes)
        page.get_by_label("Blood pressure (mmHg)").fill(f"{bp[0]}/{bp[1]}")
        page.get_by_label("SpO2 (%)").fill("97")
        page.get_by_role("button", name="Save vitals").click()
        page.get_by_text("Vital signs saved.").wait_for()
    form = page.locator("#rems-answers")
    form.get_by_role("group", name="Sedation observed?").get_by_label("No").check()
    form.get_by_role("group", name="Dissociation observed?").get_by_label("Yes").check()
    form.get_by_role("group", name="Dissociation resolved?").get_by_label("Yes").check()
    form.get_by_role("group", name="Respiratory depression observed?").get_by_label("No").check()
    form.get_by_label("Without the 2-hour minimum").fill("80")
    form.get_by_role("group", name="Vital signs acceptable before dosing?").get_by_label("Yes").check()
    form.get_by_role("group", name="Vital signs acceptable before completion?").get_by_label("Yes").check()
    form.get_by_label("Monitoring healthcare provider").fill("Nora Nurse, RN")
    form.get_by_label("Monitoring HCP phone or email").fill("nora@clinic.example")
    form.get_by_label("Healthcare setting address").fill("12 Elm Street, Springfield")
    form.get_by_role("button", name="Save REMS observations").click()
    page.get_by_text("REMS observations saved.").wait_for()
    clock.set(first, minutes=121)
    for label in (
        "Alert and oriented",
        "Vital signs within the clinic's range",
        "Escort present to take the patient home",
    ):
        page.get_by_label(label).check()
    page.get_by_role("button", name="Complete session").click()
    page.get_by_text("Session completed.").wait_for()
    page.get_by_role("button", name="Sign and lock").click()
    page.get_by_text("Signed and locked.").wait_for()

    # The signed form shows the dose given and the override with its reason.
    rems_form = RemsMonitoringForm.objects.get(session=session)
    page.get_by_role("link", name="REMS Patient Monitoring Form").click()
    page.get_by_role("heading", name="Spravato REMS Patient Monitoring Form").wait_for()
    table = page.locator("table.rems-form")
    dose_row = table.locator("tr", has=page.get_by_role("rowheader", name="Dose", exact=True))
    assert dose_row.locator("td").inner_text().strip() == "56 mg"
    override = table.locator(
        "tr", has=page.get_by_role("rowheader", name="Dose outside the protocol: prescriber override")
    ).locator("td")
    assert "Petra Prescriber" in override.inner_text() and REASON in override.inner_text()
    page.screenshot(path=str(tmp_path / "rems-form-page.png"), full_page=True)

    pdf = page.request.get(f"{live_server.url}/treatment/rems/{rems_form.pk}/pdf/")
    assert pdf.ok and pdf.headers["content-type"] == "application/pdf"
    (tmp_path / "rems-form.pdf").write_bytes(pdf.body())
    if shutil.which("pdftoppm"):
        subprocess.run(
            [
                "pdftoppm",
                "-png",
                "-r",
                "110",
                "-f",
                "1",
                "-l",
                "1",
                str(tmp_path / "rems-form.pdf"),
                str(tmp_path / "rems-form-pdf"),
            ],
            check=True,
        )
