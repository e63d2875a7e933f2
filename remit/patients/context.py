"""The banner every page shows while the signed-in clinician holds emergency access to a patient."""

from __future__ import annotations

import time
from typing import Any

from django.http import HttpRequest

from remit.patients.access import SESSION_UNTIL, active_grants


def emergency_access(request: HttpRequest) -> dict[str, Any]:
    """The user's grants in force, looked up only when this session opened one lately or reads under one.

    (So an ordinary page costs no query; the grants themselves, not this banner, decide what opens.)
    """
    session = getattr(request, "session", None)
    until = session.get(SESSION_UNTIL) if session is not None else None
    opened_lately = isinstance(until, (int, float)) and until > time.time()
    if not opened_lately and getattr(request, "emergency_access", None) is None:
        return {"emergency_grants": []}
    return {"emergency_grants": active_grants(getattr(request, "user", None))}
