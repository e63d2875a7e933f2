"""45 CFR 170.315(d)(13) Multi-factor authentication.

Every staff sign-in takes two factors: the password, then a code from an authenticator app (TOTP), a
one-time recovery code, or a passkey (WebAuthn). These tests drive the real pages: TOTP works and a code
is not accepted twice, a recovery code works once, a passkey's signature counter must go up, and in
Chromium a nurse adds a passkey from her account page and signs in with it through the browser's
virtual authenticator.
"""

from __future__ import annotations

import pyotp
import pytest
from django.urls import reverse

from remit.accounts import actions
from remit.accounts.models import PasskeyDevice, SealedTOTPDevice
from remit.accounts.tests.helpers import code_for, events, password_step
from remit.accounts.tests.soft_authenticator import page_options
from remit.accounts.tests.test_passkeys import add_passkey
from remit.audit import actions as audit
from remit.audit.models import AuditEvent
from remit.testing import PASSWORD, build_world, login, totp_secret


def test_a_password_alone_reaches_nothing(client, world):
    response = password_step(client, "nurse")
    assert response.status_code == 302 and response["Location"].startswith(reverse("accounts:mfa"))
    today = client.get(reverse("web:today"))
    assert today.status_code == 302 and today["Location"].startswith(reverse("accounts:login"))
    assert "_auth_user_id" not in client.session


def test_password_then_totp_signs_in_and_the_same_code_is_not_accepted_twice(client, world):
    nurse = world.users["nurse"]
    password_step(client, "nurse")
    code = code_for(nurse)
    response = client.post(reverse("accounts:mfa"), {"code": code})
    assert response.status_code == 302
    assert client.get(reverse("web:today")).status_code == 200
    assert events(audit.LOGIN_SUCCESS)[-1].detail == {"second_factor": "totp"}

    client.post(reverse("accounts:logout"))
    password_step(client, "nurse")
    again = client.post(reverse("accounts:mfa"), {"code": code})
    assert again.status_code == 200 and "not right" in again.content.decode()
    assert "_auth_user_id" not in client.session


def test_a_wrong_totp_code_is_refused_and_audited(client, world):
    nurse = world.users["nurse"]
    password_step(client, "nurse")
    wrong = f"{(int(code_for(nurse)) + 1) % 1_000_000:06d}"
    response = client.post(reverse("accounts:mfa"), {"code": wrong})
    assert response.status_code == 200
    assert events(audit.MFA_VERIFY_FAILURE)[-1].detail == {"kind": "totp"}


def test_a_recovery_code_signs_in_once_only(client, world):
    nurse = world.users["nurse"]
    codes = actions.generate_recovery_codes(user=nurse)
    password_step(client, "nurse")
    first = client.post(reverse("accounts:mfa"), {"code": codes[0].upper()[:8] + "-" + codes[0][8:]})
    assert first.status_code == 302
    assert client.get(reverse("web:today")).status_code == 200
    assert events(audit.RECOVERY_CODE_USED)[-1].detail == {"remaining": 9}

    client.post(reverse("accounts:logout"))
    password_step(client, "nurse")
    second = client.post(reverse("accounts:mfa"), {"code": codes[0]})
    assert second.status_code == 200 and "not right" in second.content.decode()
    assert "_auth_user_id" not in client.session
    assert events(audit.MFA_VERIFY_FAILURE)[-1].detail == {"kind": "recovery_code"}


def test_a_passkey_whose_counter_goes_back_is_refused_as_a_clone(client, world):
    nurse = world.users["nurse"]
    login(client, nurse)
    authenticator, _ = add_passkey(client)
    client.post(reverse("accounts:logout"))

    password_step(client, "nurse")
    options = page_options(client.get(reverse("accounts:mfa")).content)
    assert (
        client.post(
            reverse("accounts:mfa"), {"passkey_response": authenticator.sign_in(options, counter=5)}
        ).status_code
        == 302
    )
    assert PasskeyDevice.objects.get().sign_count == 5
    client.post(reverse("accounts:logout"))

    password_step(client, "nurse")
    options = page_options(client.get(reverse("accounts:mfa")).content)
    cloned = client.post(
        reverse("accounts:mfa"), {"passkey_response": authenticator.sign_in(options, counter=5)}
    )
    assert cloned.status_code == 200
    assert "That passkey could not be checked" in cloned.content.decode()
    assert "_auth_user_id" not in client.session
    assert PasskeyDevice.objects.get().sign_count == 5
    assert events(audit.MFA_VERIFY_FAILURE)[-1].detail == {"kind": "passkey"}

    options = page_options(client.get(reverse("accounts:mfa")).content)
    moved_on = client.post(
        reverse("accounts:mfa"), {"passkey_response": authenticator.sign_in(options, counter=6)}
    )
    assert moved_on.status_code == 302


def test_a_passkey_alone_is_not_a_password(client, world):
    """The passkey is the second step only: without the password step there is nobody to sign in."""
    login(client, world.users["nurse"])
    authenticator, _ = add_passkey(client)
    client.post(reverse("accounts:logout"))
    page = client.get(reverse("accounts:mfa"))
    assert page.status_code == 302 and page["Location"].startswith(reverse("accounts:login"))
    forged = authenticator.sign_in({"challenge": "c29tZXRoaW5n"})
    response = client.post(reverse("accounts:mfa"), {"passkey_response": forged})
    assert response.status_code == 302 and response["Location"].startswith(reverse("accounts:login"))
    assert "_auth_user_id" not in client.session


VIRTUAL_AUTHENTICATOR = {
    "protocol": "ctap2",
    "transport": "internal",
    "hasResidentKey": True,
    "hasUserVerification": True,
    "isUserVerified": True,
}


