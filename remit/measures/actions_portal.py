"""What the patient does on the portal: open a link, confirm the date of birth, send pages, finish.

Every function takes the link and its request locked in one transaction;
the audit rows say "patient portal", never a signed-in staff member.  A
used, expired or locked link raises ``LinkClosed``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from types import SimpleNamespace
from typing import Any

from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from remit.audit import actions as audit
from remit.core.instruments import get_instrument
from remit.core.instruments.pages import check_page
from remit.measures.actions_assessments import record_assessment
from remit.measures.actions_portal_links import hash_token
from remit.measures.actions_questionnaire_requests import live_assessments, unanswered_instruments
from remit.measures.models import Assessment, PortalLink, QuestionnaireRequest

PORTAL_LABEL = "patient portal"


# Audit actions of the portal's own security steps (the rest use audit.VIEW / CREATE / UPDATE).
PORTAL_DOB_VERIFIED = "portal_dob_verified"
PORTAL_DOB_FAILURE = "portal_dob_failure"
PORTAL_LOCKOUT = "portal_lockout"

DOB_TRIES = 3


def portal_request(request: Any) -> Any:
    """What the portal hands to the audit trail: the caller's address, never a signed-in staff member.

    A clinician who opens a patient's link in a browser where they are signed in
    must not have the patient's answers attributed to them.
    """
    if request is None:
        return None
    return SimpleNamespace(user=AnonymousUser(), META=request.META)


def crisis_needed(results: Iterable[Any]) -> bool:
    """Crisis resources are shown: suicidal ideation flagged, or C-SSRS moderate/high.

    The portal asks this of the questionnaire request's stored assessments, so the resources
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


class LinkClosed(Exception):
    def __init__(self, state: str) -> None:
        self.state = state
        super().__init__(state)


def find_link(token: str) -> PortalLink | None:
    if not token or len(token) > 100:
        return None
    return (
        PortalLink.objects.select_related("questionnaire_request", "questionnaire_request__patient")
        .filter(token_hash=hash_token(token))
        .first()
    )


def _lock_link(link_id: int) -> PortalLink:
    link = PortalLink.objects.select_for_update().get(pk=link_id)
    link.questionnaire_request = (
        QuestionnaireRequest.objects.select_for_update()
        .select_related("patient")
        .get(pk=link.questionnaire_request_id)
    )
    return link


