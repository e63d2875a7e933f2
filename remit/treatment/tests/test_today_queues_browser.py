"""Today's work queues in a browser, for each role, at 1280 and 375 px; and the chart with a high alert."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from remit.alerts.models import Alert
from remit.screening.models import Screening
from remit.testing import browser_sign_in, make_patient
from remit.treatment.models import Session, VitalSign
from remit.treatment.tests.test_course_support import direct_course, session_today

SHOTS = "/tmp/shots/queues"


def a_day(world) -> dict[str, Session]:
    """A ketamine session being monitored (vitals overdue), one ready to leave, a TMS session, work to sign."""
    now = timezone.now()
    nurse, prescriber = world.users["nurse"], world.users["prescriber"]
    dripping = session_today(
        direct_course(
            world,
            make_patient(world.clinic, family_name="Dripping", given_name="Dana"),
            prescriber=prescriber,
        ),
        2,
        room="Chair 1",
        status=Session.MONITORING,
        dose_started_at=now - dt.timedelta(minutes=35),
    )
    VitalSign.objects.create(
        session=dripping,
        taken_at=now - dt.timedelta(minutes=22),
        systolic=128,
        diastolic=82,
        entered_by=nurse,
    )
    leaving = session_today(
        direct_course(world, make_patient(world.clinic, family_name="Leaving", given_name="Lee")),
        4,
        room="Chair 2",
        status=Session.READY,
    )
    tms = session_today(
        direct_course(
            world, make_patient(world.clinic, family_name="Magnetic", given_name="Max"), code="tms_10hz"
        ),
        12,
        room="TMS room",
        minutes_from_now=30,
    )
    signed = session_today(
        direct_course(world, make_patient(world.clinic, family_name="Yesterday", given_name="Yan")),
        3,
        room="Chair 1",
        minutes_from_now=-300,
        status=Session.COMPLETED,
        note="Tolerated well.",
        signed_by=nurse,
        signed_at=now - dt.timedelta(hours=3),
    )
    patient = make_patient(world.clinic, family_name="Screened", given_name="Sam")
    Screening.objects.create(
        patient=patient, clinic=world.clinic, created_by=nurse, intake={}, result={}, settings_snapshot={}
    )
    Alert.objects.create(
        clinic=world.clinic,
        patient=dripping.patient,
        kind="suicidal_ideation",
        severity="high",
        reason="PHQ-9 item 9 answered 2 (more than half the days).",
        created_at=now - dt.timedelta(minutes=40),
    )
    return {"dripping": dripping, "leaving": leaving, "tms": tms, "signed": signed}


def look(page, live_server, user, name: str) -> None:
    browser_sign_in(page, live_server, user)
    for width in (1280, 375):
        page.set_viewport_size({"width": width, "height": 900})
        page.goto(f"{live_server.url}/")
        page.get_by_role("heading", name="Today", exact=True).wait_for()
        assert page.evaluate("document.documentElement.scrollWidth") <= width, width
        page.screenshot(path=f"{SHOTS}/today-{name}-{width}.png", full_page=True)


@pytest.mark.browser
def test_a_nurse_sees_vitals_due_and_discharges_and_opens_the_session_from_the_queue(
    world, live_server, page
):
    day = a_day(world)
    look(page, live_server, world.users["nurse"], "nurse")
    vitals = page.get_by_test_id("queue-vitals-due")
    assert "Dripping, Dana" in vitals.inner_text() and "overdue" in vitals.inner_text()
    assert "Leaving, Lee" in page.get_by_test_id("queue-discharges-pending").inner_text()
    vitals.get_by_role("link", name="Dripping, Dana, Chair 1").click()
    page.wait_for_url(f"**{reverse('treatment:session', args=[day['dripping'].pk])}")


@pytest.mark.browser
def test_a_prescriber_co_signs_a_nurses_note_from_the_queue(world, live_server, page):
    day = a_day(world)
    look(page, live_server, world.users["prescriber"], "prescriber")
    assert "Screened, Sam" in page.get_by_test_id("queue-screenings-to-sign").inner_text()
    assert "Suicidal ideation reported" in page.get_by_test_id("queue-open-alerts").inner_text()
    assert "Dripping, Dana" in page.get_by_test_id("queue-my-patients").inner_text()
    page.get_by_test_id("queue-notes-to-cosign").get_by_role("link").first.click()
    page.get_by_role("button", name="Co-sign").click()
    page.get_by_text("Co-signed: Yesterday's session 3.").wait_for()
    assert (
        "No notes waiting for your co-signature." in page.get_by_test_id("queue-notes-to-cosign").inner_text()
    )
    assert day["signed"].cosignature.by == world.users["prescriber"]


@pytest.mark.browser
def test_a_tms_technician_sees_only_tms_sessions(world, live_server, page):
    day = a_day(world)
    look(page, live_server, world.users["tms_technician"], "tms-technician")
    main = page.locator("main").inner_text()
    assert "Magnetic, Max" in main
    assert "Dripping" not in main and "Leaving" not in main
    hrefs = page.locator("main a").evaluate_all("links => links.map(a => a.getAttribute('href'))")
    assert reverse("treatment:session", args=[day["dripping"].pk]) not in hrefs
    assert reverse("treatment:session", args=[day["tms"].pk]) in hrefs


@pytest.mark.browser
def test_front_desk_sees_bookings_and_questionnaires_missed(world, live_server, page):
    day = a_day(world)
    look(page, live_server, world.users["front_desk"], "front-desk")
    bookings = page.get_by_test_id("queue-bookings")
    assert "Magnetic, Max" in bookings.inner_text()
    assert page.get_by_test_id("queue-questionnaires-missed").is_visible()
    assert page.get_by_test_id("queue-unsent-rems").is_visible()
    bookings.get_by_role("link").first.click()
    page.wait_for_url(f"**{reverse('treatment:session_reschedule', args=[day['tms'].pk])}")


@pytest.mark.browser
def test_the_chart_opens_with_the_high_alert_banner_on_top_and_the_latest_trajectory(
    world, live_server, page
):
    from remit.decision.tests.helpers_outcomes import day, make_course, scores
    from remit.treatment.models import Course

    patient = make_patient(world.clinic, family_name="Charted", given_name="Cam", phone="555 010 4455")
    scores(world, patient, [(-30, 21), (-24, 17), (-18, 12), (-10, 9)])
    make_course(world, patient, [day(-28 + 3 * i) for i in range(6)], status=Course.COMPLETED)
    Alert.objects.create(
        clinic=world.clinic,
        patient=patient,
        kind="suicidal_ideation",
        severity="high",
        reason="PHQ-9 item 9 answered 2 (more than half the days).",
        created_at=timezone.now() - dt.timedelta(minutes=40),
    )
    browser_sign_in(page, live_server, world.users["nurse"])
    for width in (1280, 375):
        page.set_viewport_size({"width": width, "height": 900})
        page.goto(f"{live_server.url}{reverse('patients:detail', args=[patient.pk])}")
        banner = page.get_by_test_id("high-alert-banner")
        assert banner.is_visible() and "Suicidal ideation reported" in banner.inner_text()
        assert (
            banner.bounding_box()["y"] < page.get_by_role("heading", name="Charted, Cam").bounding_box()["y"]
        )
        assert page.get_by_test_id("chart-trajectory").locator("img").is_visible()
        assert page.evaluate("document.documentElement.scrollWidth") <= width, width
        page.screenshot(path=f"{SHOTS}/chart-high-alert-{width}.png", full_page=True)
