from __future__ import annotations

import time
from collections.abc import Callable
from urllib.parse import urlencode

from django.conf import settings
from django.contrib.auth import logout
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse

from remit.audit import actions as audit

# Requests a page makes on its own (polling, the idle warning's check) carry
# this header and do not count as activity.
BACKGROUND_HEADER = "HTTP_X_REMIT_BACKGROUND"
# What a signed-out browser is told to drop (sign-out and idle time-out).
CLEAR_SITE_DATA = '"cache", "cookies", "storage"'


class IdleTimeoutMiddleware:
    """Sign a staff member out after REMIT_IDLE_TIMEOUT_MINUTES without activity."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.user.is_authenticated:
            now = time.time()
            limit = settings.REMIT_IDLE_TIMEOUT_MINUTES * 60
            last = request.session.get("last_activity")
            if last is not None and now - float(last) > limit:
                user = request.user
                audit.record(audit.IDLE_TIMEOUT, actor=user, request=request)
                logout(request)
                if (
                    request.META.get(BACKGROUND_HEADER)
                    or request.headers.get("HX-Request")
                    or request.path == reverse("accounts:keepalive")
                ):
                    response = HttpResponse(status=401)
                    response["HX-Redirect"] = reverse(settings.LOGIN_URL)
                else:
                    # The sign-in page says why (messages are not available this early in the chain).
                    query = urlencode({"next": request.get_full_path(), "idle": "1"})
                    response = HttpResponseRedirect(f"{reverse(settings.LOGIN_URL)}?{query}")
                # Signed out: the browser drops what it kept of the visit, as on signing out.
                response["Clear-Site-Data"] = CLEAR_SITE_DATA
                return response
            if not request.META.get(BACKGROUND_HEADER):
                request.session["last_activity"] = now
        return self.get_response(request)


EXEMPT_PREFIXES = ("/accounts/", "/static/", "/p/", "/fhir/", "/api/", "/healthz")


class RequireMFAMiddleware:
    """A signed-in staff member reaches nothing but the sign-in pages until a second factor is verified."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = request.user
        if (
            settings.REMIT_MFA_REQUIRED
            and user.is_authenticated
            and not user.is_verified()  # type: ignore[attr-defined]
            and not request.path.startswith(EXEMPT_PREFIXES)
        ):
            query = urlencode({"next": request.get_full_path()})
            return HttpResponseRedirect(f"{reverse('accounts:mfa')}?{query}")
        return self.get_response(request)
