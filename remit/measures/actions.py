"""Every change to measures: record and void assessments, request questionnaires, send links, portal steps.

Each function validates, writes and records the audit event in one
transaction; a refused call raises ``ValidationError`` (keyed by item id or
field name) and stores nothing.  Scoring is the clinical core's
(``remit.core.instruments.score``); nothing here re-implements it.  Safety
alerts (suicidal ideation, C-SSRS risk) are raised in the same transaction as
the assessment that caused them.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from types import SimpleNamespace
from typing import Any

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import ValidationError
from django.db import IntegrityError, models, transaction
from django.urls import reverse
from django.utils import timezone

from remit import events
from remit.audit import actions as audit
from remit.core.instruments import AnswerError, ScoreResult, UnknownInstrument, get_instrument, score
from remit.core.measurement_schedule import KIND_PRIORITY, MeasurementDue
from remit.measures.models import Assessment, MeasurementRequest, PortalLink
from remit.patients.models import Patient

PORTAL_LABEL = "patient portal"
WORKER_LABEL = "worker"

# Audit actions of the portal's own security steps (the rest use audit.VIEW / CREATE / UPDATE).
PORTAL_DOB_VERIFIED = "portal_dob_verified"
PORTAL_DOB_FAILURE = "portal_dob_failure"
PORTAL_LOCKOUT = "portal_lockout"

DOB_TRIES = 3
VOIDED_PATIENT = "This patient's record is voided; nothing can be added to it."

# The item whose answer ≥ 1 raised the flag, for the alert's reason.
SUICIDE_ITEMS = {"phq9": "q9", "qids_sr16": "q12"}
CSSRS_SEVERITY = {"low": "low", "moderate": "medium", "high": "high"}

INVITATION_TEXT = "Your clinic asks you to answer a short questionnaire: {url}"
REMINDER_TEXT = "Reminder: your clinic asks you to answer a short questionnaire: {url}"
EMAIL_SUBJECT = "A short questionnaire from your clinic"
REMINDER_SUBJECT = "Reminder: a short questionnaire from your clinic"
EMAIL_FOOTER = (
    "\n\nThe link works once and expires in {hours} hours. You will be asked for your date of birth first.\n"
    "If you are in danger now, call 911. For the 988 Suicide & Crisis Lifeline, call or text 988."
)


# --- helpers -----------------------------------------------------------------


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def portal_request(request: Any) -> Any:
    """What the portal hands to the audit trail: the caller's address, never a signed-in staff member.

    A clinician who opens a patient's link in a browser where they are signed in
    must not have the patient's answers attributed to them.
    """
    if request is None:
        return None
    return SimpleNamespace(user=AnonymousUser(), META=request.META)


def _item_message(code: str, error: AnswerError) -> str:
    """The engine's message without its "code item: " prefix (the key already names the item)."""
    text = str(error)
    for prefix in (f"{code} {error.item}: ", f"{code}: ", f"{error.item}: "):
        if text.startswith(prefix):
            return text[len(prefix) :]
    return text


def answer_error(code: str, error: AnswerError) -> ValidationError:
    return ValidationError({error.item or "answers": [_item_message(code, error)]})


def _session_fields(session: Any) -> tuple[str, str]:
    """A session link as (type, id): None, an id, a (type, id) pair, or a model instance."""
    if session is None or session == "":
        return "", ""
    if isinstance(session, models.Model):
        return session._meta.label_lower, str(session.pk)
    if isinstance(session, tuple | list) and len(session) == 2:
        return str(session[0])[:60], str(session[1])[:60]
    return "", str(session)[:60]


def crisis_needed(results: Iterable[Any]) -> bool:
    """Crisis resources are shown: suicidal ideation flagged, or C-SSRS moderate/high.

    The portal asks this of the visit's stored assessments, so the resources
    appear on the page after the one that flagged and stay on every later
    page and on the confirmation page.
    """
    for result in results:
        flags = result.flags
        if "suicidal_ideation" in flags:
            return True
        if result.instrument == "cssrs_screen" and result.band in ("moderate", "high"):
            return True
    return False


# --- assessments ---------------------------------------------------------------


