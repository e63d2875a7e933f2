"""Protocols and courses: every change goes through one function here that validates, writes and audits.

Course status: a course is created ``planned`` (only through the
screening gate); it becomes ``active`` when its first session is checked in
(``start_course_if_planned``, called by the session check-in action inside
its own transaction); it ends ``completed`` or ``discontinued`` (with a
reason). Ending a course cancels its remaining booked sessions and its open
future questionnaire requests.

Errors are ``django.core.exceptions.ValidationError`` with a dict naming the
form field at fault, so the form shows the message beside the field and
nothing is saved.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Collection, Iterable
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.http import HttpRequest
from django.utils import timezone

from remit.accounts.models import Clinic
from remit.audit import actions as audit
from remit.core.authorization import Authorization, Beyond, Booking, beyond_authorization, booking_warning
from remit.core.calendar import CalendarError, plan_sessions
from remit.core.measurement_schedule import ScheduledSession, measurement_schedule
from remit.core.modality import DRUG_MODALITIES
from remit.core.protocols import BUILTIN_PROTOCOLS, KetamineDosing, ProtocolError, protocol_from_dict
from remit.core.protocols import Protocol as CoreProtocol
from remit.patients.models import Patient
from remit.treatment.clinic_day import clinic_day
from remit.treatment.models import Course, Protocol, Session

COURSE_TYPE = "treatment.course"
# Sessions that hold a place in the patient's diary (a cancelled or missed one does not).
LIVE_SESSION_STATUSES = (
    Session.BOOKED,
    Session.CHECKED_IN,
    Session.DOSING,
    Session.MONITORING,
    Session.READY,
    Session.COMPLETED,
)
IN_PROGRESS_STATUSES = (Session.CHECKED_IN, Session.DOSING, Session.MONITORING, Session.READY)
DEFAULT_CLINIC_DAYS = frozenset({0, 1, 2, 3, 4})
# A start date may be yesterday (entering a course that began that day), never earlier.
MAX_START_DAYS_IN_PAST = 1


def _error(field: str, message: str) -> ValidationError:
    return ValidationError({field: [message]})


# --- protocols -----------------------------------------------------------------------------


def ensure_protocols(clinic: Clinic | int, actor: Any = None, *, record: bool = True) -> int:
    """Give a clinic that has no protocols a copy of every built-in one (version 1). Returns how many were added.

    ``record=False`` is for ``remit generate``, whose single audit event covers the whole run.
    """
    clinic_id = clinic.pk if isinstance(clinic, Clinic) else clinic
    if Protocol.objects.filter(clinic_id=clinic_id).exists():
        return 0
    rows = [
        Protocol(
            clinic_id=clinic_id,
            code=p.code,
            version=1,
            name=p.name,
            modality=p.modality,
            phase=p.phase,
            definition={**p.to_dict(), "version": 1},
            is_active=True,
            created_by=actor,
        )
        for p in BUILTIN_PROTOCOLS.values()
    ]
    with transaction.atomic():
        # Two first plannings at once: the unique (clinic, code, version) keeps one copy.
        Protocol.objects.bulk_create(rows, ignore_conflicts=True)
        if not record:
            return len(rows)
        audit.record(
            audit.CREATE,
            actor=actor,
            actor_label="" if actor is not None else "remit",
            object_type="treatment.protocol",
            clinic_id=clinic_id,
            detail={"seeded": sorted(BUILTIN_PROTOCOLS)},
        )
    return len(rows)


def core_protocol(row: Protocol) -> CoreProtocol:
    return protocol_from_dict(row.definition)


def save_protocol_version(
    *, actor: Any, protocol: Protocol, data: dict[str, Any], request: HttpRequest | None = None
) -> Protocol:
    """Save an edited protocol as a new version; the older versions stay for the courses planned with them.

    ``data`` is a protocol dict (``Protocol.to_dict`` shape). Raises
    ``ValidationError`` whose key is the dotted path of the field at fault.
    """
    if not isinstance(data, dict):
        raise _error("definition", "must be an object")
    try:
        parsed = protocol_from_dict({**data, "version": 1})
    except ProtocolError as error:
        raise _error(error.field, error.message) from None
    if parsed.code != protocol.code:
        raise _error("code", f"cannot change ({protocol.code!r}); a different protocol is a new code")
    if parsed.modality != protocol.modality:
        raise _error(
            "modality", f"cannot change ({protocol.modality}); a different modality is a new protocol"
        )
    with transaction.atomic():
        versions = Protocol.objects.select_for_update().filter(
            clinic_id=protocol.clinic_id, code=protocol.code
        )
        latest = versions.aggregate(m=Max("version"))["m"] or 0
        version = latest + 1
        definition = {**parsed.to_dict(), "version": version}
        versions.filter(is_active=True).update(is_active=False)
        row = Protocol.objects.create(
            clinic_id=protocol.clinic_id,
            code=protocol.code,
            version=version,
            name=parsed.name,
            modality=parsed.modality,
            phase=parsed.phase,
            definition=definition,
            is_active=True,
            created_by=actor,
        )
        audit.record(
            audit.UPDATE,
            actor=actor,
            request=request,
            obj=row,
            clinic_id=protocol.clinic_id,
            detail={"code": protocol.code, "from_version": protocol.version, "to_version": version},
        )
    return row


def active_protocols(clinic: Clinic | int, modality: str | None = None) -> Any:
    qs = Protocol.objects.filter(clinic_id=getattr(clinic, "pk", clinic), is_active=True)
    if modality:
        qs = qs.filter(modality=modality)
    return qs.order_by("phase", "name")


# --- planning ------------------------------------------------------------------------------


@dataclasses.dataclass(frozen=True)
class CoursePlan:
    """What the planning form collected, as plain values."""

    modality: str
    protocol: Protocol
    start_date: dt.date
    clinic_days: frozenset[int]
    session_time: dt.time
    room: str = ""
    planned_sessions: int | None = None
    mg_per_kg: Decimal | None = None
    authorised_sessions: int | None = None
    authorisation_valid_until: dt.date | None = None
    authorisation_reference: str = ""
    prescriber: Any = None
    notes: str = ""
    beyond_authorization_reason: str = ""


def resize(protocol: CoreProtocol, sessions: int | None) -> CoreProtocol:
    """The protocol with ``sessions`` sessions: fewer drops the last ones, more lengthens the last stage."""
    if sessions is None or sessions == protocol.planned_sessions:
        return protocol
    if sessions < 1:
        raise _error("planned_sessions", "must be at least 1")
    stages = list(protocol.stages)
    try:
        if sessions < protocol.planned_sessions:
            kept, left = [], sessions
            for stage in stages:
                if left <= 0:
                    break
                take = min(stage.sessions, left)
                kept.append(stage if take == stage.sessions else dataclasses.replace(stage, sessions=take))
                left -= take
            stages = kept
        else:
            extra = sessions - protocol.planned_sessions
            stages[-1] = dataclasses.replace(stages[-1], sessions=stages[-1].sessions + extra)
        return dataclasses.replace(
            protocol,
            planned_sessions=sessions,
            stages=tuple(stages),
            nonresponse_checkpoint_session=(
                protocol.nonresponse_checkpoint_session
                if (protocol.nonresponse_checkpoint_session or 0) <= sessions
                else None
            ),
        )
    except ProtocolError as error:
        raise _error("planned_sessions", f"{sessions} does not fit this protocol ({error.message})") from None


def booked_dates(patient: Patient, modality: str, *, exclude_course: Course | None = None) -> set[dt.date]:
    """Days the patient already has a session that a new one of ``modality`` must keep clear of.

    Drug sessions (ketamine, esketamine) keep clear of every other drug session:
    never two infusions on one day. TMS keeps clear of other TMS courses' days.
    """
    family: list[str] = list(DRUG_MODALITIES) if modality in DRUG_MODALITIES else [modality]
    qs = Session.objects.filter(
        patient=patient, modality__in=family, status__in=LIVE_SESSION_STATUSES, voided_at__isnull=True
    )
    if exclude_course is not None:
        qs = qs.exclude(course=exclude_course)
    return {timezone.localdate(at) for at in qs.values_list("scheduled_for", flat=True)}


def _at(day: dt.date, time: dt.time, offset_minutes: int = 0) -> dt.datetime:
    naive = dt.datetime.combine(day, time) + dt.timedelta(minutes=offset_minutes)
    return timezone.make_aware(naive)


def _check_plan(plan: CoursePlan, patient: Patient, protocol: CoreProtocol, today: dt.date) -> None:
    if plan.protocol.clinic_id != patient.clinic_id or not plan.protocol.is_active:
        raise _error("protocol", "choose one of the clinic's current protocols")
    if plan.protocol.modality != plan.modality:
        raise _error(
            "protocol",
            f"this protocol is for {plan.protocol.get_modality_display()}, not the chosen modality",
        )
    if plan.start_date < today - dt.timedelta(days=MAX_START_DAYS_IN_PAST):
        raise _error("start_date", f"cannot be more than {MAX_START_DAYS_IN_PAST} day in the past")
    if not plan.clinic_days:
        raise _error("clinic_days", "choose at least one clinic day")
    if plan.planned_sessions is not None and not 1 <= plan.planned_sessions <= 200:
        raise _error("planned_sessions", "must be between 1 and 200")
    if plan.authorised_sessions is not None and plan.authorised_sessions < 0:
        raise _error("authorised_sessions", "cannot be negative")
    if isinstance(protocol.dosing, KetamineDosing):
        if plan.mg_per_kg is None:
            raise _error("mg_per_kg", "a ketamine course needs the ordered dose in mg/kg")
        if plan.mg_per_kg <= 0:
            raise _error("mg_per_kg", "must be more than 0")
        if plan.mg_per_kg > protocol.dosing.max_mg_per_kg:
            raise _error(
                "mg_per_kg",
                f"{plan.mg_per_kg} mg/kg is above the protocol maximum of {protocol.dosing.max_mg_per_kg} mg/kg",
            )
    elif plan.mg_per_kg is not None:
        raise _error("mg_per_kg", "only ketamine courses are ordered in mg/kg")
    if plan.prescriber is not None and not (plan.prescriber.has_role(patient.clinic_id, "prescriber")):
        raise _error("prescriber", "choose a prescriber of the patient's clinic")


def plan_course(
    *, actor: Any, patient: Patient, plan: CoursePlan, request: HttpRequest | None = None
) -> Course:
    """Start a course through the screening gate: the course, its session calendar and its measurement schedule.

    Refused (``ValidationError`` on ``__all__`` with the gate's reason) when the
    gate does not allow the modality. All rows and their audit events are
    written in one transaction.
    """
    from remit.screening.gate import check_gate

    if patient.is_voided:
        raise ValidationError("This patient's record is voided.")
    today = timezone.localdate()
    protocol = resize(core_protocol(plan.protocol), plan.planned_sessions)
    _check_plan(plan, patient, protocol, today)
    # The screening must be valid on the day the course starts (or today, if that is later).
    gate = check_gate(patient, plan.modality, on=max(today, plan.start_date))
    if not gate.allowed:
        raise ValidationError(gate.reason, code="gate")

    with transaction.atomic():
        # Serialise planning for one patient so two courses cannot take the same day.
        Patient.objects.select_for_update().filter(pk=patient.pk).first()
        existing = booked_dates(patient, plan.modality)
        try:
            planned = plan_sessions(protocol, plan.start_date, plan.clinic_days, existing=existing)
        except CalendarError as error:
            field = error.field if error.field in ("start_date", "clinic_days") else "clinic_days"
            raise _error(field, error.message) from None
        authorization = Authorization(plan.authorised_sessions, plan.authorisation_valid_until)
        beyond = beyond_authorization([Booking(p.number, p.number, p.date) for p in planned], authorization)
        reason = plan.beyond_authorization_reason.strip()
        if beyond and not reason:
            warning = booking_warning([Booking(p.number, p.number, p.date) for p in planned], authorization)
            raise _error(
                "beyond_authorization_reason",
                f"{warning} Give the reason for booking them, or book fewer sessions.",
            )
        course = Course.objects.create(
            patient=patient,
            clinic_id=patient.clinic_id,
            modality=plan.modality,
            phase=plan.protocol.phase,
            protocol=plan.protocol,
            planned_sessions=len(planned),
            status=Course.PLANNED,
            screening=gate.screening,
            # Empty prescriber: the prescriber planning it.
            prescriber=plan.prescriber
            or (
                actor
                if getattr(actor, "has_role", None) and actor.has_role(patient.clinic_id, "prescriber")
                else None
            ),
            created_by=actor,
            start_date=plan.start_date,
            mg_per_kg=plan.mg_per_kg,
            authorised_sessions=plan.authorised_sessions,
            authorisation_valid_until=plan.authorisation_valid_until,
            authorisation_reference=plan.authorisation_reference,
            notes=plan.notes,
        )
        sessions = Session.objects.bulk_create(
            [
                Session(
                    course=course,
                    patient=patient,
                    clinic_id=patient.clinic_id,
                    modality=plan.modality,
                    number=p.number,
                    scheduled_for=_at(p.date, plan.session_time, p.start_offset_minutes),
                    room=plan.room,
                    mg_per_kg=plan.mg_per_kg,
                    beyond_authorization_reason=reason if p.number in beyond else "",
                )
                for p in planned
            ]
        )
        audit.record(
            audit.CREATE,
            actor=actor,
            request=request,
            obj=course,
            patient=patient,
            detail={
                "protocol": plan.protocol.code,
                "protocol_version": plan.protocol.version,
                "sessions": len(sessions),
                "first": planned[0].date.isoformat(),
                "last": planned[-1].date.isoformat(),
                "gate": gate.reason,
                "screening": gate.screening.pk if gate.screening else None,
                "beyond_authorization": ({"sessions": sorted(beyond), "reason": reason} if beyond else None),
            },
        )
        schedule_measurements(
            course, [(p.date, plan.modality) for p in planned], actor=actor, request=request
        )
    return course


def schedule_measurements(
    course: Course,
    sessions: Iterable[tuple[dt.date, str]],
    *,
    actor: Any = None,
    request: Any = None,
    after: dt.date | None = None,
) -> int:
    """Create the course's questionnaire requests through the measures app.

    An instrument the patient is already asked that day (by this course or
    another) is not asked again.  With ``after``, only days after it are
    considered.
    """
    from remit.measures.actions_questionnaire_requests import schedule_for_course

    scheduled = [ScheduledSession(day, modality) for day, modality in sessions]  # type: ignore[arg-type]
    if not scheduled:
        return 0
    dues = measurement_schedule(
        scheduled, intake_date=scheduled[0].date if course.phase == "induction" else None
    )
    if after is not None:
        dues = [due for due in dues if due.due_date > after]
    created = schedule_for_course(
        patient=course.patient,
        dues=dues,
        course_type=COURSE_TYPE,
        course_id=course.pk,
        actor=actor,
        request=request,
    )
    return len(created)


# --- course changes ------------------------------------------------------------------------


def stage_for(protocol: CoreProtocol, number: int) -> Any:
    """The protocol stage session ``number`` (1-based) belongs to; the last stage past the end."""
    seen = 0
    for stage in protocol.stages:
        seen += stage.sessions
        if number <= seen:
            return stage
    return protocol.stages[-1]


def check_reschedule(session: Session, when: dt.datetime, *, today: dt.date | None = None) -> None:
    """Refuse a new date that is in the past, breaks the protocol's spacing or puts two infusions on one day."""
    today = today or timezone.localdate()
    day = timezone.localdate(when)
    if day < today:
        raise _error("date", "cannot be in the past")
    protocol = core_protocol(session.course.protocol)
    stage = stage_for(protocol, session.number)
    siblings = list(
        Session.objects.filter(
            course_id=session.course_id, status__in=LIVE_SESSION_STATUSES, voided_at__isnull=True
        )
        .exclude(pk=session.pk)
        .values_list("number", "scheduled_for")
    )
    gap = stage.min_days_between
    for number, at in siblings:
        other = timezone.localdate(at)
        if stage.sessions_per_day > 1 and other == day:
            continue  # accelerated TMS: several sessions on one day by design
        if number < session.number and (day - other).days < gap:
            raise _error(
                "date",
                f"must be at least {gap} day{'s' if gap != 1 else ''} after session {number} ({other.isoformat()}): "
                "the protocol's minimum spacing",
            )
        if number > session.number and (other - day).days < gap:
            raise _error(
                "date",
                f"must be at least {gap} day{'s' if gap != 1 else ''} before session {number} ({other.isoformat()}): "
                "the protocol's minimum spacing",
            )
    if session.modality in DRUG_MODALITIES and day in booked_dates(
        session.patient, session.modality, exclude_course=session.course
    ):
        raise _error(
            "date", "the patient already has a ketamine or esketamine session that day: never two on one day"
        )


def reschedule_session(
    *, actor: Any, session: Session, when: dt.datetime, room: str, request: HttpRequest | None = None
) -> Session:
    with transaction.atomic():
        locked = (
            Session.objects.select_for_update()
            .select_related("course__protocol", "patient")
            .get(pk=session.pk)
        )
        if locked.status != Session.BOOKED or locked.is_voided or locked.is_signed:
            raise ValidationError("Only a booked session can be moved.")
        if locked.course.status not in (Course.PLANNED, Course.ACTIVE):
            raise ValidationError(f"The course is {locked.course.get_status_display().lower()}.")
        check_reschedule(locked, when)
        before = {"scheduled_for": locked.scheduled_for.isoformat(), "room": locked.room}
        locked.scheduled_for = when
        locked.room = room.strip()[:40]
        locked.save(update_fields=["scheduled_for", "room"])
        audit.record(
            audit.UPDATE,
            actor=actor,
            request=request,
            obj=locked,
            patient=locked.patient,
            detail={
                "rescheduled": True,
                "before": before,
                "after": {"scheduled_for": when.isoformat(), "room": locked.room},
            },
        )
    return locked


def start_course_if_planned(
    session: Session, *, actor: Any = None, request: HttpRequest | None = None
) -> bool:
    """Call when a session is checked in: a planned course becomes active. True if it changed."""
    changed = Course.objects.filter(pk=session.course_id, status=Course.PLANNED).update(status=Course.ACTIVE)
    if changed:
        audit.record(
            audit.UPDATE,
            actor=actor,
            request=request,
            object_type="treatment.course",
            object_id=session.course_id,
            patient=session.patient,
            detail={"status": Course.ACTIVE, "first_session": session.pk},
        )
    return bool(changed)


def _close_remaining(course: Course, reason: str, actor: Any, request: Any) -> tuple[int, int]:
    from remit.measures.actions_questionnaire_requests import cancel_questionnaire_request
    from remit.measures.models import QuestionnaireRequest

    booked = Session.objects.filter(course=course, status=Session.BOOKED, voided_at__isnull=True)
    cancelled = booked.update(status=Session.CANCELLED)
    requests = QuestionnaireRequest.objects.filter(
        course_type=COURSE_TYPE,
        course_id=str(course.pk),
        status__in=QuestionnaireRequest.OPEN,
        due_date__gt=timezone.localdate(),
        kind__in=("pre_session", "post_dose", "tms_weekly"),
    )
    count = 0
    for questionnaire_request in requests:
        cancel_questionnaire_request(actor, questionnaire_request, reason, request)
        count += 1
    if count:
        reask_for_other_courses(course, actor=actor, request=request)
    return cancelled, count


def reask_for_other_courses(course: Course, *, actor: Any = None, request: Any = None) -> int:
    """Re-ask what the patient's other planned or active courses need after this one's questionnaires end.

    A questionnaire is asked once a day for all of a patient's courses, so the
    day an induction's post-dose PHQ-9 coincides with its maintenance course's
    first pre-session PHQ-9, only one is stored.  When the induction ends and
    its future questionnaires are cancelled, the other courses' questionnaires
    for those days are asked again here (future days only).
    """
    today = timezone.localdate()
    others = (
        Course.objects.filter(
            patient_id=course.patient_id,
            status__in=(Course.PLANNED, Course.ACTIVE),
            voided_at__isnull=True,
        )
        .exclude(pk=course.pk)
        .select_related("patient")
    )
    created = 0
    for other in others:
        sessions = Session.objects.filter(
            course=other, status__in=LIVE_SESSION_STATUSES, voided_at__isnull=True
        ).order_by("scheduled_for", "id")
        created += schedule_measurements(
            other,
            [(timezone.localdate(s.scheduled_for), s.modality) for s in sessions],
            actor=actor,
            request=request,
            after=today,
        )
    return created


def _end_course(
    course: Course, status: str, reason: str, actor: Any, request: Any, *, today: dt.date | None = None
) -> Course:
    with transaction.atomic():
        locked = Course.objects.select_for_update().get(pk=course.pk)
        if locked.status not in (Course.PLANNED, Course.ACTIVE) or locked.is_voided:
            raise ValidationError(f"This course is already {locked.get_status_display().lower()}.")
        if Session.objects.filter(
            course=locked, status__in=IN_PROGRESS_STATUSES, voided_at__isnull=True
        ).exists():
            raise ValidationError("A session of this course is in progress: finish it first.")
        cancelled, requests = _close_remaining(locked, reason or status, actor, request)
        locked.status = status
        locked.end_date = today or timezone.localdate()
        if status == Course.DISCONTINUED:
            locked.discontinue_reason = reason
        locked.save(update_fields=["status", "end_date", "discontinue_reason"])
        audit.record(
            audit.UPDATE,
            actor=actor,
            request=request,
            obj=locked,
            patient=locked.patient_id,
            clinic_id=locked.clinic_id,
            detail={
                "status": status,
                "reason": reason,
                "sessions_cancelled": cancelled,
                "requests_cancelled": requests,
            },
        )
    return locked


def discontinue_course(
    *, actor: Any, course: Course, reason: str, request: HttpRequest | None = None
) -> Course:
    reason = (reason or "").strip()
    if not reason:
        raise _error("reason", "say why the course is discontinued")
    return _end_course(course, Course.DISCONTINUED, reason[:500], actor, request)


def complete_course(*, actor: Any, course: Course, request: HttpRequest | None = None) -> Course:
    return _end_course(course, Course.COMPLETED, "", actor, request)


def update_authorisation(
    *,
    actor: Any,
    course: Course,
    authorised_sessions: int | None,
    valid_until: dt.date | None,
    reference: str,
    request: HttpRequest | None = None,
) -> Course:
    if authorised_sessions is not None and authorised_sessions < 0:
        raise _error("authorised_sessions", "cannot be negative")
    with transaction.atomic():
        locked = Course.objects.select_for_update().get(pk=course.pk)
        before = {
            "authorised_sessions": locked.authorised_sessions,
            "valid_until": locked.authorisation_valid_until,
            "reference": locked.authorisation_reference,
        }
        locked.authorised_sessions = authorised_sessions
        locked.authorisation_valid_until = valid_until
        locked.authorisation_reference = reference.strip()[:100]
        locked.save(
            update_fields=["authorised_sessions", "authorisation_valid_until", "authorisation_reference"]
        )
        audit.record(
            audit.UPDATE,
            actor=actor,
            request=request,
            obj=locked,
            patient=locked.patient_id,
            clinic_id=locked.clinic_id,
            detail={
                "authorization": {
                    "before": before,
                    "after": {
                        "authorised_sessions": authorised_sessions,
                        "valid_until": valid_until,
                        "reference": reference,
                    },
                }
            },
        )
    return locked


# --- payer authorization ------------------------------------------------------------------

LOW_REMAINING_SESSIONS = 2
LOW_REMAINING_DAYS = 7


def authorization_of(course: Course) -> Authorization:
    return Authorization(course.authorised_sessions, course.authorisation_valid_until)


def beyond_for_courses(courses: Collection[Course]) -> dict[int, Beyond]:
    """Sessions beyond their course's payer authorization, keyed by session id (one query in all)."""
    authorizations = {course.pk: authorization_of(course) for course in courses}
    recorded = {pk for pk, a in authorizations.items() if a.recorded}
    if not recorded:
        return {}
    bookings: dict[int, list[Booking]] = {pk: [] for pk in recorded}
    rows = Session.objects.filter(
        course_id__in=recorded, status__in=LIVE_SESSION_STATUSES, voided_at__isnull=True
    ).values_list("pk", "course_id", "number", "scheduled_for")
    for pk, course_id, number, at in rows:
        bookings[course_id].append(Booking(pk, number, clinic_day(at)))
    out: dict[int, Beyond] = {}
    for course_id, booked in bookings.items():
        out.update(beyond_authorization(booked, authorizations[course_id]))
    return out


def course_bookings(course: Course) -> list[Booking]:
    """The course's sessions that count against its authorization (those holding a place)."""
    rows = Session.objects.filter(
        course=course, status__in=LIVE_SESSION_STATUSES, voided_at__isnull=True
    ).values_list("pk", "number", "scheduled_for")
    return [Booking(pk, number, clinic_day(at)) for pk, number, at in rows]


def authorization_warnings(
    course: Course,
    used: int,
    *,
    today: dt.date | None = None,
    planned_after: Collection[dt.date] = (),
    bookings: Collection[Booking] = (),
) -> list[str]:
    """Plain-words warnings about the payer authorization.

    More sessions booked than authorized (``bookings``: the course's sessions
    holding a place), few left (≤ 2 sessions or ≤ 7 days), expired, or booked
    sessions after it ends.
    """
    today = today or timezone.localdate()
    warnings: list[str] = []
    over = booking_warning(bookings, Authorization(course.authorised_sessions)) if bookings else None
    if over:
        warnings.append(over)
    if course.authorised_sessions is not None:
        remaining = course.authorised_sessions - used
        if remaining <= 0:
            warnings.append(f"No authorized sessions left ({used} used of {course.authorised_sessions}).")
        elif remaining <= LOW_REMAINING_SESSIONS:
            warnings.append(
                f"Only {remaining} authorized session{'s' if remaining != 1 else ''} left ({used} used of {course.authorised_sessions})."
            )
    until = course.authorisation_valid_until
    if until is not None:
        days = (until - today).days
        if days < 0:
            warnings.append(f"The authorization expired on {until.isoformat()}.")
        elif days <= LOW_REMAINING_DAYS:
            warnings.append(
                f"The authorization ends on {until.isoformat()} ({days} day{'s' if days != 1 else ''} left)."
            )
        late = sorted(d for d in planned_after if d > until)
        if late and days >= 0:
            warnings.append(
                f"{len(late)} booked session{'s are' if len(late) != 1 else ' is'} after the authorization ends."
            )
    return warnings
