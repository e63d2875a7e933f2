"""Helpers the accounts tests share: drive the real sign-in pages, read the audit trail."""

from __future__ import annotations

import time
from typing import Any

import pyotp
from django.test import Client
from django.urls import reverse

from remit.accounts.models import SealedTOTPDevice, User
from remit.audit.models import AuditEvent
from remit.testing import PASSWORD, totp_secret


def code_for(user: User, *, offset: int = 0) -> str:
    device = SealedTOTPDevice.objects.get(user=user, confirmed=True)
    return pyotp.TOTP(totp_secret(device)).at(time.time() + offset)


def password_step(client: Client, username: str, password: str = PASSWORD, **extra: Any) -> Any:
    return client.post(reverse("accounts:login"), {"username": username, "password": password, **extra})


def sign_in(client: Client, user: User, *, next_url: str = "") -> Any:
    """Both steps through the pages, as a person would."""
    data = {"next": next_url} if next_url else {}
    response = password_step(client, user.username, **data)
    assert response.status_code == 302, response.status_code
    return client.post(reverse("accounts:mfa"), {"code": code_for(user), **data})


def events(action: str) -> list[AuditEvent]:
    return list(AuditEvent.objects.filter(action=action).order_by("seq"))
