"""The banner at the top of a patient's chart: their open high alerts, so nobody scrolls past one.

Registered in ``remit.wiring`` with ``remit.pages.chart_sections.register_banner``. One query; no audit
row of its own (the chart page writes the chart's).
"""

from __future__ import annotations

from typing import Any

from remit.alerts.models import HIGH, Alert

SHOWN = 5


def banner_context(patient: Any, user: Any) -> dict[str, Any]:
    """The patient's open high alerts for someone clinical in the patient's clinic; else nothing."""
    if not user.can("clinical.view", patient.clinic_id):
        return {"visible": False}
    alerts = list(
        Alert.objects.filter(patient=patient, severity=HIGH).open().order_by("created_at", "id")[: SHOWN + 1]
    )
    if not alerts:
        return {"visible": False}
    return {"high_alerts": alerts[:SHOWN], "more_high_alerts": len(alerts) > SHOWN}