def _alerts_for(assessment: Assessment, result: ScoreResult) -> list[dict[str, Any]]:
    instrument = get_instrument(result.instrument)
    who = "on the patient portal" if assessment.respondent == Assessment.PATIENT else "rated by a clinician"
    detail: dict[str, Any] = {
        "instrument": result.instrument,
        "assessment_id": assessment.pk,
        "total": result.total,
        "band": result.band,
        "flags": list(result.flags),
    }
    raised = []
    if "suicidal_ideation" in result.flags:
        item_id = SUICIDE_ITEMS.get(result.instrument)
        if item_id is not None:
            item = instrument.item(item_id)
            value = result.answers.get(item_id)
            option = item.option(value) if value is not None else None
            what = f"item {item_id[1:]} ({item.label.lower()}) answered {value}" + (
                f" ({option.label})" if option else ""
            )
        else:
            what = "suicidal ideation reported"
        raised.append(
            {
                "kind": "suicidal_ideation",
                "severity": "high",
                "reason": f"{instrument.name}: {what}, {who}.",
                "detail": {**detail, "item": item_id},
            }
        )
    if result.instrument == "cssrs_screen" and result.band in CSSRS_SEVERITY:
        raised.append(
            {
                "kind": "cssrs_risk",
                "severity": CSSRS_SEVERITY[result.band],
                "reason": f"C-SSRS screen: {result.band} risk, {who}.",
                "detail": detail,
            }
        )
    return raised


def record_assessment(
    *,
    patient: Patient,
    instrument: str,
    answers: Mapping[str, Any],
    respondent: str,
    actor: Any = None,
    request: Any = None,
    session: Any = None,
    measurement_request: MeasurementRequest | None = None,
    portal_link: PortalLink | None = None,
    sex: str | None = None,
    taken_at: dt.datetime | None = None,
    actor_label: str = "",
) -> Assessment:
    """Score, store, audit and raise any safety alert — all or nothing."""
    if respondent not in (Assessment.PATIENT, Assessment.CLINICIAN):
        raise ValidationError({"respondent": [f"{respondent!r} must be patient or clinician"]})
    if not isinstance(answers, Mapping):
        raise ValidationError({"answers": ["Answers must be an object keyed by item id."]})
    try:
        result = score(instrument, answers, sex=sex or None)
    except UnknownInstrument as error:
        raise ValidationError({"instrument": [str(error)]}) from None
    except AnswerError as error:
        raise answer_error(instrument, error) from None
    if patient.is_voided:
        raise ValidationError(VOIDED_PATIENT)
    session_type, session_id = _session_fields(session)

    from remit.alerts.actions import raise_alert  # the alerts app is built beside this one

    with transaction.atomic():
        assessment = Assessment.objects.create(
            patient=patient,
            instrument=result.instrument,
            instrument_version=result.version,
            answers=dict(result.answers),
            total=result.total,
            max_total=result.max,
            band=result.band or "",
            flags=list(result.flags),
            valid=result.valid,
            missing=list(result.missing),
            respondent=respondent,
            entered_by=actor,
            session_type=session_type,
            session_id=session_id,
            request=measurement_request,
            portal_link=portal_link,
            taken_at=taken_at or timezone.now(),
            sex=sex or "",
        )
        detail = {
            "instrument": result.instrument,
            "respondent": respondent,
            "valid": result.valid,
            "total": result.total,
            "band": result.band,
            "flags": list(result.flags),
            "request_id": getattr(measurement_request, "pk", None),
        }
        if portal_link is not None:
            detail["link_id"] = portal_link.pk
        audit.record(
            audit.CREATE,
            actor=actor,
            actor_label=actor_label,
            request=request,
            obj=assessment,
            patient=patient,
            detail=detail,
        )
        staff = actor is not None
        for alert in _alerts_for(assessment, result):
            raise_alert(
                patient=patient,
                source=assessment,
                dedupe_key=f"assessment:{assessment.pk}:{alert['kind']}",
                actor=actor,
                request=request if staff else None,
                **alert,
            )
        events.emit(events.ASSESSMENT_RECORDED, patient=patient, actor=actor, source=assessment)
    return assessment