def verify_date_of_birth(link: PortalLink, dob: dt.date, request: Any = None) -> str:
    """``ok``, ``wrong`` or ``locked`` (the third wrong try locks the link), or the closed link's state."""
    shim = portal_request(request)
    with transaction.atomic():
        locked = _lock_link(link.pk)
        patient = locked.questionnaire_request.patient
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
    says the questionnaire request was finished in the same transaction; ``unanswered`` lists
    the questionnaire request's instruments still without a stored assessment, in order.
    """

    assessment: Assessment
    created: bool
    completed: bool
    unanswered: tuple[str, ...]


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
    """Store one questionnaire of the locked link's questionnaire request, or return the one already stored.

    The lock makes the lookup decisive; the unique constraint is the backstop
    (a writer that did not take the lock): the losing insert's savepoint is
    rolled back and the stored assessment returned instead.
    """
    questionnaire_request = locked.questionnaire_request
    if code not in questionnaire_request.instruments:
        raise ValidationError({"instrument": [f"{code!r} is not asked in this questionnaire request."]})
    existing = live_assessments(questionnaire_request).get(code)
    if existing is not None:
        return existing, False
    patient = questionnaire_request.patient
    sex = patient.sex_at_birth if patient.sex_at_birth in ("female", "male") else None
    try:
        assessment = record_assessment(
            patient=patient,
            instrument=code,
            answers=answers or {},
            respondent=Assessment.PATIENT,
            request=shim,
            actor_label=PORTAL_LABEL,
            questionnaire_request=questionnaire_request,
            portal_link=locked,
            sex=sex if code == "auditc" else None,
            taken_at=now,
        )
    except ValidationError as error:
        raise ValidationError({code: error.messages}) from None
    except IntegrityError:
        existing = live_assessments(questionnaire_request).get(code)
        if existing is None:
            raise
        return existing, False
    return assessment, True


def _complete(locked: PortalLink, shim: Any, now: dt.datetime, stored: Mapping[str, Assessment]) -> None:
    """Use the link (and every other link of the questionnaire request) and complete the request."""
    questionnaire_request = locked.questionnaire_request
    locked.used_at = now
    locked.save(update_fields=["used_at"])
    # The questionnaire request is answered: every other link sent for it (reminders) stops working too.
    PortalLink.objects.filter(questionnaire_request=questionnaire_request, used_at__isnull=True).update(
        used_at=now
    )
    questionnaire_request.status = QuestionnaireRequest.COMPLETED
    questionnaire_request.completed_at = now
    questionnaire_request.save(update_fields=["status", "completed_at"])
    audit.record(
        audit.UPDATE,
        actor_label=PORTAL_LABEL,
        request=shim,
        obj=questionnaire_request,
        patient=questionnaire_request.patient,
        detail={
            "status": "completed",
            "link_id": locked.pk,
            "assessments": [stored[code].pk for code in questionnaire_request.instruments],
        },
    )


def submit_page(
    link: PortalLink,
    code: str,
    answers: Mapping[str, Any],
    request: Any = None,
    *,
    finish: bool = False,
) -> PageOutcome:
    """Validate, score and store one questionnaire page of a questionnaire request — at most once per visit and instrument.

    One transaction with the link and its request locked: the assessment, its
    audit row and any safety alert (suicidal ideation, C-SSRS moderate/high)
    are written together, the moment the patient leaves the page.  A page
    already stored is returned unchanged (``created`` False) and the posted
    answers are ignored.  With ``finish`` (the last page), the questionnaire request is
    completed in the same transaction once every instrument is stored.
    Raises LinkClosed for a used, expired or locked link, ValidationError
    (keyed by the instrument code) for answers the engine refuses.
    """
    shim = portal_request(request)
    with transaction.atomic():
        locked = _open_locked(link)
        now = timezone.now()
        assessment, created = _store_page(locked, code, answers, shim, now)
        stored = live_assessments(locked.questionnaire_request)
        unanswered = unanswered_instruments(locked.questionnaire_request, stored)
        completed = finish and not unanswered
        if completed:
            _complete(locked, shim, now, stored)
    if completed:
        link.used_at = now
    return PageOutcome(assessment, created, completed, unanswered)


def complete_questionnaire_request(link: PortalLink, request: Any = None) -> tuple[str, ...]:
    """Finish a questionnaire request whose pages are all stored; returns the instruments still unanswered (then nothing changes)."""
    shim = portal_request(request)
    with transaction.atomic():
        locked = _open_locked(link)
        stored = live_assessments(locked.questionnaire_request)
        unanswered = unanswered_instruments(locked.questionnaire_request, stored)
        if unanswered:
            return unanswered
        now = timezone.now()
        _complete(locked, shim, now, stored)
    link.used_at = now
    return ()


def submit_questionnaire_request(
    link: PortalLink, answers_by_code: Mapping[str, Mapping[str, Any]], request: Any = None
) -> list[Assessment]:
    """Store every page of the questionnaire request not stored yet, use the link and complete the request — exactly once.

    For callers that hold the whole questionnaire request at once (the portal stores page by
    page with ``submit_page``).  The link and its request are locked first, so
    a double tap or two concurrent submissions store one set; the later one
    gets LinkClosed.  An instrument neither stored nor given is refused
    (ValidationError keyed by its code) and nothing is stored.
    """
    shim = portal_request(request)
    with transaction.atomic():
        locked = _open_locked(link)
        now = timezone.now()
        stored = live_assessments(locked.questionnaire_request)
        for code in locked.questionnaire_request.instruments:
            if code in stored:
                continue
            if code not in answers_by_code:
                raise ValidationError({code: ["This questionnaire was not answered."]})
            stored[code], _created = _store_page(locked, code, answers_by_code[code], shim, now)
        _complete(locked, shim, now, stored)
    link.used_at = now
    return [stored[code] for code in locked.questionnaire_request.instruments]


def record_portal_view(link: PortalLink | None, page: str, request: Any = None, **detail: Any) -> None:
    """The one audit row a portal page writes (actor: the patient portal)."""
    patient = link.questionnaire_request.patient if link is not None else None
    audit.record(
        audit.VIEW,
        actor_label=PORTAL_LABEL,
        request=portal_request(request),
        obj=link,
        object_type="" if link is not None else "measures.portallink",
        patient=patient,
        detail={"page": page, **detail},
    )


@dataclass(frozen=True)
class PageAnswer:
    """What a posted portal page came to: the answers to keep for the page, a message per item
    (key "" for the page), whether more questions were revealed, and the stored page (None when
    the page is shown again)."""

    answers: dict[str, int | None]
    errors: dict[str, str]
    revealed: bool
    outcome: PageOutcome | None


def answer_page(
    link: PortalLink,
    code: str,
    kept: Mapping[str, int | None],
    posted: Mapping[str, str],
    request: Any = None,
    *,
    finish: bool = False,
) -> PageAnswer:
    """Check one posted page (answers, skip logic, what is missing) and, when it is complete, store it.

    The checks are the core's (``remit.core.instruments.pages.check_page``);
    a complete page goes through ``submit_page`` (one transaction, any safety
    alert with it; ``finish`` completes the questionnaire request).  Raises
    LinkClosed for a link closed meanwhile.
    """
    patient = link.questionnaire_request.patient
    sex = patient.sex_at_birth if patient.sex_at_birth in ("female", "male") else None
    check = check_page(get_instrument(code), kept, posted, sex)
    errors = dict(check.errors)
    if errors or check.revealed:
        return PageAnswer(check.answers, errors, check.revealed, None)
    try:
        outcome = submit_page(link, code, check.answers, request, finish=finish)
    except ValidationError as error:
        errors[""] = " ".join(error.messages)
        return PageAnswer(check.answers, errors, False, None)
    return PageAnswer(check.answers, errors, False, outcome)
