"""``Idempotency-Key`` on every creating API call (POST, PUT, PATCH under ``/api/`` and ``/fhir/``).

A client that is not sure its request arrived (a timeout, a dropped
connection) sends it again with the same ``Idempotency-Key`` header:

- the same key with the same request (method, path, query and body) returns
  the first answer again (same status and body, header
  ``Idempotent-Replayed: true``) and changes nothing;
- the same key with a different request is 409 with a plain message;
- the same key while the first request is still running is 409 too (retry).

Keys belong to the caller: a signed-in user (``user:<id>``) or an API token
(``token:<id>``), so two callers never see each other's answers. A request
with no caller (not signed in, unknown token) or that fails the CSRF check is
passed on untouched, for the API to refuse as usual. Keys are kept
``REMIT_IDEMPOTENCY_KEY_HOURS`` hours; the worker deletes older ones.

Being middleware, it covers every creating endpoint of both APIs, present and
future, with no code in the endpoints.
"""

from __future__ import annotations

import json
from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django.middleware.csrf import CsrfViewMiddleware

from remit.idempotency import store

HEADER = "Idempotency-Key"
METHODS = frozenset({"POST", "PUT", "PATCH"})
API_PREFIX = "/api/"
FHIR_PREFIX = "/fhir/r4/"
MAX_KEY_LENGTH = 255


def _answer(request: HttpRequest, status: int, message: str) -> HttpResponse:
    """A refusal in the API's own shape: OperationOutcome for FHIR, ``{"detail": ...}`` otherwise."""
    if request.path.startswith(FHIR_PREFIX):
        document: dict[str, object] = {
            "resourceType": "OperationOutcome",
            "issue": [
                {
                    "severity": "error",
                    "code": "conflict" if status == 409 else "invalid",
                    "diagnostics": message,
                }
            ],
        }
        content_type = "application/fhir+json; charset=utf-8"
    else:
        document = {"detail": message}
        content_type = "application/json; charset=utf-8"
    return HttpResponse(json.dumps(document), status=status, content_type=content_type)


def _owner(request: HttpRequest) -> str | None:
    """Who the key belongs to, or None to pass the request on untouched."""
    header = request.META.get("HTTP_AUTHORIZATION", "")
    scheme, _, raw = header.partition(" ")
    if scheme.lower() == "bearer" and raw.strip():
        from remit.fhir.actions import hash_api_token
        from remit.fhir.models import ApiToken

        token = ApiToken.objects.active().filter(token_hash=hash_api_token(raw.strip())).first()
        return f"token:{token.pk}" if token is not None else None
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return None
    # The session is the credential, so the CSRF check comes first (as the API's own check would).
    if (
        CsrfViewMiddleware(lambda r: HttpResponse()).process_view(request, lambda r: HttpResponse(), (), {})
        is not None
    ):
        return None
    return f"user:{user.pk}"


class IdempotencyMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        key = request.headers.get(HEADER)
        if (
            key is None
            or request.method not in METHODS
            or not request.path.startswith((API_PREFIX, FHIR_PREFIX))
        ):
            return self.get_response(request)
        key = key.strip()
        if not key or len(key) > MAX_KEY_LENGTH or not key.isascii() or not key.isprintable():
            return _answer(
                request,
                400,
                f"The {HEADER} header must be 1 to {MAX_KEY_LENGTH} plain characters (letters, digits, "
                "punctuation), for example a random UUID.",
            )
        body = request.body  # read (and kept) before anything looks at request.POST
        owner = _owner(request)
        if owner is None:
            return self.get_response(request)
        print_ = store.fingerprint(
            request.method or "", request.path, request.META.get("QUERY_STRING", ""), body
        )
        claimed = store.claim(owner, key, request.method or "", request.path, print_)
        row = claimed.row
        if not claimed.new:
            if row is None or row.status is None:
                if row is not None and row.fingerprint != print_:
                    return self._conflict(request)
                response = _answer(
                    request,
                    409,
                    f"A request with this {HEADER} is still being processed. Try again in a moment.",
                )
                response["Retry-After"] = "1"
                return response
            if row.fingerprint != print_:
                return self._conflict(request)
            return store.replay(row)
        assert row is not None
        try:
            response = self.get_response(request)
        except BaseException:
            store.release(row)
            raise
        store.finish(row, response)
        return response

    @staticmethod
    def _conflict(request: HttpRequest) -> HttpResponse:
        return _answer(
            request,
            409,
            f"This {HEADER} was already used for a different request. Send a new key with a new request.",
        )
