"""Decorators every staff view wears: who may reach it, and how recently they proved who they are."""

from __future__ import annotations

import time
from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar
from urllib.parse import urlencode

from django.conf import settings
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponseBase, HttpResponseRedirect
from django.urls import reverse

from remit.accounts.models import User
from remit.accounts.roles import roles_with

View = TypeVar("View", bound=Callable[..., HttpResponseBase])

REAUTH_SESSION_KEY = "reauth_at"


def staff(request: HttpRequest) -> User:
    """The signed-in staff member of a request a ``staff_required`` view has let through."""
    user = request.user
    if not isinstance(user, User):
        raise PermissionDenied("Sign in first.")
    return user


def staff_required(capability: str | None = None) -> Callable[[View], View]:
    """Signed-in staff only; with a capability, only people who hold it in at least one clinic (others get 403).

    The view then shows only what belongs to the clinics where they hold it: the capability is kept
    on the request (``request.staff_capability``) and ``view_clinic_ids(request)`` gives those clinics,
    which ``remit.patients.lookups.visible_patient`` and the list pages use.
    """
    if capability is not None:
        roles_with(capability)  # fail at import time on a misspelt capability

    def decorator(view: View) -> View:
        @wraps(view)
        def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
            user = request.user
            if not user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            if not user.is_active:
                raise PermissionDenied("This account is deactivated.")
            # Pages under /accounts/ are outside RequireMFAMiddleware's reach: check here too.
            is_verified = getattr(user, "is_verified", None)
            if settings.REMIT_MFA_REQUIRED and callable(is_verified) and not is_verified():
                query = urlencode({"next": request.get_full_path()})
                return HttpResponseRedirect(f"{reverse('accounts:mfa')}?{query}")
            if capability is not None and not user.can_in_any_clinic(capability):
                raise PermissionDenied("Your role does not allow this.")
            request.staff_capability = capability  # type: ignore[attr-defined]
            return view(request, *args, **kwargs)

        wrapper.required_capability = capability  # type: ignore[attr-defined]
        return wrapper  # type: ignore[return-value]

    return decorator


def view_clinic_ids(request: HttpRequest) -> list[int]:
    """The clinics where the signed-in user holds the capability the current view needs.

    A view without a capability (any signed-in staff member) gets every clinic they belong to.
    """
    user = staff(request)
    capability = getattr(request, "staff_capability", None)
    if capability is None:
        return user.member_clinic_ids() if user.is_active else []
    return user.clinic_ids(capability)


def mark_recent_auth(request: HttpRequest) -> None:
    request.session[REAUTH_SESSION_KEY] = time.time()


def recent_auth_required(view: View) -> View:
    """Sensitive actions (exports, user administration) ask for the password again when it is stale."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        at = request.session.get(REAUTH_SESSION_KEY)
        if at is None or time.time() - float(at) > settings.REMIT_REAUTH_MINUTES * 60:
            # After re-authenticating, a form's POST address cannot be revisited with GET: go back to the page.
            target = (
                request.get_full_path()
                if request.method in ("GET", "HEAD")
                else request.headers.get("Referer", "")
            )
            query = urlencode({"next": target})
            return HttpResponseRedirect(f"{reverse('accounts:reauth')}?{query}")
        return view(request, *args, **kwargs)

    return wrapper  # type: ignore[return-value]
