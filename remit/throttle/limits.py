"""Rate limits per client address and per token, counted with django-ratelimit in the shared cache.

Each limit is a setting (``REMIT_RATELIMIT_...``, a rate such as ``10/10m``). ``hit`` counts one
attempt and says whether the caller is now over the limit (and for how long). The values counted
(addresses, token hashes) are hashed into the cache key by django-ratelimit, so the cache holds no
token and no address in clear.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.http import HttpRequest
from django_ratelimit.core import get_usage

from remit.audit.actions import client_address

# The limits (their rates are settings, read when checked so tests and deployments may change them).
PORTAL_FAILURES = "portal.failures"  # unknown portal links, per client address
PORTAL_LINK = "portal.link"  # openings of one portal link, per token
API_FAILURES = "api.failures"  # failed integration-token authentications, per client address
API_PREFIX_FAILURES = "api.prefix_failures"  # failed authentications, per token prefix presented

RATE_SETTINGS = {
    PORTAL_FAILURES: "REMIT_RATELIMIT_PORTAL_FAILURES",
    PORTAL_LINK: "REMIT_RATELIMIT_PORTAL_LINK",
    API_FAILURES: "REMIT_RATELIMIT_API_FAILURES",
    API_PREFIX_FAILURES: "REMIT_RATELIMIT_API_TOKEN_FAILURES",
}


@dataclass(frozen=True)
class Verdict:
    limited: bool
    retry_after: int  # seconds until the window ends (at least 1 when limited)
    count: int = 0


def address(request: HttpRequest | Any) -> str:
    """The client address, as the audit trail records it."""
    return client_address(request)[0] or "unknown"


def token_key(secret: str) -> str:
    """What a token is counted by: its sha256, never the token."""
    return hashlib.sha256(secret.encode()).hexdigest()


def _usage(request: HttpRequest, limit: str, value: str, *, increment: bool) -> Verdict:
    rate = getattr(settings, RATE_SETTINGS[limit])
    usage = get_usage(
        request, group=limit, key=lambda _group, _request: value, rate=rate, increment=increment
    )
    if usage is None:  # rate limiting is switched off (REMIT_RATELIMIT_ENABLED=false)
        return Verdict(False, 0)
    retry_after = max(1, int(usage["time_left"])) if usage["time_left"] > 0 else 60
    return Verdict(bool(usage["should_limit"]), retry_after, int(usage["count"]))


def hit(request: HttpRequest, limit: str, value: str) -> Verdict:
    """Count one attempt of ``value`` against ``limit``; limited once the count passes the limit."""
    return _usage(request, limit, value, increment=True)


def wait_words(seconds: int) -> str:
    """``30 seconds``, ``1 minute``, ``10 minutes``: how long to wait, in plain words."""
    if seconds < 60:
        return f"{seconds} second{'s' if seconds != 1 else ''}"
    minutes = -(-seconds // 60)
    return f"{minutes} minute{'s' if minutes != 1 else ''}"
