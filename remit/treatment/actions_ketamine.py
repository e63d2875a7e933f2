"""Ketamine's weight-based dose: computed by the core (``remit.core.dosing``), recorded on the session."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone

from remit.audit import actions as audit
from remit.core import dosing
from remit.patients.actions import add_weight
from remit.treatment import clock
from remit.treatment.actions_checkin import require_checklist
from remit.treatment.actions_dose_order import difference_reason as order_difference
from remit.treatment.models import ClinicTreatmentSettings, Session
from remit.treatment.session_chart import (
    KETAMINE,
    audit_step,
    fail,
    locked,
    mark_charted,
    prescriber_override_reason,
    record_override,
    save_fields,
)
from remit.treatment.treatment_settings import treatment_settings


def compute_ketamine_dose(
    session: Session,
    *,
    weight_kg: Any,
    mg_per_kg: Any,
    concentration_mg_per_ml: Any,
    infusion_minutes: Any,
    override_reason: str = "",
    actor: Any,
    settings: ClinicTreatmentSettings | None = None,
) -> dosing.KetamineDose:
    """The dose the core computes, or ``ValidationError`` naming the field; stores nothing."""
    if session.modality not in KETAMINE:
        raise fail(None, "Weight-based dosing is for ketamine sessions.")
    reason = prescriber_override_reason(
        actor, override_reason, what="the clinic's maximum dose", clinic=session.clinic_id
    )
    settings = settings or treatment_settings(session.clinic_id)
    if weight_kg is None:
        raise fail("weight_kg", "Enter today's weight.")
    if mg_per_kg is None:
        raise fail("mg_per_kg", "Enter the dose in mg/kg.")
    if concentration_mg_per_ml is None:
        raise fail("concentration_mg_per_ml", "Enter the drug concentration.")
    if session.modality == "ketamine_iv" and infusion_minutes is None:
        raise fail("infusion_minutes", "Enter the infusion time in minutes.")
    try:
        return dosing.ketamine_dose(
            weight_kg,
            mg_per_kg,
            concentration_mg_per_ml,
            infusion_minutes if session.modality == "ketamine_iv" else None,
            settings.max_mg_per_kg,
            override_reason=reason or None,
        )
    except dosing.DoseError as error:
        raise fail(error.field if error.field != "max_mg_per_kg" else None, error.message) from None


def record_ketamine_dose(
    session: Session,
    *,
    weight_kg: Any,
    mg_per_kg: Any,
    concentration_mg_per_ml: Any,
    infusion_minutes: Any,
    override_reason: str = "",
    difference_reason: str = "",
    actor: Any,
    request: HttpRequest | None = None,
) -> Session:
    dose = compute_ketamine_dose(
        session,
        weight_kg=weight_kg,
        mg_per_kg=mg_per_kg,
        concentration_mg_per_ml=concentration_mg_per_ml,
        infusion_minutes=infusion_minutes,
        override_reason=override_reason,
        actor=actor,
    )
    with transaction.atomic():
        current = locked(session, actor)
        if current.dose_started_at is not None:
            raise fail(None, "Dosing has started; the dose can no longer change. Write a note instead.")
        # A confirmed dose is the first step of dosing: the checklist comes first, whoever calls.
        require_checklist(current, "confirm the dose")
        current.dose_difference_reason = order_difference(
            current, dose.mg_per_kg, difference_reason, override=dose.override_reason or ""
        )
        current.weight_kg = dose.weight_kg
        current.mg_per_kg = dose.mg_per_kg
        current.dose_mg = dose.mg
        current.concentration_mg_per_ml = dose.concentration_mg_per_ml
        current.volume_ml = dose.ml
        current.rate_ml_per_h = dose.rate_ml_per_h
        current.infusion_minutes = int(dose.infusion_minutes) if dose.infusion_minutes is not None else None
        override = record_override(current, dose.override_reason if dose.overridden else None, actor)
        save_fields(
            current,
            [
                "weight_kg",
                "mg_per_kg",
                "dose_mg",
                "concentration_mg_per_ml",
                "volume_ml",
                "rate_ml_per_h",
                "infusion_minutes",
                "dose_difference_reason",
                *override,
                *mark_charted(current, actor),
            ],
        )
        add_weight(
            actor,
            current.patient,
            {"measured_on": timezone.localdate(clock.now()), "weight_kg": dose.weight_kg},
            request=request,
        )
        audit_step(
            audit.UPDATE,
            actor,
            request,
            current,
            current,
            step="dose",
            mg=str(dose.mg),
            mg_per_kg=str(dose.mg_per_kg),
            overridden=dose.overridden,
            ordered=str(current.course.mg_per_kg) if current.course.mg_per_kg is not None else None,
            difference_reason=current.dose_difference_reason,
        )
    return current
