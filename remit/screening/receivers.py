"""New facts after a screening was signed: raise an alert that it may be out of date.

Connected in ``Config.ready``. The receivers run inside the triggering write's
transaction (post_save fires inside it), so the alert and the new fact are
stored together or not at all.
"""

from __future__ import annotations

from typing import Any

from django.db.models.signals import post_save
from django.dispatch import receiver
from django.utils import timezone

from remit.core.screening.rules.substance import DAST10_POSITIVE_BANDS
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


@receiver(post_save, sender=Diagnosis, dispatch_uid="screening_out_of_date_diagnosis")
def diagnosis_added(
    sender: Any, instance: Diagnosis, created: bool, raw: bool = False, **kwargs: Any
) -> None:
    if raw or not created or instance.voided_at is not None:
        return
    raise_out_of_date(instance.patient, f"A new diagnosis ({instance.code})", instance)


def assessment_saved(sender: Any, instance: Any, created: bool, raw: bool = False, **kwargs: Any) -> None:
    if raw or not created or not instance.valid or getattr(instance, "voided_at", None) is not None:
        return
    if instance.instrument == "dast10" and instance.band in DAST10_POSITIVE_BANDS:
        raise_out_of_date(instance.patient, f"A positive DAST-10 ({instance.band})", instance)
    elif instance.instrument == "auditc" and instance.band == "positive":
        raise_out_of_date(instance.patient, "A positive AUDIT-C", instance)


def connect() -> None:
    from remit.measures.models import Assessment

    post_save.connect(assessment_saved, sender=Assessment, dispatch_uid="screening_out_of_date_assessment")
