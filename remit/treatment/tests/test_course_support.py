"""Helpers for the course, protocol and Today tests (no tests here)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.utils import timezone

from remit.treatment import actions_courses as actions
from remit.treatment.models import Course, Protocol, Session


def next_monday(after: dt.date | None = None) -> dt.date:
    day = (after or timezone.localdate()) + dt.timedelta(days=1)
    while day.weekday() != 0:
        day += dt.timedelta(days=1)
    return day


def screened(world: Any, patient: Any, **special: Any) -> Any:
    """A signed screening that allows every modality (eligible and accepted)."""
    from remit.screening.tests.conftest import signed

    return signed(world, patient, **special)


def protocol(clinic: Any, code: str = "ketamine_iv_induction") -> Protocol:
    actions.ensure_protocols(clinic)
    return Protocol.objects.get(clinic=clinic, code=code, is_active=True)


def plan(world: Any, patient: Any, code: str = "ketamine_iv_induction", **changes: Any) -> Course:
    """A course planned through the action (the patient must have a signed screening)."""
    row = protocol(patient.clinic, code)
    values: dict[str, Any] = {
        "modality": row.modality,
        "protocol": row,
        "start_date": next_monday(),
        "clinic_days": frozenset({0, 1, 2, 3, 4}),
        "session_time": dt.time(9, 0),
        "room": "Chair 1",
        "mg_per_kg": Decimal("0.5") if row.modality.startswith("ketamine") else None,
    }
    values.update(changes)
    return actions.plan_course(
        actor=world.users["prescriber"], patient=patient, plan=actions.CoursePlan(**values)
    )


def course_post(row: Protocol, **changes: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "modality": row.modality,
        "protocol": str(row.pk),
        "start_date": next_monday().isoformat(),
        "clinic_days": ["0", "1", "2", "3", "4"],
        "session_time": "09:00",
        "room": "Chair 2",
        "planned_sessions": "",
        "mg_per_kg": "0.5",
        "authorised_sessions": "6",
        "authorisation_valid_until": "",
        "authorisation_reference": "PA-123",
        "notes": "",
    }
    data.update(changes)
    return data


def direct_course(world: Any, patient: Any, code: str = "ketamine_iv_induction", **fields: Any) -> Course:
    """A course row written directly (no gate): for pages that only display courses."""
    row = protocol(patient.clinic, code)
    values: dict[str, Any] = {
        "patient": patient,
        "clinic": patient.clinic,
        "modality": row.modality,
        "phase": row.phase,
        "protocol": row,
        "planned_sessions": row.definition["planned_sessions"],
        "status": Course.ACTIVE,
        "created_by": world.users["prescriber"],
        "start_date": timezone.localdate(),
    }
    values.update(fields)
    return Course.objects.create(**values)


def session_today(course: Course, number: int = 1, *, minutes_from_now: int = 0, **fields: Any) -> Session:
    at = timezone.now() + dt.timedelta(minutes=minutes_from_now)
    start = timezone.make_aware(dt.datetime.combine(timezone.localdate(), dt.time(0, 1)))
    end = start + dt.timedelta(hours=23, minutes=58)
    at = min(max(at, start), end)  # stay within today whatever the clock says
    values: dict[str, Any] = {
        "course": course,
        "patient": course.patient,
        "clinic": course.clinic,
        "modality": course.modality,
        "number": number,
        "scheduled_for": at,
        "room": "Chair 1",
    }
    values.update(fields)
    return Session.objects.create(**values)
