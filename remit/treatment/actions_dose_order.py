"""The prescriber's dose order on a course, and the reason a session's dose differs from it.

A ketamine course is ordered in mg/kg (``Course.mg_per_kg``), an esketamine course in mg
(``Course.esketamine_dose_mg``, 28 mg a device). Only a prescriber changes the order
(audited, before and after). The nurse charts against it: a dose that differs needs a
written reason, stored on the session (``dose_difference_reason``) and audited with the dose.
A prescriber's dose override (``session_chart.record_override``) is a reason too.
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import HttpRequest

from remit.accounts import roles as R
from remit.audit import actions as audit
from remit.core import dosing
from remit.treatment.models import Course, Session
from remit.treatment.session_chart import KETAMINE, OVERRIDE_REASON_MAX, fail

ESKETAMINE_ORDER_DOSES = (28, 56, 84)


def change_dose_order(
    course: Course, *, ordered: Any, actor: Any, request: HttpRequest | None = None
) -> Course:
    """A prescriber sets the course's ordered dose: mg/kg for ketamine, mg for esketamine."""
    if not actor.has_role(course.clinic_id, R.PRESCRIBER):
        raise PermissionDenied("Only a prescriber of this clinic can change the dose order.")
    with transaction.atomic():
        current = Course.objects.select_for_update().get(pk=course.pk)
        before: Any
        if current.is_voided or current.status not in (Course.PLANNED, Course.ACTIVE):
            raise fail(None, "The course has ended: its order can no longer change.")
        if current.modality in KETAMINE:
            try:
                value = Decimal(str(ordered)).quantize(Decimal("0.01"))
            except (InvalidOperation, ValueError):
                raise fail("ordered", "Enter the ordered dose in mg/kg, for example 0.5.") from None
            if not Decimal(0) < value <= Decimal(3):
                raise fail("ordered", "Enter the ordered dose in mg/kg, more than 0 and at most 3.")
            before, field = current.mg_per_kg, "mg_per_kg"
            current.mg_per_kg = value
        elif current.modality == "esketamine":
            if ordered not in ESKETAMINE_ORDER_DOSES:
                raise fail("ordered", "Choose the ordered dose: 28, 56 or 84 mg (1, 2 or 3 devices).")
            before, field = current.esketamine_dose_mg, "esketamine_dose_mg"
            current.esketamine_dose_mg = int(ordered)
        else:
            raise fail(None, "TMS courses follow their protocol; there is no dose order.")
        current.save(update_fields=[field])
        audit.record(
            audit.UPDATE,
            actor=actor,
            request=request,
            obj=current,
            patient=current.patient,
            detail={
                "step": "dose_order",
                "before": str(before) if before is not None else None,
                "after": str(getattr(current, field)),
            },
        )
    return current


def order_text(session: Session) -> str:
    """The course's order as a person reads it ("0.50 mg/kg", "56 mg (2 devices)"), or ""."""
    course = session.course
    if session.modality in KETAMINE and course.mg_per_kg is not None:
        return f"{course.mg_per_kg} mg/kg"
    if session.modality == "esketamine" and course.esketamine_dose_mg:
        devices = course.esketamine_dose_mg // dosing.ESKETAMINE_MG_PER_DEVICE
        return f"{course.esketamine_dose_mg} mg ({devices} device{'s' if devices != 1 else ''})"
    return ""


def difference_reason(session: Session, charted: Any, reason: str | None, *, override: str = "") -> str:
    """The reason a charted dose differs from the order ("" when it matches, or no order is set).

    Refuses (``difference_reason``) a different dose without a written reason; a prescriber's
    override reason counts as one.
    """
    course = session.course
    ordered: Any = course.mg_per_kg if session.modality in KETAMINE else course.esketamine_dose_mg
    if ordered is None or charted is None or Decimal(str(charted)) == Decimal(str(ordered)):
        return ""
    text = (reason or "").strip() or (override or "").strip()
    unit = "mg/kg" if session.modality in KETAMINE else "mg"
    if not text:
        raise fail(
            "difference_reason",
            f"The prescriber ordered {order_text(session)}; give the reason for charting {charted} {unit}.",
        )
    if len(text) > OVERRIDE_REASON_MAX:
        raise fail("difference_reason", f"Keep the reason under {OVERRIDE_REASON_MAX} characters.")
    return text
