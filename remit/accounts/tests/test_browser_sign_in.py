from __future__ import annotations

import pyotp
import pytest

from remit.accounts.models import SealedTOTPDevice
from remit.testing import PASSWORD, build_world, totp_secret


@pytest.mark.browser
def test_a_nurse_signs_in_with_password_and_totp_and_can_use_the_nav_at_375px(
    live_server, page, transactional_db
):
    world = build_world()
    nurse = world.users["nurse"]
    secret = totp_secret(SealedTOTPDevice.objects.get(user=nurse))

    page.set_viewport_size({"width": 375, "height": 740})
    page.goto(f"{live_server.url}/")
    assert "/accounts/login/" in page.url
    page.get_by_label("Username").fill("nurse")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Continue").click()

    page.wait_for_url("**/accounts/mfa/**")
    page.get_by_label("Code").fill(pyotp.TOTP(secret).now())
    page.get_by_role("button", name="Verify").click()

    page.wait_for_url(f"{live_server.url}/")
    assert page.get_by_role("heading", name="Today").is_visible()

    # The stylesheet is in force (the CSP allows only same-origin styles).
    assert page.evaluate("getComputedStyle(document.querySelector('.topbar')).display") == "flex"
    nav = page.get_by_role("navigation", name="Main")
    patients = nav.get_by_role("link", name="Patients")
    assert patients.is_visible()
    box = patients.bounding_box()
    assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= 375
    # Nothing runs off the side of a phone screen.
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    account = page.get_by_role("link", name="Account")
    assert account.is_visible()
    page.screenshot(path="/tmp/accounts-375.png", full_page=True)

    account.click()
    page.wait_for_url("**/accounts/settings/")
    assert page.get_by_role("heading", name="Your account").is_visible()
    page.get_by_role("button", name="Sign out").click()
    page.wait_for_url("**/accounts/login/")
