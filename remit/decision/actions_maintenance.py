"""Drafting a maintenance course after a relapse, from the clinic's active maintenance protocol."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest
from django.utils import timezone

from remit.treatment.models import Course, Protocol


def maintenance_protocol(clinic_id: int, modality: str) -> Protocol | None:
    from remit.treatment.actions_courses import active_protocols, ensure_protocols

    ensure_protocols(clinic_id)
    return active_protocols(clinic_id, modality).filter(phase="maintenance").order_by("id").first()


def draft_maintenance_course(
    *, actor: Any, course: Course, request: HttpRequest | None = None, start_date: dt.date | None = None
) -> Course:
    """A planned maintenance course of the same modality for the prescriber to confirm.

    Goes through ``remit.treatment.actions_courses.plan_course`` (the screening gate, calendar,
    measurement schedule and audit); a gate refusal is a ``ValidationError`` carrying its reason.
    """
    from remit.treatment.actions_courses import DEFAULT_CLINIC_DAYS, CoursePlan, plan_course

    if actor is None or not actor.can("courses.plan", course.clinic_id):
        raise PermissionDenied("Only a prescriber of the patient's clinic can plan a course.")
    protocol = maintenance_protocol(course.clinic_id, course.modality)
    if protocol is None:
        raise ValidationError(
            f"The clinic has no active maintenance protocol for {course.get_modality_display()}: add one first."
        )
    mg_per_kg = None
    if course.modality in ("ketamine_iv", "ketamine_im"):
        default = (protocol.definition.get("dosing") or {}).get("mg_per_kg")
        mg_per_kg = course.mg_per_kg or (None if default is None else Decimal(str(default)))
    plan = CoursePlan(
        modality=course.modality,
        protocol=protocol,
        start_date=start_date or timezone.localdate(),
        clinic_days=DEFAULT_CLINIC_DAYS,
        session_time=dt.time(9, 0),
        mg_per_kg=mg_per_kg,
        prescriber=actor if actor.has_role(course.clinic_id, "prescriber") else None,
        notes=f"Drafted from the relapse after course #{course.pk}; confirm or discontinue.",
    )
    return plan_course(actor=actor, patient=course.patient, plan=plan, request=request)
