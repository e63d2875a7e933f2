"""The TMS technician's routine session (no motor threshold to determine), from Today to signed, counted."""

# ruff: noqa: F811  (the ``clock`` fixture is imported from factories)

from __future__ import annotations

import datetime as dt
import os

import pytest
from django.utils import timezone

from remit.testing import browser_sign_in, count_user_actions
from remit.treatment.models import Session

from .factories import clock, make_session, motor_threshold  # noqa: F401

SHOTS = "/tmp/shots/safety"
GOAL = 10


def _routine_session(world, clock):
    """Today's TMS session 2 of a course: session 1 signed yesterday with the coil at Beam F3; the motor
    threshold determined two days ago (no reminder)."""
    now = clock.set(timezone.now().replace(second=0, microsecond=0))
    tech = world.users["tms_technician"]
    session = make_session(world, "tms", number=2, scheduled_for=now)
    motor_threshold(session.patient, tech, pct=55, on=timezone.localdate(now) - dt.timedelta(days=2))
    Session.objects.create(
        course=session.course,
        patient=session.patient,
        clinic=session.clinic,
        modality="tms",
        number=1,
        scheduled_for=now - dt.timedelta(days=1),
        room="Chair 1",
        status=Session.COMPLETED,
        coil_site_method="beam_f3",
        coil_coordinates="F3",
    )
    return session


@pytest.mark.browser
@pytest.mark.parametrize("width", [1280, 375])
def test_a_technician_charts_a_routine_tms_session_from_today_to_signed_in_ten_actions(
    world, live_server, page, clock, width
):
    """10 Hz at 120% of motor threshold, 3000 pulses (clinical-reference §5, O'Reardon 2007); the daily
    check before stimulation (§5 safety screening); the stimulation must last at least the protocol's
    minimum (18 min 34 s here)."""
    os.makedirs(SHOTS, exist_ok=True)
    session = _routine_session(world, clock)
    page.set_viewport_size({"width": width, "height": 900})
    browser_sign_in(page, live_server, world.users["tms_technician"])
    page.goto(f"{live_server.url}/treatment/today/")
    with count_user_actions() as actions:
        page.locator(f'a[href="/treatment/sessions/{session.pk}/"]').first.click()
        page.get_by_role("button", name="Check in").click()
        page.get_by_text("Checked in.").wait_for()
        page.get_by_label("Hours of sleep last night").fill("7")
        check = page.locator("#checklist")
        check.get_by_role("group", name="Alcohol in the last 24 hours?").get_by_label("No").check()
        check.get_by_role("group", name="Any medication change since the last session?").get_by_label(
            "No"
        ).check()
        check.get_by_role("group", name="Any seizure since the last session?").get_by_label("No").check()
        page.get_by_role("button", name="Save checklist").click()
        page.get_by_text("Checklist saved.").wait_for()
        assert page.get_by_label("Coil site method").input_value() == "beam_f3"  # as last session
        page.screenshot(path=f"{SHOTS}/tms-before-start-{width}.png", full_page=True)
        page.get_by_role("button", name="Save and start stimulation").click()
        page.get_by_text("Stimulation started at 66% machine output.").wait_for()
        clock.advance(minutes=19)
        assert page.get_by_label("Pulses delivered").input_value() == "3000"  # the planned pulses
        page.get_by_role("button", name="End stimulation").click()
        page.get_by_text("Stimulation ended.").wait_for()
        page.get_by_role("button", name="Complete and sign").click()
        page.get_by_text("Session completed, signed and locked.").wait_for()
    print(f"TMS routine session at {width} px: {actions.summary()}")
    page.screenshot(path=f"{SHOTS}/tms-signed-{width}.png", full_page=True)
    stored = Session.objects.get(pk=session.pk)
    assert stored.is_signed and stored.pulses_delivered == 3000 and stored.machine_output_pct == 66
    assert actions.total <= GOAL
    assert page.evaluate("document.documentElement.scrollWidth") <= width


@pytest.mark.browser
def test_ending_3000_pulses_after_two_seconds_is_refused_on_the_page(world, live_server, page, clock):
    """The least time of 3000 pulses at 10 Hz (clinical-reference §5): 18 min 34 s."""
    session = _routine_session(world, clock)
    browser_sign_in(page, live_server, world.users["tms_technician"])
    page.goto(f"{live_server.url}/treatment/sessions/{session.pk}/")
    page.get_by_role("button", name="Check in").click()
    page.get_by_text("Checked in.").wait_for()  # the page saves in place: wait for its answer
    page.get_by_label("Hours of sleep last night").fill("7")
    check = page.locator("#checklist")
    for question in (
        "Alcohol in the last 24 hours?",
        "Any medication change since the last session?",
        "Any seizure since the last session?",
    ):
        check.get_by_role("group", name=question).get_by_label("No").check()
    page.get_by_role("button", name="Save checklist").click()
    page.get_by_text("Checklist saved.").wait_for()
    page.get_by_role("button", name="Save and start stimulation").click()
    page.get_by_text("Stimulation started at").wait_for()
    clock.advance(seconds=2)
    page.get_by_role("button", name="End stimulation").click()
    page.get_by_text("take at least 18 min 34 s").first.wait_for()
    assert Session.objects.get(pk=session.pk).dose_ended_at is None
    assert page.get_by_role("button", name="End stimulation").is_visible()  # still a page
