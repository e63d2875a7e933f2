"""Counted in a browser: a nurse charts an esketamine session from Today to a submitted REMS Patient
Monitoring Form in at most 35 actions.

Spravato REMS (``../shared/clinical-reference.md``): blood pressure before dosing, at about 40 minutes and
before discharge; devices 5 minutes apart; at least 2 hours of monitoring from the first device; the
Patient Monitoring Form submitted after the session. The vitals interval is a clinic setting; this clinic
takes vitals every 30 minutes, so readings at 40, 70, 100 and 120 minutes stay within it.
"""

# ruff: noqa: F811  (the ``clock`` fixture is imported from factories)

from __future__ import annotations

import pytest
from django.utils import timezone

from remit.testing import browser_sign_in, count_user_actions, make_patient
from remit.treatment import monitoring
from remit.treatment.models import ClinicTreatmentSettings, RemsMonitoringForm, Session

from .factories import clock, enrol, make_session  # noqa: F401

GOAL = 35


@pytest.mark.browser
def test_an_esketamine_session_from_today_to_a_submitted_rems_form_takes_at_most_35_actions(
    world, live_server, page, clock
):
    """Check-in, checklist, BP before dosing, dose, two devices, BP at 40 minutes and before completion,
    REMS observations, completion at 120 minutes, signature, the REMS form marked submitted."""
    ClinicTreatmentSettings.objects.update_or_create(
        clinic=world.clinic, defaults={"vitals_interval_minutes": 30}
    )
    start = timezone.localtime(timezone.now()).replace(second=0, microsecond=0)
    if start.hour >= 21:  # the session and its two hours of charting stay on today's board
        start = start.replace(hour=9, minute=0)
    clock.set(start)
    nurse = world.users["nurse"]
    nurse.email = "nora@clinic.example"  # the monitoring provider's contact on the REMS form
    nurse.save()
    patient = make_patient(world.clinic, family_name="Esk", given_name="Ben", sex_at_birth="male")
    enrol(patient, nurse)  # enrolled in the REMS when the course was planned
    session = make_session(world, "esketamine", patient=patient, scheduled_for=start)
    browser_sign_in(page, live_server, nurse)
    page.goto(f"{live_server.url}/treatment/today/")

    with count_user_actions() as actions:
        page.get_by_role("button", name="Check in Esk, Ben").click()
        page.get_by_text("Checked in.").wait_for()
        page.get_by_role("button", name="All confirmed").click()
        page.get_by_text("Checklist saved.").wait_for()
        page.get_by_label("Blood pressure (mmHg)").fill("124/78")
        page.get_by_label("Heart rate (/min)").fill("70")
        page.get_by_label("SpO2 (%)").fill("98")
        page.get_by_label("Respiratory rate (/min)").fill("14")
        page.get_by_role("button", name="Save vitals").click()
        page.get_by_text("Vital signs saved.").wait_for()
        page.get_by_role("button", name="Set today's dose").click()
        page.get_by_text("Today's dose set: 56 mg.").wait_for()

        page.get_by_label("Lot number").fill("LOT-4471")
        page.get_by_role("button", name="Give device 1 (28 mg)").click()
        page.get_by_text("Device 1 given (28 mg).").wait_for()
        first = monitoring.first_device_at(Session.objects.get(pk=session.pk))
        clock.set(first, minutes=5)
        page.get_by_role("button", name="Give device 2 (28 mg)").click()
        page.get_by_text("Device 2 given (28 mg).").wait_for()
        page.get_by_role("button", name="Dosing finished").click()
        page.get_by_text("Dosing ended; monitoring continues.").wait_for()

        for n, minutes in enumerate((40, 70, 100, 120), start=1):
            clock.set(first, minutes=minutes)
            page.get_by_role("button", name="Within range, same as last").click()
            page.locator(".vitals-table tbody tr").nth(n).wait_for()  # the new row, not the last message

        form = page.locator("#rems-answers")
        form.get_by_role("group", name="Sedation observed?").get_by_label("No").check()
        form.get_by_role("group", name="Dissociation observed?").get_by_label("Yes").check()
        form.get_by_role("group", name="Dissociation resolved?").get_by_label("Yes").check()
        form.get_by_role("group", name="Respiratory depression observed?").get_by_label("No").check()
        form.get_by_label("Without the 2-hour minimum").fill("75")
        form.get_by_role("group", name="Vital signs acceptable before dosing?").get_by_label("Yes").check()
        form.get_by_role("group", name="Vital signs acceptable before completion?").get_by_label(
            "Yes"
        ).check()
        form.get_by_label("Healthcare setting address").fill("12 Elm Street, Springfield")
        form.get_by_role("button", name="Save REMS observations").click()
        page.get_by_text("REMS observations saved.").wait_for()

        page.get_by_role("button", name="All criteria met").click()
        page.get_by_text("Session completed.").wait_for()
        page.get_by_role("button", name="Sign and lock").click()
        page.get_by_text("Signed and locked.").wait_for()

        page.get_by_role("link", name="REMS Patient Monitoring Form").click()
        page.get_by_label("REMS confirmation or fax reference").fill("FAX-20301")
        page.get_by_role("button", name="Mark submitted").click()
        page.get_by_text("REMS form marked submitted.").wait_for()

    print("esketamine with the REMS form submitted:", actions.summary())
    done = Session.objects.get(pk=session.pk)
    assert done.is_signed and done.dose_mg == 56 and len(done.devices) == 2
    slots = monitoring.bp_slots(done, done.vitals.filter(voided_at__isnull=True))
    assert slots["pre_dose"] and slots["forty"] and slots["pre_discharge"]
    assert RemsMonitoringForm.objects.get(session=session).submitted_at is not None
    assert actions.total <= GOAL, actions.summary()