@pytest.mark.browser
def test_in_chromium_a_nurse_adds_a_passkey_and_signs_in_with_it(live_server, page, transactional_db):
    world = build_world()
    nurse = world.users["nurse"]
    secret = totp_secret(SealedTOTPDevice.objects.get(user=nurse))
    cdp = page.context.new_cdp_session(page)
    cdp.send("WebAuthn.enable")
    authenticator_id = cdp.send("WebAuthn.addVirtualAuthenticator", {"options": VIRTUAL_AUTHENTICATOR})[
        "authenticatorId"
    ]
    page.set_viewport_size({"width": 1280, "height": 900})

    # Sign in with password and TOTP, as today.
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("Username").fill("nurse")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Continue").click()
    page.wait_for_url("**/accounts/mfa/**")
    page.get_by_label("Code").fill(pyotp.TOTP(secret).now())
    page.get_by_role("button", name="Verify").click()
    page.wait_for_url(f"{live_server.url}/")

    # Add a passkey from the account page.
    page.get_by_role("link", name="Account").click()
    page.wait_for_url("**/accounts/settings/")
    assert page.get_by_text("You have no passkeys yet.").is_visible()
    page.get_by_role("link", name="Add a passkey").click()
    page.wait_for_url("**/accounts/passkeys/new/")
    page.screenshot(path="/tmp/d12-passkey-add-1280.png", full_page=True)
    page.get_by_role("button", name="Add passkey").click()
    assert page.get_by_text("Give the passkey a name first").is_visible()  # checked before asking the device
    page.get_by_label("Name").fill("Clinic workstation")
    page.get_by_role("button", name="Add passkey").click()
    page.wait_for_url("**/accounts/settings/")
    assert page.get_by_text("Passkey “Clinic workstation” added").is_visible()
    assert page.get_by_text("Clinic workstation", exact=True).is_visible()
    page.screenshot(path="/tmp/d12-settings-1280.png", full_page=True)
    credentials = cdp.send("WebAuthn.getCredentials", {"authenticatorId": authenticator_id})["credentials"]
    assert len(credentials) == 1
    device = PasskeyDevice.objects.get(user=nurse)
    assert device.name == "Clinic workstation"
    assert events(audit.MFA_ENROL)[-1].detail["device"] == "passkey"

    # Sign out, then password and passkey.
    page.get_by_role("button", name="Sign out").click()
    page.wait_for_url("**/accounts/login/")
    page.get_by_label("Username").fill("nurse")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Continue").click()
    page.wait_for_url("**/accounts/mfa/**")
    assert page.get_by_role("heading", name="Use a passkey").is_visible()
    assert page.get_by_label("Code").is_visible()  # offered beside the code, not instead of it
    page.screenshot(path="/tmp/d12-mfa-passkey-1280.png", full_page=True)
    page.get_by_role("button", name="Use a passkey").click()
    page.wait_for_url(f"{live_server.url}/")
    assert page.get_by_role("heading", name="Today").is_visible()

    login_row = AuditEvent.objects.filter(action=audit.LOGIN_SUCCESS).order_by("-seq").first()
    assert login_row.detail == {"second_factor": "passkey"} and login_row.actor_id == nurse.pk
    device.refresh_from_db()
    counter = cdp.send("WebAuthn.getCredentials", {"authenticatorId": authenticator_id})["credentials"][0][
        "signCount"
    ]
    assert device.sign_count == counter and device.last_used_at is not None

    # At 375 px the account page, the add page and the passkey step fit the screen.
    page.set_viewport_size({"width": 375, "height": 740})
    page.goto(f"{live_server.url}/accounts/settings/")
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    page.screenshot(path="/tmp/d12-settings-375.png", full_page=True)
    page.get_by_role("link", name="Remove passkey Clinic workstation").click()
    page.wait_for_url("**/remove/")
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    page.screenshot(path="/tmp/d12-passkey-remove-375.png", full_page=True)
    page.get_by_role("button", name="Remove passkey").click()
    page.wait_for_url("**/accounts/settings/")
    assert not PasskeyDevice.objects.filter(user=nurse).exists()
    page.goto(f"{live_server.url}/accounts/passkeys/new/")
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    page.screenshot(path="/tmp/d12-passkey-add-375.png", full_page=True)


@pytest.mark.browser
def test_in_chromium_cancelling_the_passkey_prompt_says_so_and_the_code_still_works(
    live_server, page, transactional_db
):
    world = build_world()
    nurse = world.users["nurse"]
    PasskeyDevice.objects.create(
        user=nurse,
        name="Lost key",
        credential_id="AAAAAAAAAAAAAAAAAAAAAA",
        public_key=b"x",
        user_handle="aGFuZGxl",
    )
    cdp = page.context.new_cdp_session(page)
    cdp.send("WebAuthn.enable")
    # A device that holds no passkey for this site: the browser's prompt ends without one.
    cdp.send("WebAuthn.addVirtualAuthenticator", {"options": VIRTUAL_AUTHENTICATOR})
    page.set_viewport_size({"width": 375, "height": 740})
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("Username").fill("nurse")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Continue").click()
    page.wait_for_url("**/accounts/mfa/**")
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    page.screenshot(path="/tmp/d12-mfa-passkey-375.png", full_page=True)
    page.get_by_role("button", name="Use a passkey").click()
    status = page.locator("[data-passkey-status]")
    status.wait_for(state="visible", timeout=150_000)
    assert "passkey" in status.inner_text()
    page.get_by_label("Code").fill(code_for(nurse))
    page.get_by_role("button", name="Verify").click()
    page.wait_for_url(f"{live_server.url}/")
