"""The JSON API under /api/v1/ (django-ninja); each app adds its router here.

Staff use it with their signed-in session (django_auth checks CSRF); OpenAPI at
/api/v1/openapi.json. Request bodies are read with ``remit.core.safejson``: a body
nested deeper than its limit is a 400 naming the limit, never a crash. A
creating call (POST) honours an ``Idempotency-Key`` header
(``remit.idempotency``).
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from ninja import NinjaAPI
from ninja.errors import HttpError
from ninja.parser import Parser
from ninja.security import django_auth

from remit.core import safejson


class SafeJsonParser(Parser):
    """ninja's JSON parser with Remit's depth limit."""

    def parse_body(self, request: HttpRequest) -> Any:
        return safejson.loads(request.body)


api = NinjaAPI(
    title="Remit API",
    version="1",
    description="Remit's JSON API. Every call is allowed by role and audited.",
    auth=django_auth,
    urls_namespace="api",
    parser=SafeJsonParser(),
)


@api.exception_handler(HttpError)
def http_error(request: HttpRequest, error: HttpError) -> HttpResponse:
    """ninja's own answer, except that a body refused for its depth says why (ninja says only
    "Cannot parse request body")."""
    cause = error.__cause__
    detail = str(cause) if isinstance(cause, safejson.TooDeep) else str(error)
    return api.create_response(request, {"detail": detail}, status=error.status_code)


from remit.measures.api import router as measures_router  # noqa: E402

api.add_router("/measures/", measures_router)
