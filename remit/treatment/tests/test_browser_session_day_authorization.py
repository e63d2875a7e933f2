"""In a browser at 1280 px: the Today board's beyond-authorization badge, and moving a session to today."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from remit.testing import browser_sign_in, build_world, make_patient
from remit.treatment.models import Session
from remit.treatment.tests.test_course_support import direct_course, session_today


def _at(days: int, hour: int = 10) -> dt.datetime:
    day = timezone.localdate() + dt.timedelta(days=days)
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour, 0)))


@pytest.mark.browser
def test_the_today_badge_and_the_move_to_today_page(live_server, page, transactional_db):
    world = build_world()
    page.set_viewport_size({"width": 1280, "height": 900})

    # Six booked, three authorized: session 4 is today.
    over = direct_course(world, make_patient(world.clinic, family_name="Overbook"), authorised_sessions=3)
    for number in (1, 2, 3):
        session_today(over, number, status=Session.COMPLETED, scheduled_for=_at(number - 4))
    session_today(over, 4, room="Chair 2")
    for number in (5, 6):
        session_today(over, number, status=Session.BOOKED, scheduled_for=_at(number - 4))
    within = direct_course(world, make_patient(world.clinic, family_name="Covered"), authorised_sessions=6)
    session_today(within, 1, room="Chair 2")

    # Session 2 of an active course is booked three days ahead; session 1 was three days ago.
    ahead = direct_course(world, make_patient(world.clinic, family_name="Early"))
    session_today(ahead, 1, status=Session.COMPLETED, scheduled_for=_at(-3, 9))
    early = session_today(ahead, 2, scheduled_for=_at(3, 9))
    session_today(ahead, 3, scheduled_for=_at(5, 9))

    browser_sign_in(page, live_server, world.users["nurse"])
    page.goto(f"{live_server.url}/treatment/today/")
    badge = page.get_by_test_id("beyond-authorization")
    assert badge.count() == 1 and badge.is_visible()
    assert badge.get_attribute("title").startswith("It is session 4 of the course")
    page.screenshot(path="/tmp/today-beyond-authorization-1280.png", full_page=True)

    page.goto(f"{live_server.url}/treatment/sessions/{early.pk}/")
    page.wait_for_url(f"**/treatment/sessions/{early.pk}/move-to-today/")
    assert page.get_by_role("heading", level=1).inner_text().startswith("Session 2 is booked for")
    assert page.evaluate("document.documentElement.scrollWidth") <= 1280
    page.screenshot(path="/tmp/move-to-today-1280.png", full_page=True)
    page.get_by_role("button", name="Move to today and chart it").click()
    page.wait_for_url(f"**/treatment/sessions/{early.pk}/")
    page.get_by_role("button", name="Check in").wait_for()
    early.refresh_from_db()
    assert timezone.localdate(early.scheduled_for) == timezone.localdate()
