"""The Today board in a browser: usable at 375 px, and it refreshes itself without a full reload."""

from __future__ import annotations

import pyotp
import pytest
from django.utils import timezone

from remit.accounts.models import SealedTOTPDevice
from remit.testing import PASSWORD, build_world, totp_secret
from remit.treatment.models import Session
from remit.treatment.tests.test_course_support import direct_course, session_today


@pytest.mark.browser
def test_the_board_fits_a_phone_and_polls_in_the_background(live_server, page, transactional_db):
    world = build_world()
    from remit.testing import make_patient

    course = direct_course(world, make_patient(world.clinic, family_name="Polling"))
    session = session_today(course, 1, room="Chair 3")

    page.set_viewport_size({"width": 375, "height": 740})
    page.goto(f"{live_server.url}/accounts/login/?next=/treatment/today/")
    page.get_by_label("Username").fill("nurse")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Continue").click()
    page.wait_for_url("**/accounts/mfa/**")
    device = SealedTOTPDevice.objects.get(user=world.users["nurse"])
    page.get_by_label("Code").fill(pyotp.TOTP(totp_secret(device)).now())
    page.get_by_role("button", name="Verify").click()
    page.wait_for_url("**/treatment/today/")
    assert page.get_by_role("heading", name="Chair 3").is_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= 375

    Session.objects.filter(pk=session.pk).update(status=Session.CHECKED_IN, checked_in_at=timezone.now())
    with page.expect_request("**/treatment/today/board/") as polled:
        page.evaluate("htmx.trigger('#today-board', 'every 30s')")  # no waiting 30 s in a test
    assert polled.value.headers.get("x-remit-background") == "1"
    page.get_by_text("Checked in", exact=True).wait_for()
    page.screenshot(path="/tmp/today-375.png", full_page=True)
