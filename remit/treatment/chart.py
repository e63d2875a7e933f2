"""The treatment section of the patient chart: courses with progress, and where to plan one.

Two queries whatever the number of courses.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Count, Q

from remit.treatment.models import Course, Session


def section_context(patient: Any, user: Any) -> dict[str, Any]:
    if not user.can("courses.view", patient.clinic_id):
        return {"visible": False}
    courses = list(
        Course.objects.filter(patient=patient, voided_at__isnull=True)
        .select_related("protocol")
        .annotate(
            given=Count(
                "sessions", filter=Q(sessions__status=Session.COMPLETED, sessions__voided_at__isnull=True)
            ),
        )
        .order_by("-start_date", "-id")[:20]
    )
    upcoming = (
        Session.objects.filter(patient=patient, status=Session.BOOKED, voided_at__isnull=True)
        .order_by("scheduled_for")
        .first()
    )
    return {
        "visible": True,
        "courses": courses,
        "next_session": upcoming,
        "may_plan": user.can("courses.plan", patient.clinic_id) and not patient.is_voided,
    }
