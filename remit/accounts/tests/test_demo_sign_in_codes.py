"""The demo's sign-in page lists each demo account's current code; nothing of it exists outside the demo."""

from __future__ import annotations

import pyotp
import pytest

from remit.accounts.models import SealedTOTPDevice
from remit.testing import start_django, totp_secret

pytestmark = pytest.mark.django_db


def _current_code(username: str) -> str:
    device = SealedTOTPDevice.objects.get(user__username=username, confirmed=True)
    return str(pyotp.TOTP(totp_secret(device)).now())


def test_in_demo_mode_the_sign_in_page_shows_each_demo_accounts_current_code_and_the_banner(
    client, world, settings
):
    settings.REMIT_DEMO = True
    page = client.get("/accounts/login/").content.decode()
    assert "Demo: a synthetic clinic" in page
    for username in ("prescriber", "nurse", "tms_technician", "front_desk", "clinic_admin"):
        # The code an authenticator app given the account's secret shows now (read on either side of
        # a 30-second boundary, so the test accepts the code of the step before as well).
        before = _current_code(username)
        assert f'data-username="{username}">{before}</td>' in page or (
            f'data-username="{username}">{_current_code(username)}</td>' in page
        )


def test_outside_demo_mode_the_sign_in_page_shows_no_code_and_no_banner(client, world, settings):
    settings.REMIT_DEMO = False
    page = client.get("/accounts/login/").content.decode()
    assert "demo-code" not in page
    assert "Demo accounts" not in page
    assert "Demo: a synthetic clinic" not in page
    for username in ("prescriber", "nurse"):
        assert _current_code(username) not in page


def test_the_demo_banner_is_on_the_patient_portal_too(client, settings):
    settings.REMIT_DEMO = True
    page = client.get("/p/not-a-real-link/").content.decode()
    assert "Demo: a synthetic clinic" in page


def test_every_page_links_the_favicon(client, world):
    page = client.get("/accounts/login/").content.decode()
    assert '<link rel="icon" href="/static/remit/favicon.svg" type="image/svg+xml">' in page


def test_settings_refuse_demo_mode_in_production_with_https_on():
    result = start_django({"REMIT_DEMO": "true", "REMIT_HTTPS": "true"})
    assert result.returncode != 0
    assert "REMIT_DEMO must be off when REMIT_HTTPS is on" in result.stderr


def test_settings_accept_demo_mode_without_https():
    result = start_django(
        {"REMIT_DEMO": "true", "REMIT_HTTPS": "false"},
        "from django.conf import settings; print(settings.REMIT_DEMO)",
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "True"
