"""In a real browser at phone width: front desk finds a patient and sees no clinical sections; a nurse does."""

from __future__ import annotations

import pytest

from remit.patients.models import Diagnosis
from remit.patients.tests.conftest import add_records
from remit.testing import browser_sign_in, make_patient


@pytest.mark.browser
def test_front_desk_finds_a_patient_on_a_phone_and_a_nurse_sees_the_diagnoses(world, live_server, page):
    patient = make_patient(
        world.clinic,
        given_name="Quentin",
        family_name="Placeholder",
        phone="555-0142",
        emergency_contact_name="Rita Placeholder",
        emergency_contact_phone="555-0143",
    )
    make_patient(world.clinic, given_name="Other", family_name="Person")
    add_records(patient, 3, voided_by=world.users["nurse"])
    Diagnosis.objects.create(
        patient=patient, code="F33.2", description="Major depressive disorder, recurrent, severe"
    )

    page.set_viewport_size({"width": 375, "height": 800})
    browser_sign_in(page, live_server, world.users["front_desk"])
    page.goto(f"{live_server.url}/patients/")
    page.get_by_label("Name", exact=True).fill("placeh")
    page.get_by_role("button", name="Search").click()
    # The search posts and lands on an opaque handle: measure the results, not the page being left.
    page.wait_for_url("**/patients/?search=**")
    assert "placeh" not in page.url
    page.get_by_role("link", name="Placeholder, Quentin").wait_for()
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    page.screenshot(path="/tmp/list-375.png", full_page=True)
    page.get_by_role("link", name="Placeholder, Quentin").click()

    page.get_by_role("heading", name="Placeholder, Quentin", level=1).wait_for()
    assert page.get_by_role("heading", name="Demographics").is_visible()
    assert page.get_by_role("heading", name="Emergency contact").is_visible()
    body = page.locator("main").inner_text()
    assert "Rita Placeholder" in body
    for heading in ["Diagnoses", "Medications", "Antidepressant trials", "Allergies"]:
        assert heading not in body
    assert "F33.2" not in body
    # Nothing spills sideways at 375 px.
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    page.screenshot(path="/tmp/chart-375-front-desk.png", full_page=True)

    browser_sign_in(page, live_server, world.users["nurse"])
    page.goto(f"{live_server.url}/patients/{patient.pk}/")
    assert page.get_by_role("heading", name="Diagnoses").is_visible()
    assert "F33.2" in page.locator("#diagnoses").inner_text()
    assert "adequate failed" in page.locator("main").inner_text()
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    page.screenshot(path="/tmp/chart-375.png", full_page=True)
