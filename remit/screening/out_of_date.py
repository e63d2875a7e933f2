"""New facts after a screening was signed: raise an alert that it may be out of date.

The listeners are subscribed to the actions' events in ``remit.wiring``; they
run inside the triggering action's transaction, so the alert and the new fact
are stored together or not at all.
"""

from __future__ import annotations

from typing import Any

from django.utils import timezone

from remit.core.screening.rules.substance import DAST10_POSITIVE_BANDS
from remit.events import Event
from remit.patients.models import Diagnosis
from remit.screening.models import MODALITY_LABELS, Screening

KIND = "screening_out_of_date"


def latest_signed(patient_id: int) -> Screening | None:
    return Screening.objects.signed().filter(patient_id=patient_id).order_by("-signed_at", "-id").first()


def raise_out_of_date(patient: Any, what: str, source: Any) -> None:
    screening = latest_signed(patient.pk)
    if screening is None:
        return
    from remit.alerts.actions import raise_alert

    signed_on = timezone.localdate(screening.signed_at).isoformat()
    raise_alert(
        patient=patient,
        kind=KIND,
        severity="medium",
        reason=(
            f"{what} was recorded after the screening signed on {signed_on}: the eligibility decision "
            f"({', '.join(MODALITY_LABELS.values())}) may be out of date. Review and screen again if needed."
        ),
        detail={"screening_id": screening.pk, "new_fact": what},
        source=source,
        dedupe_key=f"screening-out-of-date-{screening.pk}",
    )


def on_clinical_fact_added(event: Event) -> None:
    """Listener (see ``remit.wiring``): a new diagnosis may change a signed eligibility decision."""
    fact = event.source
    if isinstance(fact, Diagnosis) and fact.voided_at is None:
        raise_out_of_date(event.patient, f"A new diagnosis ({fact.code})", fact)


def on_assessment_recorded(event: Event) -> None:
    """Listener: a positive substance-use screen may change a signed eligibility decision."""
    assessment = event.source
    if not assessment.valid or assessment.voided_at is not None:
        return
    if assessment.instrument == "dast10" and assessment.band in DAST10_POSITIVE_BANDS:
        raise_out_of_date(event.patient, f"A positive DAST-10 ({assessment.band})", assessment)
    elif assessment.instrument == "auditc" and assessment.band == "positive":
        raise_out_of_date(event.patient, "A positive AUDIT-C", assessment)
