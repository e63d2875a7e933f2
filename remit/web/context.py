from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest
from django.urls import reverse

# (label, url name, capability needed or None for any signed-in staff member)
NAVIGATION: list[tuple[str, str, str | None]] = [
    ("Today", "web:today", None),
    ("Patients", "patients:list", "patient.view"),
    ("Alerts", "alerts:inbox", "clinical.view"),
    ("Follow-up", "measures:follow_up", "measures.rate"),
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
    if user.is_authenticated:
        for label, name, capability in NAVIGATION:
            url = reverse(name)
            if capability is not None and not user.can_in_any_clinic(capability):
                continue
            items.append({"label": label, "url": url, "active": request.path.startswith(url) and url != "/"})
    return {
        "nav_items": items,
        "idle_timeout_seconds": settings.REMIT_IDLE_TIMEOUT_MINUTES * 60,
    }
