"""In a browser: a nurse enters an intake for a patient with schizophrenia, a prescriber reviews and signs,
and the gate refuses ketamine (IV) with the reason and allows TMS."""

from __future__ import annotations

import pytest

from remit.core.screening import RULES_BY_ID
from remit.core.screening.wording import plain_source
from remit.patients.models import Diagnosis
from remit.screening.gate import check_gate
from remit.screening.models import Screening
from remit.screening.tests.conftest import TMS_NO, VASCULAR_NO
from remit.testing import browser_sign_in, make_patient

pytestmark = pytest.mark.browser


def test_a_nurse_enters_and_a_prescriber_signs_a_screening(live_server, page, world):
    patient = make_patient(world.clinic)
    Diagnosis.objects.create(patient=patient, code="F20.9", status="active", description="Schizophrenia")

    # The nurse enters the intake: every fact answered "no" or normal.
    browser_sign_in(page, live_server, world.users["nurse"])
    page.goto(f"{live_server.url}/screening/patients/{patient.pk}/intake/")
    assert page.locator("#id_diagnoses").input_value().strip() == "F20.9 active"
    page.fill("#id_bp_systolic", "122")
    page.fill("#id_bp_diastolic", "78")
    for name in ("diagnoses_known", "medications_known", "allergies_known"):
        page.check(f"#id_{name}_0")  # confirmed complete
    flags = ["pregnant", "breastfeeding", "hypersensitivity_ketamine", "bipolar_current_mania_or_psychosis"]
    flags += [f"vascular_{n}" for n in VASCULAR_NO] + [f"tms_{n}" for n in TMS_NO]
    for name in flags:
        page.check(f"#id_{name}_1")  # "No"
    for i in range(1, 4):
        page.select_option(f"#id_auditc_q{i}", "0")
    for i in range(1, 11):
        page.select_option(f"#id_dast10_q{i}", "1" if i == 3 else "0")  # q3 "able to stop": yes
    page.get_by_role("button", name="Save draft and evaluate").click()
    page.wait_for_url("**/screening/*/")
    screening = Screening.objects.get(patient=patient)
    assert screening.status == "draft"

    # The prescriber reviews: ketamine contraindicated with its reason and source, TMS eligible.
    browser_sign_in(page, live_server, world.users["prescriber"])
    page.set_viewport_size({"width": 375, "height": 800})
    page.goto(f"{live_server.url}/screening/{screening.pk}/")
    rule = RULES_BY_ID["psychotic_disorder_f20_f29"]
    ketamine = page.locator("section.modality", has=page.locator("#m-ketamine_iv"))
    assert ketamine.locator(".decision-badge").inner_text() == "Contraindicated"
    assert rule.message in ketamine.inner_text()
    assert plain_source(rule.source) in ketamine.inner_text()
    tms = page.locator("section.modality", has=page.locator("#m-tms"))
    assert tms.locator(".decision-badge").inner_text() == "Eligible"
    page.screenshot(path="/tmp/screening-375.png", full_page=True)

    # Accept the eligible one, decline the ketamine treatments, override nothing; sign.
    page.check("#id_tms_decision_0")
    for modality in ("ketamine_iv", "ketamine_im", "esketamine"):
        page.check(f"#id_{modality}_decision_1")
    page.get_by_role("button", name="Sign screening").click()
    page.wait_for_load_state()
    assert "Screening signed." in page.content()
    assert page.locator(".signed-by").inner_text().startswith("Prescriber Persona on")

    ketamine_gate = check_gate(patient, "ketamine_iv")
    assert not ketamine_gate.allowed
    assert ketamine_gate.reason.startswith("Ketamine (IV) is contraindicated: Schizophrenia spectrum")
    assert check_gate(patient, "tms").allowed

    # In the app: the ketamine course is refused with the reason, the TMS course is planned.
    page.set_viewport_size({"width": 1200, "height": 900})
    page.goto(f"{live_server.url}/treatment/patients/{patient.pk}/courses/new/?modality=ketamine_iv")
    assert "Schizophrenia spectrum" in page.locator("section.gate").inner_text()
    page.get_by_role("button", name="Plan the course").click()
    page.wait_for_load_state()
    assert "The screening gate refused this course: nothing was saved" in page.content()
    assert not patient.courses.exists()
    page.goto(f"{live_server.url}/treatment/patients/{patient.pk}/courses/new/?modality=tms")
    page.get_by_role("button", name="Plan the course").click()
    page.wait_for_load_state()
    course = patient.courses.get()
    assert course.modality == "tms"
    assert page.url.endswith(f"/treatment/courses/{course.pk}/")
