"""Passkeys (WebAuthn) as a second factor, with py_webauthn doing the cryptography.

Two ceremonies, each a challenge the server makes, keeps in the session and checks once:

* adding a passkey (``registration_options`` → the browser's ``navigator.credentials.create`` →
  ``verify_registration``), from the account page;
* signing in with it after the password (``authentication_options`` →
  ``navigator.credentials.get`` → ``verify_authentication``), offered beside the TOTP code.

The relying party id is ``REMIT_WEBAUTHN_RP_ID`` (default: the host the request came to) and the
expected origin ``REMIT_WEBAUTHN_ORIGIN`` (default: the request's own scheme and host). The library
checks the challenge, origin, relying party, user presence, signature and that the signature
counter went up (a counter that does not is a cloned authenticator, and is refused).
"""

from __future__ import annotations

import logging
import secrets
import time
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.http import HttpRequest
from django.http.request import split_domain_port
from webauthn import (
    generate_authentication_options,
    generate_registration_options,
    options_to_json,
    verify_authentication_response,
    verify_registration_response,
)
from webauthn.helpers import (
    base64url_to_bytes,
    bytes_to_base64url,
    parse_authentication_credential_json,
    parse_registration_credential_json,
)
from webauthn.helpers.exceptions import WebAuthnException
from webauthn.helpers.structs import (
    AuthenticatorSelectionCriteria,
    AuthenticatorTransport,
    CredentialDeviceType,
    PublicKeyCredentialDescriptor,
    ResidentKeyRequirement,
    UserVerificationRequirement,
)

from remit.accounts.models import PasskeyDevice, User

log = logging.getLogger(__name__)

REGISTER_KEY = "remit_passkey_registration"
AUTHENTICATE_KEY = "remit_passkey_authentication"
# A challenge is answered within this long, or a new one is made.
CHALLENGE_SECONDS = 5 * 60
TIMEOUT_MS = 120_000


class PasskeyError(Exception):
    """The browser's answer was refused; the message says why in plain words."""


@dataclass(frozen=True)
class NewPasskey:
    credential_id: str
    public_key: bytes
    sign_count: int
    user_handle: str
    transports: list[str]
    backed_up: bool


def rp_id(request: HttpRequest) -> str:
    if settings.REMIT_WEBAUTHN_RP_ID:
        return str(settings.REMIT_WEBAUTHN_RP_ID)
    domain, _port = split_domain_port(request.get_host())
    return domain


def expected_origin(request: HttpRequest) -> str:
    if settings.REMIT_WEBAUTHN_ORIGIN:
        return str(settings.REMIT_WEBAUTHN_ORIGIN)
    return f"{request.scheme}://{request.get_host()}"


def _descriptors(user: User) -> list[PublicKeyCredentialDescriptor]:
    known = {t.value for t in AuthenticatorTransport}
    return [
        PublicKeyCredentialDescriptor(
            id=base64url_to_bytes(device.credential_id),
            transports=[AuthenticatorTransport(t) for t in device.transports if t in known] or None,
        )
        for device in PasskeyDevice.objects.filter(user=user, confirmed=True).order_by("pk")
    ]


def _remember(request: HttpRequest, key: str, user: User, challenge: bytes, **extra: object) -> None:
    request.session[key] = {
        "challenge": bytes_to_base64url(challenge),
        "user_id": user.pk,
        "at": time.time(),
        **extra,
    }


def _take(request: HttpRequest, key: str, user: User) -> dict[str, object]:
    """The challenge made for this user, used up: each is answered at most once."""
    state = request.session.pop(key, None)
    if not state or state.get("user_id") != user.pk:
        raise PasskeyError("That passkey request was not started here. Try again.")
    if time.time() - float(state.get("at", 0)) > CHALLENGE_SECONDS:
        raise PasskeyError("That passkey request took too long. Try again.")
    return dict(state)


def user_handle(user: User) -> str:
    """The WebAuthn user id: random bytes kept with the user's passkeys, never the username."""
    existing = (
        PasskeyDevice.objects.filter(user=user).exclude(user_handle="").values_list("user_handle", flat=True)
    ).first()
    return existing or bytes_to_base64url(secrets.token_bytes(32))


