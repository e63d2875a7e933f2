"""Searches that keep what was typed out of the address: POST, then a redirect to an opaque handle.

A search form posts its terms; the view keeps them in the signed-in session under a random handle
and redirects to ``?search=<handle>`` (post/redirect/get). So names, record numbers and dates of
birth never reach an address bar, the browser's history, a bookmark, a Referer or a server's access
log, while paging (``?search=<handle>&page=2``), reload, the back button and "search again" (the
form filled from the handle) work as they did with a GET form. A session keeps its last
``KEEP`` searches per page; they end with the session (sign-out, idle time-out).
"""

from __future__ import annotations

import secrets
from typing import Any

from django.http import HttpRequest

KEEP = 20


def _key(kind: str) -> str:
    return f"searches.{kind}"


def remember(request: HttpRequest, kind: str, terms: dict[str, Any]) -> str:
    """Keep ``terms`` (JSON-serialisable) in the session; the opaque handle to put in the address."""
    kept: dict[str, Any] = dict(request.session.get(_key(kind)) or {})
    handle = secrets.token_urlsafe(9)
    kept[handle] = terms
    while len(kept) > KEEP:
        kept.pop(next(iter(kept)))
    request.session[_key(kind)] = kept
    return handle


def recall(request: HttpRequest, kind: str) -> tuple[str, dict[str, Any] | None]:
    """The handle in the address (``search``) and its terms: None when it is unknown or gone."""
    handle = request.GET.get("search", "")
    if not handle:
        return "", None
    terms = (request.session.get(_key(kind)) or {}).get(handle)
    return handle, dict(terms) if isinstance(terms, dict) else None
