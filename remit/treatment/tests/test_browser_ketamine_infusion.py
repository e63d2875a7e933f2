"""In a browser with a controlled clock: a nurse charts a full IV ketamine infusion, a prescriber signs, an amendment keeps the original."""

# ruff: noqa: F811  (the ``clock`` fixture is imported from factories)

from __future__ import annotations

import pytest

from remit.alerts.models import Alert
from remit.measures.models import Assessment
from remit.testing import browser_sign_in, make_patient
from remit.treatment.models import Amendment, Session, SessionAction

from .factories import clock, make_session  # noqa: F401


def vitals(page, systolic, diastolic, hr, spo2, rr):
    page.get_by_label("Blood pressure (mmHg)").fill(f"{systolic}/{diastolic}")
    page.get_by_label("Heart rate (/min)").fill(str(hr))
    page.get_by_label("SpO2 (%)").fill(str(spo2))
    page.get_by_label("Respiratory rate (/min)").fill(str(rr))
    page.get_by_role("button", name="Save vitals").click()
    page.get_by_text("Vital signs saved.").wait_for()


@pytest.mark.browser
def test_a_nurse_charts_a_full_infusion_and_a_prescriber_signs(world, live_server, page, clock):
    patient = make_patient(world.clinic, family_name="Ivers", given_name="Ada", sex_at_birth="female")
    session = make_session(world, "ketamine_iv", patient=patient)
    url = f"{live_server.url}/treatment/sessions/{session.pk}/"
    page.set_viewport_size({"width": 375, "height": 900})
    browser_sign_in(page, live_server, world.users["nurse"])
    page.goto(url)
    page.get_by_role("heading", name="Ketamine (IV) · session 1").wait_for()

    page.get_by_role("button", name="Check in").click()
    page.get_by_text("Checked in.").wait_for()
    for label in (
        "Fasting as instructed",
        "Escort home confirmed",
        "No new medications since the last session",
        "Pre-dose questionnaire done",
    ):
        page.get_by_label(label).check()
    page.get_by_label("Negative today").check()
    page.get_by_role("button", name="Save checklist").click()
    page.get_by_text("Checklist saved.").wait_for()

    # Dose: computed and shown before it is confirmed.
    page.get_by_label("Today's weight (kg)").fill("72.5")
    assert page.get_by_label("Dose (mg/kg)").input_value() == "0.50"
    page.get_by_label("Concentration (mg/mL)").fill("10")
    page.get_by_role("button", name="Calculate dose").click()
    preview = page.get_by_test_id("dose-preview")
    preview.wait_for()
    assert "36.3 mg" in preview.inner_text() and "3.63 mL" in preview.inner_text()
    assert "5.4 mL/h" in preview.inner_text()
    assert Session.objects.get(pk=session.pk).dose_mg is None
    page.get_by_role("button", name="Confirm dose").click()
    page.get_by_text("Dose confirmed and charted.").wait_for()
    page.get_by_role("button", name="Start infusion").click()
    page.get_by_text("Infusion started.").wait_for()

    vitals(page, 128, 80, 74, 98, 14)
    assert "Next vitals due at 09:15" in page.get_by_test_id("vitals-due").inner_text()
    clock.advance(minutes=15)
    vitals(page, 186, 104, 96, 97, 16)  # above the example systolic limit of 180
    alert = Alert.objects.get(patient=patient)
    assert (alert.kind, alert.severity) == ("vitals_threshold", "high")
    page.get_by_text("Action required", exact=True).first.wait_for()
    page.screenshot(path="/tmp/infusion-375.png", full_page=True)
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    page.get_by_label("Action taken for this reading").select_option("slowed")
    page.get_by_label("Action detail (e.g. drug and dose given)").fill("Rate halved to 2.7 mL/h")
    page.get_by_role("button", name="Record action").click()
    page.get_by_text("Action recorded.").wait_for()
    assert SessionAction.objects.get(session=session).kind == "slowed"

    clock.advance(minutes=15)
    vitals(page, 150, 90, 84, 98, 14)
    clock.advance(minutes=10)  # 40 minutes after the start: CADSS-6 and MOAA/S
    for item in ("q1", "q2", "q6", "q7", "q15", "q22"):
        page.locator(f"#id_cadss6-{item}").select_option("1")
    page.locator("#id_moaas-score").select_option("4")
    page.get_by_role("button", name="Save ratings").click()
    page.get_by_text("saved.").first.wait_for()
    assert sorted(
        Assessment.objects.filter(session_id=str(session.pk)).values_list("instrument", "total")
    ) == [
        ("cadss6", 6),
        ("moaas", 4),
    ]
    page.get_by_role("button", name="End infusion").click()
    page.get_by_text("Dosing ended; monitoring continues.").wait_for()
    clock.advance(minutes=15)
    vitals(page, 132, 82, 76, 98, 14)
    page.get_by_label("Session note").fill("Infusion tolerated; transient BP rise after 15 minutes.")
    page.get_by_role("button", name="Save note").click()
    page.get_by_text("Note saved.").wait_for()

    clock.advance(minutes=66)  # 121 minutes from the start
    vitals(page, 128, 78, 72, 98, 14)  # discharge needs a reading within the interval
    page.get_by_label("Alert and oriented").check()
    page.get_by_label("Vital signs within the clinic's range").check()
    page.get_by_label("Escort present to take the patient home").check()
    page.get_by_role("button", name="Discharge").click()
    page.get_by_text("Patient discharged.").wait_for()
    assert "121 minutes" in page.get_by_test_id("total-monitoring").inner_text()

    browser_sign_in(page, live_server, world.users["prescriber"])
    page.goto(url)
    page.get_by_role("button", name="Sign and lock").click()
    page.get_by_text("Signed and locked.").wait_for()
    signed = Session.objects.get(pk=session.pk)
    assert signed.signed_by == world.users["prescriber"] and signed.status == Session.COMPLETED

    page.get_by_label("Amendment text").fill("The 09:15 reading was taken on the right arm.")
    page.get_by_role("button", name="Add amendment").click()
    page.get_by_text("Amendment added; the signed note is unchanged.").wait_for()
    assert "right arm" in page.get_by_test_id("amendments").inner_text()
    assert "transient BP rise" in page.get_by_test_id("session-note").inner_text()
    assert Session.objects.get(pk=session.pk).note.startswith("Infusion tolerated")
    assert Amendment.objects.filter(session=session).count() == 1
