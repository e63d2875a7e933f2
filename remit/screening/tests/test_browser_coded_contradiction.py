"""In a browser: the registry says cerebral aneurysm (I67.1) and lists phenelzine with its MAOI box unticked;
the nurse answers every vascular question "no". The prescriber sees esketamine and ketamine not eligible, with
the code and its source, and the contradictions above the sign-off.

Sources: Spravato contraindication, aneurysmal vascular disease [V], and interaction, MAOIs raise blood
pressure [V] (clinical-reference 4); I67.1 cerebral aneurysm, nonruptured (clinical-reference 8.x, ICD-10-CM
Tabular List) [V].
"""

from __future__ import annotations

from decimal import Decimal

import pytest

from remit.patients.models import Diagnosis, Medication
from remit.screening.models import Screening
from remit.screening.tests.conftest import TMS_NO, VASCULAR_NO
from remit.testing import browser_sign_in, make_patient

pytestmark = pytest.mark.browser


def test_the_prescriber_sees_a_coded_aneurysm_that_contradicts_the_intake_at_sign_off(
    live_server, page, world
):
    patient = make_patient(world.clinic)
    Diagnosis.objects.create(patient=patient, code="F33.2", status="active", description="Major depression")
    Diagnosis.objects.create(patient=patient, code="I67.1", status="active", description="Cerebral aneurysm")
    Medication.objects.create(patient=patient, name="phenelzine", daily_dose_mg=Decimal("45"))

    browser_sign_in(page, live_server, world.users["nurse"])
    page.goto(f"{live_server.url}/screening/patients/{patient.pk}/intake/")
    assert page.locator("#id_medications").input_value().strip() == "phenelzine 45 mg [classes: none]"
    page.fill("#id_bp_systolic", "122")
    page.fill("#id_bp_diastolic", "78")
    for name in ("diagnoses_known", "medications_known", "allergies_known"):
        page.check(f"#id_{name}_0")
    flags = ["pregnant", "breastfeeding", "hypersensitivity_ketamine", "bipolar_current_mania_or_psychosis"]
    flags += [f"vascular_{n}" for n in VASCULAR_NO] + [f"tms_{n}" for n in TMS_NO]
    for name in flags:
        page.check(f"#id_{name}_1")  # "No"
    for i in range(1, 4):
        page.select_option(f"#id_auditc_q{i}", "0")
    for i in range(1, 11):
        page.select_option(f"#id_dast10_q{i}", "1" if i == 3 else "0")
    page.get_by_role("button", name="Save draft and evaluate").click()
    page.wait_for_url("**/screening/*/")
    screening = Screening.objects.get(patient=patient)

    browser_sign_in(page, live_server, world.users["prescriber"])
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(f"{live_server.url}/screening/{screening.pk}/")
    card = page.locator("section.contradictions")
    assert card.is_visible()
    text = card.inner_text()
    assert 'The intake answers "no" to "Aneurysmal vascular disease' in text
    assert "I67.1" in text and "cerebral aneurysm, nonruptured" in text
    assert "Listed medicine phenelzine has its MAOI box unticked" in text
    for modality in ("esketamine", "ketamine_iv", "ketamine_im"):
        section = page.locator("section.modality", has=page.locator(f"#m-{modality}"))
        assert section.locator(".decision-badge").inner_text() == "Contraindicated"
        body = section.inner_text()
        assert "Recorded diagnosis I67.1 (active)" in body
        assert "ICD-10-CM Tabular List" in body and "clinical-reference 8.x" in body
    tms = page.locator("section.modality", has=page.locator("#m-tms"))
    assert tms.locator(".decision-badge").inner_text() == "Eligible"
    page.screenshot(path="/tmp/screening-contradiction-1280.png", full_page=False)
    page.screenshot(path="/tmp/screening-contradiction-1280-full.png", full_page=True)
