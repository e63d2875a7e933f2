"""The demo's sign-in help: each demo account's current six-digit code, read from its TOTP device.

Only in demo mode (``REMIT_DEMO``, which settings refuse with ``REMIT_HTTPS`` on): the codes are a
second factor given away, so that a newcomer can explore the synthetic clinic without an
authenticator app. Computed at request time from the device itself, so a re-enrolled device shows
its new code.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

from django.conf import settings
from django_otp.oath import TOTP

from remit.accounts.models import SealedTOTPDevice

# The demo has a dozen staff accounts; a database with many more is not a demo.
LIMIT = 30


@dataclass(frozen=True)
class DemoCode:
    username: str
    name: str
    code: str
    seconds_left: int


def demo_codes(now: float | None = None) -> list[DemoCode]:
    """The current code of every active account with a confirmed authenticator app (none outside the demo)."""
    if not settings.REMIT_DEMO:
        return []
    at = time.time() if now is None else now
    devices = (
        SealedTOTPDevice.objects.filter(confirmed=True, user__is_active=True)
        .select_related("user")
        .order_by("user__username", "id")
    )
    codes: dict[str, DemoCode] = {}
    for device in devices[: LIMIT * 2]:
        user = device.user
        if user.username in codes:
            continue  # the oldest confirmed device is the one the demo printed
        totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
        totp.time = at
        code = str(totp.token()).zfill(device.digits)
        left = device.step - int(at - device.t0) % device.step
        codes[user.username] = DemoCode(user.username, user.get_full_name() or user.username, code, left)
    return list(codes.values())[:LIMIT]
