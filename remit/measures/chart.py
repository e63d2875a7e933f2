"""The measures section of the patient chart: the latest score per instrument, with a link to the trajectories."""

from __future__ import annotations

from typing import Any

from remit.core.instruments import INSTRUMENTS
from remit.measures.models import Assessment


def section_context(patient: Any, user: Any) -> dict[str, Any]:
    if not user.can("clinical.view", patient.clinic_id):
        return {"visible": False}
    latest: dict[str, Assessment] = {}
    # Newest first; keep the first seen per instrument. Bounded: the chart shows a summary only.
    recent = (
        Assessment.objects.filter(patient=patient, voided_at__isnull=True)
        .order_by("-taken_at", "-id")
        .only("instrument", "total", "band", "flags", "valid", "taken_at")[:200]
    )
    for assessment in recent:
        latest.setdefault(assessment.instrument, assessment)
    rows = [
        {
            "code": code,
            "name": INSTRUMENTS[code].name if code in INSTRUMENTS else code,
            "assessment": assessment,
            "safety": any(
                flag in {"suicidal_ideation", "suicide_risk_moderate_or_high"} for flag in assessment.flags
            ),
        }
        for code, assessment in sorted(latest.items())
    ]
    return {"visible": True, "rows": rows}
