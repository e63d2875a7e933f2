"""Message integrity for machine exchange (RFC 9530 ``Content-Digest``).

A sender that puts ``Content-Digest: sha-256=:<base64>:`` on a request has its body checked
before anything reads it: a body altered on the way is refused with 400, naming the header,
and nothing is stored. Every answer of the FHIR and JSON APIs carries the SHA-256 digest of its
body, so a receiver can check what it got. TLS already protects the link; this protects the
message end to end, through proxies and files.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
from collections.abc import Callable
from typing import Any

from django.http import HttpRequest, HttpResponse, HttpResponseBase

HEADER = "Content-Digest"
ALGORITHMS: dict[str, Callable[[bytes], Any]] = {
    "sha-256": hashlib.sha256,
    "sha-512": hashlib.sha512,
}
EXCHANGE_PREFIXES = ("/fhir/", "/api/")


class DigestError(ValueError):
    """A Content-Digest header that cannot be read or does not match the body."""


def parse(header: str) -> dict[str, bytes]:
    """``sha-256=:AAA=:, sha-512=:BBB=:`` → {algorithm: digest bytes}; unknown algorithms are left out."""
    found: dict[str, bytes] = {}
    for member in header.split(","):
        name, sep, value = member.strip().partition("=")
        name = name.strip().lower()
        value = value.strip()
        if not sep or not (value.startswith(":") and value.endswith(":") and len(value) >= 2):
            raise DigestError(
                f"The {HEADER} header is not in the form sha-256=:<base64>: (RFC 9530); it says {member.strip()!r}."
            )
        if name not in ALGORITHMS:
            continue
        try:
            found[name] = base64.b64decode(value[1:-1], validate=True)
        except (binascii.Error, ValueError):
            raise DigestError(f"The {HEADER} value for {name} is not base64.")
    return found


def check(header: str, body: bytes) -> None:
    """Raise DigestError unless one of the header's digests (of an algorithm Remit knows) matches ``body``."""
    digests = parse(header)
    if not digests:
        raise DigestError(f"The {HEADER} header names no algorithm Remit checks (sha-256 or sha-512).")
    for name, expected in digests.items():
        if ALGORITHMS[name](body).digest() != expected:
            raise DigestError(
                f"The body does not match its {HEADER} ({name}): it was changed on the way, or the digest "
                "was made of something else. Nothing was stored."
            )


def header_for(body: bytes) -> str:
    return f"sha-256=:{base64.b64encode(hashlib.sha256(body).digest()).decode()}:"


def _refusal(request: HttpRequest, message: str) -> HttpResponse:
    if request.path.startswith("/fhir/"):
        outcome = {
            "resourceType": "OperationOutcome",
            "issue": [{"severity": "error", "code": "invalid", "diagnostics": message}],
        }
        return HttpResponse(json.dumps(outcome), status=400, content_type="application/fhir+json")
    return HttpResponse(json.dumps({"detail": message}), status=400, content_type="application/json")


class ContentDigestMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        header = request.headers.get(HEADER)
        if header:
            try:
                check(header, request.body)
            except DigestError as error:
                return _refusal(request, str(error))
        response = self.get_response(request)
        if (
            request.path.startswith(EXCHANGE_PREFIXES)
            and isinstance(response, HttpResponse)
            and HEADER not in response
        ):
            response[HEADER] = header_for(response.content)
        return response
