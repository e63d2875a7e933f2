"""The screening section of the patient chart: ``section_context(patient, user)`` for
``screening/_chart_section.html``. Two queries, whatever the number of screenings."""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from django.utils import timezone

from remit.screening.models import DECISION_BADGES, DECISION_LABELS, MODALITY_LABELS, Screening


def section_context(patient: Any, user: Any) -> dict[str, Any]:
    if not user.can("clinical.view", patient.clinic_id):
        return {"screening_visible": False}
    latest_signed = (
        Screening.objects.signed()
        .filter(patient=patient)
        .select_related("signed_by")
        .prefetch_related("decisions")
        .order_by("-signed_at", "-id")
        .first()
    )
    draft = (
        Screening.objects.filter(patient=patient, status=Screening.DRAFT, voided_at__isnull=True)
        .order_by("-created_at", "-id")
        .first()
    )
    rows = []
    if latest_signed is not None:
        choices = {d.modality: d for d in latest_signed.decisions.all()}
        for modality, result in (latest_signed.result or {}).items():
            choice = choices.get(modality)
            rows.append(
                {
                    "modality": modality,
                    "label": MODALITY_LABELS.get(modality, modality),
                    "decision": result["decision"],
                    "decision_label": DECISION_LABELS.get(result["decision"], result["decision"]),
                    "badge": DECISION_BADGES.get(result["decision"], ""),
                    "choice": choice.get_decision_display() if choice else "",
                    "overridden": bool(choice and choice.decision == "overridden"),
                    "allows_start": bool(choice and choice.allows_start),
                    "url": reverse("screening:detail", kwargs={"pk": latest_signed.pk}),
                }
            )
    return {
        "screening_visible": True,
        "screening_latest": latest_signed,
        "screening_signed_on": timezone.localdate(latest_signed.signed_at) if latest_signed else None,
        "screening_rows": rows,
        "screening_draft": draft,
        "screening_draft_url": reverse("screening:detail", kwargs={"pk": draft.pk}) if draft else "",
        "screening_can_enter": user.can("screening.enter", patient.clinic_id) and not patient.is_voided,
        "screening_intake_url": reverse("screening:intake", kwargs={"pk": patient.pk}),
        "screening_list_url": reverse("screening:patient", kwargs={"pk": patient.pk}),
    }
