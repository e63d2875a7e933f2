"""Ask a patient questionnaires on a day: create, bundle, schedule for a course and cancel requests.

A patient is asked an instrument at most once a day (``remit.measures.dedupe``);
what is asked the same day is bundled into one request so the patient gets
one message.  Also the two reads every later step needs: the request's live
assessments and the instruments still unanswered.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from remit.audit import actions as audit
from remit.core.instruments import UnknownInstrument, get_instrument
from remit.core.measurement_schedule import KIND_PRIORITY, MeasurementDue
from remit.measures import dedupe
from remit.measures.actions_assessments import VOIDED_PATIENT
from remit.measures.models import Assessment, QuestionnaireRequest, RequestedInstrument
from remit.patients.models import Patient

WORKER_LABEL = "worker"


def closes_at_for(due_date: dt.date, window_days: int) -> dt.datetime:
    """The end (local midnight) of the last day the request is open."""
    last = due_date + dt.timedelta(days=window_days + 1)
    return timezone.make_aware(dt.datetime.combine(last, dt.time.min))


def check_portal_instruments(codes: Sequence[str]) -> list[str]:
    """Instrument codes a patient can answer on the portal, in order, without repeats."""
    if not codes:
        raise ValidationError({"instruments": ["Choose at least one questionnaire."]})
    seen: list[str] = []
    for code in codes:
        try:
            instrument = get_instrument(code)
        except UnknownInstrument as error:
            raise ValidationError({"instruments": [str(error)]}) from None
        if instrument.respondent != "patient":
            raise ValidationError(
                {"instruments": [f"{instrument.name} is rated by a clinician, not sent to the patient."]}
            )
        if code not in seen:
            seen.append(code)
    return seen


class AlreadyAsked(ValidationError):
    """Every instrument asked is already asked of the patient that day, in a questionnaire request already closed."""


def instrument_names(codes: Iterable[str]) -> str:
    return ", ".join(get_instrument(code).name for code in codes)


def _add_items(questionnaire_request: QuestionnaireRequest, codes: Sequence[str]) -> None:
    RequestedInstrument.objects.bulk_create(
        [
            RequestedInstrument(
                questionnaire_request=questionnaire_request,
                patient_id=questionnaire_request.patient_id,
                instrument=code,
                due_date=questionnaire_request.due_date,
            )
            for code in codes
        ]
    )


def create_questionnaire_request(
    *,
    patient: Patient,
    instruments: Sequence[str],
    due_date: dt.date | None = None,
    window_days: int = 0,
    reason: str = "",
    kind: str = "one_off",
    actor: Any = None,
    request: Any = None,
    course_type: str = "",
    course_id: str = "",
    session_type: str = "",
    session_id: str = "",
    session_number: int | None = None,
) -> QuestionnaireRequest:
    """Ask the patient ``instruments`` on ``due_date`` — each instrument at most once that day.

    An instrument the patient is already asked that day (by any course or
    person, ``remit.measures.dedupe``) is dropped.  What remains joins the
    day's questionnaire request not sent yet, if there is one, so the patient gets one text;
    otherwise it is a new request.  When every instrument is already asked,
    the open request asking them is returned (nothing is written); if that
    day's questionnaire is already closed, the call is refused, naming it.
    """
    questionnaire_request, _changed = request_questionnaires(
        patient=patient,
        instruments=instruments,
        due_date=due_date,
        window_days=window_days,
        reason=reason,
        kind=kind,
        actor=actor,
        request=request,
        course_type=course_type,
        course_id=course_id,
        session_type=session_type,
        session_id=session_id,
        session_number=session_number,
    )
    return questionnaire_request


def request_questionnaires(
    *,
    patient: Patient,
    instruments: Sequence[str],
    due_date: dt.date | None = None,
    window_days: int = 0,
    reason: str = "",
    kind: str = "one_off",
    actor: Any = None,
    request: Any = None,
    course_type: str = "",
    course_id: str = "",
    session_type: str = "",
    session_id: str = "",
    session_number: int | None = None,
) -> tuple[QuestionnaireRequest, bool]:
    """``create_questionnaire_request``, also saying whether anything was written (False: all already asked)."""
    codes = check_portal_instruments(instruments)
    if patient.is_voided:
        raise ValidationError(VOIDED_PATIENT)
    if isinstance(window_days, bool) or not isinstance(window_days, int) or window_days < 0:
        raise ValidationError({"window_days": ["Must be a whole number of days from 0."]})
    due = due_date or timezone.localdate()
    actor_label = "" if actor is not None or request is not None else WORKER_LABEL
    with transaction.atomic():
        # One writer per patient at a time; the constraint on items is the backstop.
        Patient.objects.select_for_update().filter(pk=patient.pk).first()
        asked = dedupe.already_asked(patient.pk, due, codes)
        remaining = [code for code in codes if code not in asked]
        if not remaining:
            holders = list(dict.fromkeys(item.questionnaire_request for item in asked.values()))
            open_holders = [m for m in holders if m.is_open]
            if len(open_holders) == len(holders) == 1:
                return holders[0], False
            closed = [m for m in holders if not m.is_open]
            what = "; ".join(
                f"{instrument_names(c for c in codes if asked[c].questionnaire_request_id == m.pk)} "
                f"({m.get_status_display().lower()})"
                for m in (closed or holders)
            )
            raise AlreadyAsked(
                {
                    "instruments": [
                        f"Already asked of this patient for {due:%Y-%m-%d}: {what}. "
                        "A questionnaire is asked at most once a day."
                    ]
                }
            )
        unsent = (
            QuestionnaireRequest.objects.select_for_update()
            .filter(patient=patient, due_date=due, status=QuestionnaireRequest.PENDING)
            .order_by("id")
            .first()
        )
        if unsent is not None:
            unsent.instruments = [*unsent.instruments, *remaining]
            unsent.window_days = min(unsent.window_days, window_days)
            unsent.closes_at = closes_at_for(due, unsent.window_days)
            if reason and reason not in unsent.reason:
                unsent.reason = (f"{unsent.reason}; {reason}" if unsent.reason else reason)[:300]
            unsent.save(update_fields=["instruments", "window_days", "closes_at", "reason"])
            _add_items(unsent, remaining)
            audit.record(
                audit.UPDATE,
                actor=actor,
                actor_label=actor_label,
                request=request,
                obj=unsent,
                patient=patient,
                detail={
                    "added_instruments": remaining,
                    "already_asked": [c for c in codes if c in asked],
                    "kind": kind,
                    "course_id": str(course_id),
                },
            )
            return unsent, True
        questionnaire_request = QuestionnaireRequest.objects.create(
            patient=patient,
            instruments=remaining,
            due_date=due,
            window_days=window_days,
            closes_at=closes_at_for(due, window_days),
            kind=kind[:20],
            reason=reason[:300],
            created_by=actor,
            course_type=course_type,
            course_id=str(course_id),
            session_type=session_type,
            session_id=str(session_id),
            session_number=session_number,
        )
        _add_items(questionnaire_request, remaining)
        detail: dict[str, Any] = {"instruments": remaining, "due_date": due.isoformat(), "kind": kind}
        if asked:
            detail["already_asked"] = [c for c in codes if c in asked]
        audit.record(
            audit.CREATE,
            actor=actor,
            actor_label=actor_label,
            request=request,
            obj=questionnaire_request,
            patient=patient,
            detail=detail,
        )
    return questionnaire_request, True


def schedule_for_course(
    *,
    patient: Patient,
    dues: Iterable[MeasurementDue],
    course_type: str = "",
    course_id: str | int = "",
    actor: Any = None,
    request: Any = None,
) -> list[QuestionnaireRequest]:
    """Turn the core schedule's items into requests: one questionnaire request per day, instruments bundled.

    The tightest window and the highest-priority kind of the day win; every
    reason is kept.  An instrument the patient is already asked that day, by
    this course or any other, is not asked again (``create_questionnaire_request``), so
    calling it again after a course changes adds only what is new, and an
    induction's last days and its maintenance course's first days, or two
    courses at once, never text the patient twice for one questionnaire.
    Clinician-rated instruments in the schedule are ignored (they are rated at
    the session, not sent).
    """
    rank = {kind: i for i, kind in enumerate(KIND_PRIORITY)}
    by_day: dict[dt.date, list[MeasurementDue]] = {}
    for due in dues:
        if get_instrument(due.instrument_code).respondent != "patient":
            continue
        by_day.setdefault(due.due_date, []).append(due)
    created: list[QuestionnaireRequest] = []
    with transaction.atomic():
        for day in sorted(by_day):
            items = sorted(by_day[day], key=lambda d: (rank[d.kind], d.instrument_code))
            try:
                questionnaire_request, changed = request_questionnaires(
                    patient=patient,
                    instruments=[d.instrument_code for d in items],
                    due_date=day,
                    window_days=min(d.window_days for d in items),
                    reason="; ".join(dict.fromkeys(d.reason for d in items)),
                    kind=items[0].kind,
                    actor=actor,
                    request=request,
                    course_type=course_type,
                    course_id=str(course_id),
                    session_number=next((d.session_number for d in items if d.session_number), None),
                )
            except AlreadyAsked:
                continue  # every instrument of the day is already asked (and that questionnaire request is closed)
            if changed and questionnaire_request not in created:
                created.append(questionnaire_request)
    return created


def cancel_questionnaire_request(
    actor: Any, questionnaire_request: QuestionnaireRequest, reason: str = "", request: Any = None
) -> None:
    with transaction.atomic():
        locked = QuestionnaireRequest.objects.select_for_update().get(pk=questionnaire_request.pk)
        if not locked.is_open:
            raise ValidationError(f"This request is already {locked.status}.")
        locked.status = QuestionnaireRequest.CANCELLED
        locked.save(update_fields=["status"])
        # A cancelled visit no longer holds its day: the questionnaire may be asked again.
        RequestedInstrument.objects.filter(questionnaire_request=locked, live=True).update(live=False)
        audit.record(
            audit.UPDATE,
            actor=actor,
            request=request,
            obj=locked,
            patient=questionnaire_request.patient,
            detail={"status": "cancelled", "reason": reason},
        )


def live_assessments(questionnaire_request: QuestionnaireRequest | int) -> dict[str, Assessment]:
    """The questionnaire request's stored (not voided) assessments, by instrument code."""
    pk = getattr(questionnaire_request, "pk", questionnaire_request)
    return {
        a.instrument: a
        for a in Assessment.objects.filter(questionnaire_request_id=pk, voided_at__isnull=True).order_by("id")
    }


def unanswered_instruments(
    questionnaire_request: QuestionnaireRequest, stored: Mapping[str, Assessment]
) -> tuple[str, ...]:
    return tuple(code for code in questionnaire_request.instruments if code not in stored)