def registration_options(request: HttpRequest, user: User) -> str:
    """The options ``navigator.credentials.create`` takes, as JSON; the challenge is kept in the session."""
    handle = user_handle(user)
    options = generate_registration_options(
        rp_id=rp_id(request),
        rp_name=str(settings.OTP_TOTP_ISSUER or "Remit"),
        user_id=base64url_to_bytes(handle),
        user_name=user.get_username(),
        user_display_name=user.get_full_name() or user.get_username(),
        timeout=TIMEOUT_MS,
        authenticator_selection=AuthenticatorSelectionCriteria(
            resident_key=ResidentKeyRequirement.PREFERRED,
            user_verification=UserVerificationRequirement.PREFERRED,
        ),
        exclude_credentials=_descriptors(user),
    )
    _remember(request, REGISTER_KEY, user, options.challenge, user_handle=handle)
    return options_to_json(options)


def verify_registration(request: HttpRequest, user: User, response_json: str) -> NewPasskey:
    state = _take(request, REGISTER_KEY, user)
    if not response_json:
        raise PasskeyError("Your browser did not make a passkey. Try again, or use another device.")
    try:
        credential = parse_registration_credential_json(response_json)
        verified = verify_registration_response(
            credential=credential,
            expected_challenge=base64url_to_bytes(str(state["challenge"])),
            expected_rp_id=rp_id(request),
            expected_origin=expected_origin(request),
        )
    except (WebAuthnException, ValueError, KeyError, TypeError) as error:
        log.warning("passkey registration refused for user %s: %s", user.pk, error)
        raise PasskeyError("The passkey could not be checked, so it was not added. Try again.")
    transports = [t.value for t in (credential.response.transports or [])]
    return NewPasskey(
        credential_id=bytes_to_base64url(verified.credential_id),
        public_key=verified.credential_public_key,
        sign_count=verified.sign_count,
        user_handle=str(state["user_handle"]),
        transports=transports,
        backed_up=verified.credential_backed_up,
    )


def has_passkeys(user: User) -> bool:
    return PasskeyDevice.objects.filter(user=user, confirmed=True).exists()


def authentication_options(request: HttpRequest, user: User) -> str:
    """The options ``navigator.credentials.get`` takes (this user's passkeys only), as JSON."""
    options = generate_authentication_options(
        rp_id=rp_id(request),
        timeout=TIMEOUT_MS,
        allow_credentials=_descriptors(user),
        user_verification=UserVerificationRequirement.PREFERRED,
    )
    _remember(request, AUTHENTICATE_KEY, user, options.challenge)
    return options_to_json(options)


def verify_authentication(request: HttpRequest, user: User, response_json: str) -> PasskeyDevice:
    """The user's passkey that signed this challenge, its counter moved on; PasskeyError otherwise."""
    state = _take(request, AUTHENTICATE_KEY, user)
    if not response_json:
        raise PasskeyError("Your browser did not use a passkey. Try again, or enter a code.")
    try:
        credential = parse_authentication_credential_json(response_json)
    except (WebAuthnException, ValueError, KeyError, TypeError):
        raise PasskeyError("That passkey answer could not be read. Try again.")
    credential_id = bytes_to_base64url(credential.raw_id)
    with transaction.atomic():
        device = (
            PasskeyDevice.objects.select_for_update()
            .filter(user=user, confirmed=True, credential_id=credential_id)
            .first()
        )
        if device is None:
            raise PasskeyError("That passkey is not one of yours here. Use another, or enter a code.")
        try:
            verified = verify_authentication_response(
                credential=credential,
                expected_challenge=base64url_to_bytes(str(state["challenge"])),
                expected_rp_id=rp_id(request),
                expected_origin=expected_origin(request),
                credential_public_key=bytes(device.public_key),
                credential_current_sign_count=device.sign_count,
            )
        except WebAuthnException as error:
            log.warning("passkey sign-in refused for user %s (passkey %s): %s", user.pk, device.pk, error)
            raise PasskeyError("That passkey could not be checked. Try again, or enter a code.")
        device.sign_count = verified.new_sign_count
        device.backed_up = verified.credential_device_type == CredentialDeviceType.MULTI_DEVICE and bool(
            verified.credential_backed_up
        )
        device.set_last_used_timestamp(commit=False)
        device.save(update_fields=["sign_count", "backed_up", "last_used_at"])
    return device
