"""Signals that run decision support in the transaction of the record that may trigger a rule.

Connected in ``remit.reports.apps.Config.ready``:

* an assessment created, valid (``measures.Assessment``);
* a session signed: ``signed_at`` set by this save (``treatment.Session``);
* a medication or a diagnosis added (``patients.Medication``, ``patients.Diagnosis``).

Bulk loads (``bulk_create``, as the generator uses) send no signals: call
``remit.reports.decision.evaluate_all(clinic)`` after them.
"""

from __future__ import annotations

from typing import Any

from django.db.models.signals import post_save, pre_save

from remit.reports.decision import evaluate_patient_safely

WAS_SIGNED = "_remit_reports_was_signed"


def assessment_saved(sender: Any, instance: Any, created: bool, raw: bool = False, **kwargs: Any) -> None:
    if raw or not created or not instance.valid or instance.total is None or instance.voided_at is not None:
        return
    evaluate_patient_safely(instance.patient, actor=instance.entered_by)


def session_pre_save(
    sender: Any, instance: Any, raw: bool = False, update_fields: Any = None, **kwargs: Any
) -> None:
    """Before a full save of a stored session that now carries signed_at, note whether it was signed before."""
    if raw or instance.pk is None or instance.signed_at is None or update_fields is not None:
        return
    stored = sender.objects.filter(pk=instance.pk).values_list("signed_at", flat=True).first()
    setattr(instance, WAS_SIGNED, stored is not None)


def session_saved(
    sender: Any, instance: Any, created: bool, raw: bool = False, update_fields: Any = None, **kwargs: Any
) -> None:
    if raw or instance.signed_at is None or instance.voided_at is not None:
        return
    if created:
        just_signed = True
    elif update_fields is not None:
        just_signed = "signed_at" in update_fields
    else:
        just_signed = not getattr(instance, WAS_SIGNED, True)
    if just_signed:
        evaluate_patient_safely(instance.patient, actor=instance.signed_by)


def clinical_fact_saved(sender: Any, instance: Any, created: bool, raw: bool = False, **kwargs: Any) -> None:
    if raw or not created or instance.voided_at is not None:
        return
    evaluate_patient_safely(instance.patient)


def connect() -> None:
    from remit.measures.models import Assessment
    from remit.patients.models import Diagnosis, Medication
    from remit.treatment.models import Session

    post_save.connect(assessment_saved, sender=Assessment, dispatch_uid="reports.assessment_saved")
    pre_save.connect(session_pre_save, sender=Session, dispatch_uid="reports.session_pre_save")
    post_save.connect(session_saved, sender=Session, dispatch_uid="reports.session_saved")
    post_save.connect(clinical_fact_saved, sender=Medication, dispatch_uid="reports.medication_saved")
    post_save.connect(clinical_fact_saved, sender=Diagnosis, dispatch_uid="reports.diagnosis_saved")
