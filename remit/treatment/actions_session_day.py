"""A session is charted on the day it is booked for: moving a session to today, and the gate that asks for it.

Charting starts on a booked session only when it is booked for the clinic's
today (``remit.treatment.clinic_day``). A session booked for another day is
first moved to today, through ``move_session_to_today``: the session goes to
today at its booked time of day, and the course's later booked sessions shift
with it, each keeping at least its gap to the one before it and landing on a
day the course is treated on (``remit.core.calendar.shift_booked``). Every
moved session gets its own audit row, in one transaction.

A session of a course that has not started (still ``planned``: no session
checked in yet) is not moved: the course starts on its booked first session,
and starting it earlier is a change to the course (move its first session on
the course page). Moving is also refused when it would break the protocol's
minimum spacing from the session before, jump ahead of an earlier session still
booked, or put two ketamine or esketamine sessions on one day.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpRequest

from remit.audit import actions as audit
from remit.core.calendar import CalendarError, Shift, shift_booked
from remit.core.modality import DRUG_MODALITIES
from remit.treatment.actions_courses import (
    LIVE_SESSION_STATUSES,
    booked_dates,
    core_protocol,
    stage_for,
)
from remit.treatment.clinic_day import at_clinic_time, clinic_day, clinic_today
from remit.treatment.models import Course, Session

NOT_TODAY = "not_today"
COURSE_NOT_STARTED = "course_not_started"


def _day(day: dt.date) -> str:
    return f"{day:%a} {day.isoformat()}"


def needs_move_to_today(session: Session, today: dt.date | None = None) -> bool:
    """A booked session (nothing charted yet) whose booked day is not the clinic's today."""
    if session.status != Session.BOOKED or session.is_voided or session.is_signed:
        return False
    return clinic_day(session.scheduled_for) != (today or clinic_today())


def not_today_error(session: Session, today: dt.date | None = None) -> ValidationError:
    """The refusal charting gives for a booked session of another day (its code says which case)."""
    booked = clinic_day(session.scheduled_for)
    if session.course.status == Course.PLANNED:
        return ValidationError(
            f"Session {session.number} is booked for {_day(booked)} and its course has not started: "
            "it cannot be charted today. A course starts on its booked first session; to start it "
            "earlier, move that session on the course page.",
            code=COURSE_NOT_STARTED,
        )
    return ValidationError(
        f"Session {session.number} is booked for {_day(booked)}, not today "
        f"({_day(today or clinic_today())}): move it to today before charting it.",
        code=NOT_TODAY,
    )


@dataclasses.dataclass(frozen=True)
class MovePlan:
    today: dt.date
    shifts: list[Shift]
    sessions: dict[int, Session]  # by number


def plan_move_to_today(session: Session, *, today: dt.date | None = None) -> MovePlan:
    """What moving ``session`` to today would do, or ``ValidationError`` saying why it cannot be moved."""
    today = today or clinic_today()
    course = session.course
    if session.status != Session.BOOKED or session.is_voided or session.is_signed:
        raise ValidationError("Only a booked session can be moved to today.")
    booked_day = clinic_day(session.scheduled_for)
    if booked_day == today:
        raise ValidationError(f"Session {session.number} is already booked for today.")
    if course.status == Course.PLANNED:
        raise not_today_error(session, today)
    if course.status != Course.ACTIVE or course.is_voided:
        raise ValidationError(f"The course is {course.get_status_display().lower()}.")
    siblings = list(
        Session.objects.filter(course=course, status__in=LIVE_SESSION_STATUSES, voided_at__isnull=True)
        .exclude(pk=session.pk)
        .order_by("number", "scheduled_for")
    )
    stage = stage_for(core_protocol(course.protocol), session.number)
    gap = stage.min_days_between
    for other in siblings:
        other_day = clinic_day(other.scheduled_for)
        if other.number >= session.number:
            continue
        if other.status == Session.BOOKED and other_day > today:
            raise ValidationError(
                f"Session {other.number} is still booked for {_day(other_day)}: chart it before session "
                f"{session.number}."
            )
        if stage.sessions_per_day > 1 and other_day == today:
            continue  # accelerated TMS: several sessions on one day by design
        if 0 <= (today - other_day).days < gap:
            raise ValidationError(
                f"Session {other.number} was on {_day(other_day)}: the protocol needs at least {gap} "
                f"day{'s' if gap != 1 else ''} between sessions, so session {session.number} cannot be "
                f"given before {_day(other_day + dt.timedelta(days=gap))}."
            )
    blocked: set[dt.date] = set()
    if session.modality in DRUG_MODALITIES:
        blocked = booked_dates(session.patient, session.modality, exclude_course=course)
        if today in blocked:
            raise ValidationError(
                "The patient already has a ketamine or esketamine session today: never two on one day."
            )
    later = [s for s in siblings if s.number > session.number and s.status == Session.BOOKED]
    moving = [session, *later]
    clinic_days = frozenset(
        {today.weekday()} | {clinic_day(s.scheduled_for).weekday() for s in [session, *siblings]}
    )
    try:
        shifts = shift_booked(
            [(s.number, clinic_day(s.scheduled_for)) for s in moving], today, clinic_days, blocked=blocked
        )
    except CalendarError as error:
        raise ValidationError(f"The later sessions cannot be shifted: {error.message}.") from None
    return MovePlan(today, shifts, {s.number: s for s in moving})


def move_session_to_today(*, actor: Any, session: Session, request: HttpRequest | None = None) -> Session:
    """Move a booked session to today and shift the course's later booked sessions; audited per session."""
    with transaction.atomic():
        # Lock the course's sessions so two moves (or a move and a check-in) cannot interleave.
        list(Session.objects.select_for_update().filter(course_id=session.course_id).values_list("pk"))
        current = Session.objects.select_related("course__protocol", "patient").get(pk=session.pk)
        plan = plan_move_to_today(current)
        for shift in plan.shifts:
            row = plan.sessions[shift.number]
            if shift.after == shift.before:
                continue
            before = row.scheduled_for
            row.scheduled_for = at_clinic_time(shift.after, before)
            row.save(update_fields=["scheduled_for"])
            audit.record(
                audit.UPDATE,
                actor=actor,
                request=request,
                obj=row,
                patient=row.patient_id,
                clinic_id=row.clinic_id,
                detail={
                    **(
                        {"moved_to_today": True}
                        if row.pk == current.pk
                        else {"shifted_with_session": current.pk}
                    ),
                    "number": row.number,
                    "before": before.isoformat(),
                    "after": row.scheduled_for.isoformat(),
                },
            )
    return plan.sessions[current.number]