def void_assessment(actor: Any, assessment: Assessment, reason: str, request: Any = None) -> Assessment:
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": ["Give the reason this assessment is voided."]})
    with transaction.atomic():
        locked = Assessment.objects.select_for_update().get(pk=assessment.pk)
        if locked.is_voided:
            raise ValidationError("This assessment is already voided.")
        locked.voided_at = timezone.now()
        locked.voided_by = actor
        locked.void_reason = reason[:500]
        locked.save(update_fields=["voided_at", "voided_by", "void_reason"])
        audit.record(
            audit.VOID,
            actor=actor,
            request=request,
            obj=locked,
            patient=locked.patient_id,
            clinic_id=assessment.patient.clinic_id,
            detail={"reason": locked.void_reason},
        )
    return locked


# --- measurement requests ------------------------------------------------------------


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


def create_request(
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
) -> MeasurementRequest:
    codes = check_portal_instruments(instruments)
    if patient.is_voided:
        raise ValidationError(VOIDED_PATIENT)
    if isinstance(window_days, bool) or not isinstance(window_days, int) or window_days < 0:
        raise ValidationError({"window_days": ["Must be a whole number of days from 0."]})
    due = due_date or timezone.localdate()
    with transaction.atomic():
        measurement = MeasurementRequest.objects.create(
            patient=patient,
            instruments=codes,
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
        audit.record(
            audit.CREATE,
            actor=actor,
            actor_label="" if actor is not None or request is not None else WORKER_LABEL,
            request=request,
            obj=measurement,
            patient=patient,
            detail={"instruments": codes, "due_date": due.isoformat(), "kind": kind},
        )
    return measurement


def schedule_for_course(
    *,
    patient: Patient,
    dues: Iterable[MeasurementDue],
    course_type: str = "",
    course_id: str | int = "",
    actor: Any = None,
    request: Any = None,
) -> list[MeasurementRequest]:
    """Turn the core schedule's items into requests: one visit per day, instruments bundled.

    The tightest window and the highest-priority kind of the day win; every
    reason is kept.  Days that already have a request for this course are left
    alone, so calling it again after a course changes adds only the new days.
    Clinician-rated instruments in the schedule are ignored (they are rated at
    the session, not sent).
    """
    rank = {kind: i for i, kind in enumerate(KIND_PRIORITY)}
    by_day: dict[dt.date, list[MeasurementDue]] = {}
    for due in dues:
        if get_instrument(due.instrument_code).respondent != "patient":
            continue
        by_day.setdefault(due.due_date, []).append(due)
    created: list[MeasurementRequest] = []
    with transaction.atomic():
        taken = set(
            MeasurementRequest.objects.filter(
                patient=patient, course_type=course_type, course_id=str(course_id), due_date__in=list(by_day)
            )
            .exclude(status=MeasurementRequest.CANCELLED)
            .values_list("due_date", flat=True)
        )
        for day in sorted(by_day):
            if day in taken:
                continue
            items = sorted(by_day[day], key=lambda d: (rank[d.kind], d.instrument_code))
            created.append(
                create_request(
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
            )
    return created


def cancel_request(
    actor: Any, measurement: MeasurementRequest, reason: str = "", request: Any = None
) -> None:
    with transaction.atomic():
        locked = MeasurementRequest.objects.select_for_update().get(pk=measurement.pk)
        if not locked.is_open:
            raise ValidationError(f"This request is already {locked.status}.")
        locked.status = MeasurementRequest.CANCELLED
        locked.save(update_fields=["status"])
        audit.record(
            audit.UPDATE,
            actor=actor,
            request=request,
            obj=locked,
            patient=measurement.patient,
            detail={"status": "cancelled", "reason": reason},
        )


# --- invitations -------------------------------------------------------------------


def consented_channels(patient: Patient) -> list[str]:
    """Channels the patient consents to and has a contact for, preferred first."""
    channels = []
    if patient.consent_sms and patient.phone.strip():
        channels.append(PortalLink.SMS)
    if patient.consent_email and patient.email.strip():
        channels.append(PortalLink.EMAIL)
    if patient.preferred_contact in channels:
        channels.remove(patient.preferred_contact)
        channels.insert(0, patient.preferred_contact)
    return channels


def check_channel(patient: Patient, channel: str) -> str:
    if channel == PortalLink.EMAIL:
        if not patient.consent_email:
            raise ValidationError({"channel": ["The patient has not consented to email; nothing was sent."]})
        if not patient.email.strip():
            raise ValidationError(
                {"channel": ["No email address is recorded for the patient; nothing was sent."]}
            )
        return patient.email.strip()
    if channel == PortalLink.SMS:
        if not patient.consent_sms:
            raise ValidationError(
                {"channel": ["The patient has not consented to text messages; nothing was sent."]}
            )
        if not patient.phone.strip():
            raise ValidationError(
                {"channel": ["No phone number is recorded for the patient; nothing was sent."]}
            )
        return patient.phone.strip()
    raise ValidationError({"channel": [f"{channel!r} is not a channel; use email or sms."]})


def portal_url(token: str, request: Any = None) -> str:
    path = reverse("portal:open", kwargs={"token": token})
    base = settings.REMIT_PORTAL_BASE_URL
    if base:
        return base + path
    if request is not None and hasattr(request, "build_absolute_uri"):
        return request.build_absolute_uri(path)
    return "http://127.0.0.1:8000" + path


def create_link(
    measurement: MeasurementRequest, channel: str, actor: Any = None, *, now: dt.datetime | None = None
) -> tuple[PortalLink, str]:
    """A new single-use link; returns it with the raw token (stored nowhere, only sent)."""
    token = secrets.token_urlsafe(32)
    now = now or timezone.now()
    link = PortalLink.objects.create(
        request=measurement,
        token_hash=hash_token(token),
        created_at=now,
        expires_at=now + dt.timedelta(hours=settings.REMIT_PORTAL_LINK_HOURS),
        channel=channel,
        created_by=actor,
    )
    return link, token


def send_invitation(
    measurement_request: MeasurementRequest,
    channel: str,
    actor: Any = None,
    request: Any = None,
    *,
    reminder: bool = False,
    now: dt.datetime | None = None,
) -> PortalLink:
    """Create a link and send it by ``channel``; the message names no patient and no questionnaire.

    The returned link carries the sent address in ``link.url`` (not stored).
    """
    from remit.notify import send_email, send_sms

    patient = measurement_request.patient
    address = check_channel(patient, channel)
    with transaction.atomic():
        locked = MeasurementRequest.objects.select_for_update().get(pk=measurement_request.pk)
        if not locked.is_open:
            raise ValidationError(f"This questionnaire request is {locked.status}; nothing was sent.")
        now = now or timezone.now()
        link, token = create_link(locked, channel, actor, now=now)
        url = portal_url(token, request)
        locked.status = MeasurementRequest.SENT
        locked.last_sent_at = now
        locked.last_attempt_at = now
        locked.last_channel = channel
        locked.last_error = ""
        if reminder:
            locked.reminders_sent += 1
        locked.save(
            update_fields=[
                "status",
                "last_sent_at",
                "last_attempt_at",
                "last_channel",
                "last_error",
                "reminders_sent",
            ]
        )
        audit.record(
            audit.CREATE,
            actor=actor,
            actor_label="" if actor is not None or request is not None else WORKER_LABEL,
            request=request,
            obj=link,
            patient=patient,
            detail={"channel": channel, "request_id": locked.pk, "reminder": reminder},
        )
        text = (REMINDER_TEXT if reminder else INVITATION_TEXT).format(url=url)
        if channel == PortalLink.EMAIL:
            footer = EMAIL_FOOTER.format(hours=settings.REMIT_PORTAL_LINK_HOURS)
            send_email(address, REMINDER_SUBJECT if reminder else EMAIL_SUBJECT, text + footer)
        else:
            send_sms(address, text)
    for field in (
        "status",
        "last_sent_at",
        "last_attempt_at",
        "last_channel",
        "last_error",
        "reminders_sent",
    ):
        setattr(measurement_request, field, getattr(locked, field))
    link.url = url  # type: ignore[attr-defined]
    return link


def note_send_failure(measurement: MeasurementRequest, message: str, now: dt.datetime | None = None) -> None:
    MeasurementRequest.objects.filter(pk=measurement.pk).update(
        last_attempt_at=now or timezone.now(), last_error=message[:300]
    )


# --- the portal ------------------------------------------------------------------------


class LinkClosed(Exception):
    def __init__(self, state: str) -> None:
        self.state = state
        super().__init__(state)


def find_link(token: str) -> PortalLink | None:
    if not token or len(token) > 100:
        return None
    return (
        PortalLink.objects.select_related("request", "request__patient")
        .filter(token_hash=hash_token(token))
        .first()
    )


def _lock_link(link_id: int) -> PortalLink:
    link = PortalLink.objects.select_for_update().get(pk=link_id)
    link.request = (
        MeasurementRequest.objects.select_for_update().select_related("patient").get(pk=link.request_id)
    )
    return link


def verify_date_of_birth(link: PortalLink, dob: dt.date, request: Any = None) -> str:
    """``ok``, ``wrong`` or ``locked`` (the third wrong try locks the link), or the closed link's state."""
    shim = portal_request(request)
    with transaction.atomic():
        locked = _lock_link(link.pk)
        patient = locked.request.patient
        state = locked.state()
        if state != "open":
            return state
        if dob == patient.date_of_birth:
            audit.record(
                PORTAL_DOB_VERIFIED, actor_label=PORTAL_LABEL, request=shim, obj=locked, patient=patient
            )
            return "ok"
        locked.dob_failures += 1
        outcome = "wrong"
        fields = ["dob_failures"]
        if locked.dob_failures >= DOB_TRIES:
            locked.locked_at = timezone.now()
            fields.append("locked_at")
            outcome = "locked"
        locked.save(update_fields=fields)
        audit.record(
            PORTAL_LOCKOUT if outcome == "locked" else PORTAL_DOB_FAILURE,
            actor_label=PORTAL_LABEL,
            request=shim,
            obj=locked,
            patient=patient,
            detail={"failures": locked.dob_failures},
        )
    link.dob_failures, link.locked_at = locked.dob_failures, locked.locked_at
    return outcome


@dataclass(frozen=True)
class PageOutcome:
    """What storing one portal page did.

    ``created`` is False when the page was already stored (a double tap, the
    back button, a second device): nothing more was written.  ``completed``
    says the visit was finished in the same transaction; ``unanswered`` lists
    the visit's instruments still without a stored assessment, in order.
    """

    assessment: Assessment
    created: bool
    completed: bool
    unanswered: tuple[str, ...]


def live_assessments(measurement: MeasurementRequest | int) -> dict[str, Assessment]:
    """The visit's stored (not voided) assessments, by instrument code."""
    request_id = getattr(measurement, "pk", measurement)
    return {
        a.instrument: a
        for a in Assessment.objects.filter(request_id=request_id, voided_at__isnull=True).order_by("id")
    }


def _open_locked(link: PortalLink) -> PortalLink:
    """The link and its request locked for this transaction; LinkClosed unless the link is open."""
    locked = _lock_link(link.pk)
    state = locked.state()
    if state != "open":
        raise LinkClosed(state)
    return locked


def _store_page(
    locked: PortalLink, code: str, answers: Mapping[str, Any], shim: Any, now: dt.datetime
) -> tuple[Assessment, bool]:
    """Store one questionnaire of the locked link's visit, or return the one already stored.

    The lock makes the lookup decisive; the unique constraint is the backstop
    (a writer that did not take the lock): the losing insert's savepoint is
    rolled back and the stored assessment returned instead.
    """
    measurement = locked.request
    if code not in measurement.instruments:
        raise ValidationError({"instrument": [f"{code!r} is not asked in this visit."]})
    existing = live_assessments(measurement).get(code)
    if existing is not None:
        return existing, False
    patient = measurement.patient
    sex = patient.sex_at_birth if patient.sex_at_birth in ("female", "male") else None
    try:
        assessment = record_assessment(
            patient=patient,
            instrument=code,
            answers=answers or {},
            respondent=Assessment.PATIENT,
            request=shim,
            actor_label=PORTAL_LABEL,
            measurement_request=measurement,
            portal_link=locked,
            sex=sex if code == "auditc" else None,
            taken_at=now,
        )
    except ValidationError as error:
        raise ValidationError({code: error.messages}) from None
    except IntegrityError:
        existing = live_assessments(measurement).get(code)
        if existing is None:
            raise
        return existing, False
    return assessment, True


def _complete(locked: PortalLink, shim: Any, now: dt.datetime, stored: Mapping[str, Assessment]) -> None:
    """Use the link (and every other link of the visit) and complete the request."""
    measurement = locked.request
    locked.used_at = now
    locked.save(update_fields=["used_at"])
    # The visit is answered: every other link sent for it (reminders) stops working too.
    PortalLink.objects.filter(request=measurement, used_at__isnull=True).update(used_at=now)
    measurement.status = MeasurementRequest.COMPLETED
    measurement.completed_at = now
    measurement.save(update_fields=["status", "completed_at"])
    audit.record(
        audit.UPDATE,
        actor_label=PORTAL_LABEL,
        request=shim,
        obj=measurement,
        patient=measurement.patient,
        detail={
            "status": "completed",
            "link_id": locked.pk,
            "assessments": [stored[code].pk for code in measurement.instruments],
        },
    )


def _unanswered(measurement: MeasurementRequest, stored: Mapping[str, Assessment]) -> tuple[str, ...]:
    return tuple(code for code in measurement.instruments if code not in stored)


def submit_page(
    link: PortalLink,
    code: str,
    answers: Mapping[str, Any],
    request: Any = None,
    *,
    finish: bool = False,
) -> PageOutcome:
    """Validate, score and store one questionnaire page of a visit — at most once per visit and instrument.

    One transaction with the link and its request locked: the assessment, its
    audit row and any safety alert (suicidal ideation, C-SSRS moderate/high)
    are written together, the moment the patient leaves the page.  A page
    already stored is returned unchanged (``created`` False) and the posted
    answers are ignored.  With ``finish`` (the last page), the visit is
    completed in the same transaction once every instrument is stored.
    Raises LinkClosed for a used, expired or locked link, ValidationError
    (keyed by the instrument code) for answers the engine refuses.
    """
    shim = portal_request(request)
    with transaction.atomic():
        locked = _open_locked(link)
        now = timezone.now()
        assessment, created = _store_page(locked, code, answers, shim, now)
        stored = live_assessments(locked.request)
        unanswered = _unanswered(locked.request, stored)
        completed = finish and not unanswered
        if completed:
            _complete(locked, shim, now, stored)
    if completed:
        link.used_at = now
    return PageOutcome(assessment, created, completed, unanswered)


def complete_visit(link: PortalLink, request: Any = None) -> tuple[str, ...]:
    """Finish a visit whose pages are all stored; returns the instruments still unanswered (then nothing changes)."""
    shim = portal_request(request)
    with transaction.atomic():
        locked = _open_locked(link)
        stored = live_assessments(locked.request)
        unanswered = _unanswered(locked.request, stored)
        if unanswered:
            return unanswered
        now = timezone.now()
        _complete(locked, shim, now, stored)
    link.used_at = now
    return ()


def submit_visit(
    link: PortalLink, answers_by_code: Mapping[str, Mapping[str, Any]], request: Any = None
) -> list[Assessment]:
    """Store every page of the visit not stored yet, use the link and complete the request — exactly once.

    For callers that hold the whole visit at once (the portal stores page by
    page with ``submit_page``).  The link and its request are locked first, so
    a double tap or two concurrent submissions store one set; the later one
    gets LinkClosed.  An instrument neither stored nor given is refused
    (ValidationError keyed by its code) and nothing is stored.
    """
    shim = portal_request(request)
    with transaction.atomic():
        locked = _open_locked(link)
        now = timezone.now()
        stored = live_assessments(locked.request)
        for code in locked.request.instruments:
            if code in stored:
                continue
            if code not in answers_by_code:
                raise ValidationError({code: ["This questionnaire was not answered."]})
            stored[code], _created = _store_page(locked, code, answers_by_code[code], shim, now)
        _complete(locked, shim, now, stored)
    link.used_at = now
    return [stored[code] for code in locked.request.instruments]


def record_portal_view(link: PortalLink | None, page: str, request: Any = None, **detail: Any) -> None:
    """The one audit row a portal page writes (actor: the patient portal)."""
    patient = link.request.patient if link is not None else None
    audit.record(
        audit.VIEW,
        actor_label=PORTAL_LABEL,
        request=portal_request(request),
        obj=link,
        object_type="" if link is not None else "measures.portallink",
        patient=patient,
        detail={"page": page, **detail},
    )
