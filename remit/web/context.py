from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest
from django.urls import reverse

from remit.core import chart_style as style

# (label, url name, capability needed or None for any signed-in staff member)
NAVIGATION: list[tuple[str, str, str | None]] = [
    ("Today", "web:today", None),
    ("Patients", "patients:list", "patient.view"),
    ("Alerts", "alerts:inbox", "clinical.view"),
    ("Follow-up", "measures:follow_up", "measures.rate"),
    ("Amendments", "amendments:queue", "amendments.decide"),
    ("REMS", "treatment:rems", "clinical.view"),
    ("Reports", "reports:outcomes", "reports.view"),
    ("Audit", "audit:report", "audit.view"),
    ("Users", "accounts:users", "users.manage"),
    ("On call", "alerts:escalation", "users.manage"),
    ("Protocols", "treatment:protocols", "protocols.manage"),
    ("Integrations", "fhir:tokens", "integrations.manage"),
]


def navigation(request: HttpRequest) -> dict[str, Any]:
    user = request.user
    items = []
    # The navigation is the user's own work, the same on a page read under emergency access
    # (which makes the rest of the request read-only: remit.patients.access).
    read_only = getattr(user, "emergency_read_only", False)
    if user.is_authenticated:
        user.emergency_read_only = False
        try:
            for label, name, capability in NAVIGATION:
                url = reverse(name)
                if capability is not None and not user.can_in_any_clinic(capability):
                    continue
                items.append(
                    {"label": label, "url": url, "active": request.path.startswith(url) and url != "/"}
                )
        finally:
            user.emergency_read_only = read_only
    return {
        "nav_items": items,
        "idle_timeout_seconds": settings.REMIT_IDLE_TIMEOUT_MINUTES * 60,
    }


def chart_style(request: HttpRequest) -> dict[str, Any]:
    """``chart_style``: the look every chart shares (``remit.core.chart_style``), for the web charts."""
    return {"chart_style": style.web()}


def demo(request: HttpRequest) -> dict[str, Any]:
    """``demo_mode``: every page says it is the demo (synthetic data, codes on the sign-in page)."""
    return {"demo_mode": settings.REMIT_DEMO}
