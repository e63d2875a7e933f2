"""Counted in a browser: a nurse charts a routine IV ketamine session from Today to signed in at most 25 actions.

The clinic's monitoring time and vitals interval are clinic settings (example values in
``../shared/clinical-reference.md`` are marked for the medical director to confirm); this clinic monitors
for 60 minutes from the start of the infusion with vitals every 20 minutes, so four readings
(0, 20, 40 and 60 minutes) keep the vitals within the interval up to discharge.
"""

# ruff: noqa: F811  (the ``clock`` fixture is imported from factories)

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from remit.measures.models import Assessment
from remit.patients.models import WeightEntry
from remit.testing import browser_sign_in, count_user_actions, make_patient
from remit.treatment.models import ClinicTreatmentSettings, Session, VitalSign

from .factories import clock, make_session  # noqa: F401

GOAL = 25


@pytest.mark.browser
def test_a_routine_iv_ketamine_session_from_today_to_signed_takes_at_most_25_actions(
    world, live_server, page, clock
):
    """Check-in, checklist, dose, four vitals within range, CADSS-6, MOAA/S, end, discharge and sign."""
    ClinicTreatmentSettings.objects.update_or_create(
        clinic=world.clinic, defaults={"ketamine_monitoring_minutes": 60, "vitals_interval_minutes": 20}
    )
    start = timezone.localtime(timezone.now()).replace(second=0, microsecond=0)
    if start.hour >= 21:  # the session and its two hours of charting stay on today's board
        start = start.replace(hour=9, minute=0)
    clock.set(start)
    patient = make_patient(world.clinic, family_name="Ivers", given_name="Ada")
    WeightEntry.objects.create(
        patient=patient, measured_on=start.date() - dt.timedelta(days=7), weight_kg=Decimal("72.5")
    )
    session = make_session(world, "ketamine_iv", patient=patient, scheduled_for=start)
    browser_sign_in(page, live_server, world.users["nurse"])
    page.goto(f"{live_server.url}/treatment/today/")

    with count_user_actions() as actions:
        page.get_by_role("button", name="Check in Ivers, Ada").click()
        page.get_by_text("Checked in.").wait_for()
        page.get_by_label("Negative today").check()
        page.get_by_role("button", name="All confirmed").click()
        page.get_by_text("Checklist saved.").wait_for()

        page.get_by_label("Concentration (mg/mL)").fill("10")
        page.get_by_role("button", name="Calculate dose").click()
        assert "36.3 mg" in page.get_by_test_id("dose-preview").inner_text()
        page.get_by_role("button", name="Confirm and start infusion").click()
        page.get_by_text("Dose confirmed and charted; infusion started.").wait_for()

        page.get_by_label("Blood pressure (mmHg)").fill("128/80")
        page.get_by_label("Heart rate (/min)").fill("74")
        page.get_by_label("SpO2 (%)").fill("98")
        page.get_by_label("Respiratory rate (/min)").fill("14")
        page.get_by_role("button", name="Save vitals").click()
        page.get_by_text("Vital signs saved.").wait_for()
        for n, minutes in enumerate((20, 40), start=1):
            clock.set(start, minutes=minutes + 1)
            page.get_by_role("button", name="Within range, same as last").click()
            page.locator(".vitals-table tbody tr").nth(n).wait_for()  # the new row, not the last message

        for item in ("q1", "q2", "q6", "q7", "q15", "q22"):
            page.locator(f"#id_cadss6-{item}").select_option("1")
        page.locator("#id_moaas-score").select_option("4")
        page.get_by_role("button", name="Save ratings").click()
        page.get_by_text("CADSS-6 and MOAA/S saved.").wait_for()
        page.set_viewport_size({"width": 1280, "height": 900})
        page.screenshot(path="/tmp/shots/chart/ketamine-mid-infusion-1280.png")
        page.set_viewport_size({"width": 375, "height": 800})
        page.screenshot(path="/tmp/shots/chart/ketamine-mid-infusion-375.png")
        assert page.evaluate("document.documentElement.scrollWidth") <= 375
        page.set_viewport_size({"width": 1280, "height": 900})
        page.get_by_role("button", name="End infusion").click()
        page.get_by_text("Dosing ended; monitoring continues.").wait_for()

        clock.set(start, minutes=61)
        page.get_by_role("button", name="Within range, same as last").click()
        page.locator(".vitals-table tbody tr").nth(3).wait_for()
        page.get_by_role("button", name="All criteria met").click()
        page.get_by_text("Patient discharged.").wait_for()
        page.get_by_role("button", name="Sign and lock").click()
        page.get_by_text("Signed and locked.").wait_for()

    print("routine IV ketamine, Today to signed:", actions.summary())
    signed = Session.objects.get(pk=session.pk)
    assert signed.is_signed and signed.signed_by == world.users["nurse"]
    assert signed.dose_mg == Decimal("36.3") and signed.dose_started_at == start
    assert VitalSign.objects.filter(session=session, breaches=[]).count() == 4
    assert sorted(
        Assessment.objects.filter(session_id=str(session.pk)).values_list("instrument", flat=True)
    ) == [
        "cadss6",
        "moaas",
    ]
    assert actions.total <= GOAL, actions.summary()
