"""The portal session: what a patient's browser holds instead of the link's token.

The first request with a token (``/p/<token>/``) exchanges it for a server-side session bound to
that link, in a cookie of its own (``remit_portal``, path ``/p/``, HttpOnly, ended with the
browser), and is redirected to ``/p/``: the token leaves the address bar and the history, and no
later request or Referer carries it. It is not the staff session: signing in or out as staff in the
same browser changes nothing here, and the portal never reads or writes the staff session.

What it holds: the link's id, whether the date of birth was confirmed (or the visit was started by
staff on a clinic tablet, ``kiosk``), the answers being typed on
an unsent page, and which pages this browser sent. Finishing the questionnaire clears all of that
(a new session id holding only "finished", for the confirmation page) and it expires soon after.
"""

from __future__ import annotations

import datetime as dt
from importlib import import_module

from django.conf import settings
from django.contrib.sessions.backends.base import SessionBase
from django.http import HttpRequest, HttpResponse
from django.utils import timezone

COOKIE = "remit_portal"
PATH = "/p/"
# How long the confirmation page stays reachable after the questionnaire is finished.
FINISHED_SECONDS = 600


def _store(key: str | None = None) -> SessionBase:
    engine = import_module(settings.SESSION_ENGINE)
    store: SessionBase = engine.SessionStore(session_key=key)
    return store


def load(request: HttpRequest) -> SessionBase | None:
    """The browser's portal session, or None (no cookie, or one the server no longer knows)."""
    key = request.COOKIES.get(COOKIE)
    if not key:
        return None
    session = _store(key)
    if session.get("link_id") is None:
        return None
    return session


def start(link_id: int, expires_at: dt.datetime) -> SessionBase:
    """A new portal session bound to one link, ending when the link expires."""
    session = _store()
    session["link_id"] = link_id
    session.set_expiry(max(60, int((expires_at - timezone.now()).total_seconds())))
    session.create()
    return session


def finish(session: SessionBase) -> None:
    """The questionnaire is finished: forget the answers and the confirmation, under a new id."""
    link_id, kiosk = session["link_id"], bool(session.get("kiosk"))
    session.clear()
    session["link_id"] = link_id
    session["finished"] = True
    if kiosk:
        session["kiosk"] = True  # a clinic tablet: every page is now the locked screen
    session.set_expiry(FINISHED_SECONDS)
    session.cycle_key()


def attach(session: SessionBase, response: HttpResponse) -> HttpResponse:
    """Save the session (if changed) and give the browser its cookie (ends with the browser)."""
    if session.modified:
        session.save()
    response.set_cookie(
        COOKIE,
        session.session_key or "",
        path=PATH,
        secure=settings.SESSION_COOKIE_SECURE,
        httponly=True,
        samesite="Lax",
    )
    return response


def bound_to(session: SessionBase | None, link_id: int) -> bool:
    return session is not None and session.get("link_id") == link_id
