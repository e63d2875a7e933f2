"""Amendment requests on the patient chart: a section listing them with the part each concerns, and a
note beside each record part that has one ("Amended", "Amendment requested", ...). Two queries."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.urls import reverse
from django.utils import timezone

from remit.amendments.models import AmendmentRequest as AR

LISTED = 200
RECORD_LABELS = {
    AR.DEMOGRAPHICS: "patients.patient",
    AR.DIAGNOSIS: "patients.diagnosis",
    AR.MEDICATION: "patients.medication",
    AR.ALLERGY: "patients.allergy",
    AR.ASSESSMENT: "measures.assessment",
    AR.SESSION: "treatment.session",
}


def may_see(user: Any, clinic_id: int) -> bool:
    return bool(user.can("amendments.request", clinic_id) or user.can("amendments.decide", clinic_id))


def visible_requests(patient: Any, user: Any) -> QuerySet[AR]:
    """The patient's requests this user may read: a role without clinical access sees demographics only."""
    rows = AR.objects.filter(patient=patient).select_related(
        "requested_by", "decided_by", "disagreement_by", "rebuttal_by"
    )
    if not user.can("clinical.view", patient.clinic_id):
        rows = rows.filter(part=AR.DEMOGRAPHICS)
    return rows.order_by("-requested_at", "-id")


def section_context(patient: Any, user: Any) -> dict[str, Any]:
    if not may_see(user, patient.clinic_id):
        return {"visible": False}
    rows = list(visible_requests(patient, user)[:LISTED])
    return {
        "visible": True,
        "amendment_rows": rows,
        "today": timezone.localdate(),
        "open_count": sum(1 for r in rows if r.is_open),
        "can_request": user.can("amendments.request", patient.clinic_id) and not patient.is_voided,
    }


def note_for(row: AR, chart_url: str) -> dict[str, Any]:
    url = f"{chart_url}#amendment-{row.pk}"
    if row.status == AR.ACCEPTED:
        return {
            "badge": "Amended",
            "tone": "ok",
            "text": f"on {row.decided_at:%Y-%m-%d}: read the amendment",
            "url": url,
        }
    if row.status == AR.DENIED:
        words = "denied; the patient disagrees" if row.disagreement_text else "denied"
        return {"badge": "Amendment requested", "tone": "", "text": words, "url": url}
    return {
        "badge": "Amendment requested",
        "tone": "warn",
        "text": f"decide by {row.due_on:%Y-%m-%d}",
        "url": url,
    }


def record_notes(patient: Any, user: Any) -> dict[tuple[str, int], list[dict[str, Any]]]:
    if not may_see(user, patient.clinic_id):
        return {}
    chart_url = reverse("patients:detail", args=[patient.pk])
    notes: dict[tuple[str, int], list[dict[str, Any]]] = {}
    for row in visible_requests(patient, user)[:LISTED]:
        record_id = patient.pk if row.part == AR.DEMOGRAPHICS else row.record_id
        if record_id is not None:
            notes.setdefault((RECORD_LABELS[row.part], record_id), []).append(note_for(row, chart_url))
    return notes
