"""Check-in and the pre-session checklist (ketamine, esketamine, the TMS daily check).

A TMS "seizure since the last session" at the daily check raises a *high*
``seizure`` alert and holds TMS until a prescriber reviews it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone

from remit.accounts import roles as R
from remit.alerts.actions import raise_alert
from remit.audit import actions as audit
from remit.patients.models import Patient
from remit.treatment import clock
from remit.treatment.actions_courses import start_course_if_planned
from remit.treatment.models import Session
from remit.treatment.session_chart import KETAMINE, audit_step, fail, hm, locked, mark_charted, save_fields

# Child-bearing age for the pregnancy-test prompt: Remit's example range, a clinic may disagree.
CHILD_BEARING_AGES = (12, 55)

KETAMINE_CHECKLIST = (
    ("fasting", "Fasting as instructed"),
    ("escort", "Escort home confirmed"),
    ("no_new_medications", "No new medications since the last session"),
    ("questionnaire", "Pre-dose questionnaire done"),
)


# Clinic SOPs for esketamine (field.md §1 [R9]; Spravato label on nasal products 1 hour before).
ESKETAMINE_CHECKLIST = (
    ("nasal", "No nasal corticosteroid or decongestant within 1 hour before dosing"),
    ("transport", "Transport home arranged; no driving until the next day after restful sleep"),
)

TMS_CHECK_FIELDS = ("sleep_hours", "alcohol_24h", "medication_changes", "seizure_since_last")


def check_in(
    session: Session,
    *,
    actor: Any,
    request: HttpRequest | None = None,
    beyond_authorization_reason: str = "",
) -> Session:
    """Check the patient in: the first charting step.

    A session beyond the payer's authorization needs a reason (recorded and
    audited here unless one was recorded when it was booked).
    """
    with transaction.atomic():
        current = locked(session, actor, beyond_authorization_reason=beyond_authorization_reason)
        if current.checked_in_at is not None:
            raise fail(None, f"Already checked in at {hm(current.checked_in_at)}.")
        current.checked_in_at = clock.now()
        if current.status == Session.BOOKED:
            current.status = Session.CHECKED_IN
        fields = ["checked_in_at", "status", *mark_charted(current, actor)]
        extra: dict[str, Any] = {}
        if getattr(current, "_beyond_reason_given", False):
            fields.append("beyond_authorization_reason")
            extra["beyond_authorization_reason"] = current.beyond_authorization_reason
        save_fields(current, fields)
        audit_step(audit.UPDATE, actor, request, current, current, step="check_in", **extra)
        # A course is planned until its first patient arrives.
        start_course_if_planned(current, actor=actor, request=request)
    return current


def pregnancy_applicable(patient: Patient, day: dt.date | None = None) -> bool:
    low, high = CHILD_BEARING_AGES
    return patient.sex_at_birth == "female" and low <= patient.age_on(day) <= high


def checklist_items(session: Session) -> tuple[tuple[str, str], ...]:
    if session.modality == "esketamine":
        return KETAMINE_CHECKLIST + ESKETAMINE_CHECKLIST
    if session.modality in KETAMINE:
        return KETAMINE_CHECKLIST
    return ()


def save_checklist(
    session: Session, data: Mapping[str, Any], *, actor: Any, request: HttpRequest | None = None
) -> Session:
    """Store the pre-session checklist; a TMS "seizure since last session" raises a high alert."""
    with transaction.atomic():
        current = locked(session, actor)
        if current.dose_started_at is not None:
            raise fail(None, "Dosing has started; the pre-session checklist can no longer change.")
        day = timezone.localdate(clock.now())
        checklist: dict[str, Any] = dict(current.checklist or {})
        raise_seizure = False
        if current.modality == "tms":
            for name in TMS_CHECK_FIELDS:
                if data.get(name) in (None, ""):
                    raise fail(name, "Answer this question.")
            sleep = Decimal(str(data["sleep_hours"]))
            if not Decimal(0) <= sleep <= Decimal(24):
                raise fail("sleep_hours", "Enter hours of sleep from 0 to 24.")
            detail = (data.get("medication_change_detail") or "").strip()
            if data["medication_changes"] == "yes" and not detail:
                raise fail("medication_change_detail", "Say which medication changed.")
            raise_seizure = (
                data["seizure_since_last"] == "yes" and checklist.get("seizure_since_last") != "yes"
            )
            checklist.update(
                {
                    "sleep_hours": str(sleep),
                    "alcohol_24h": data["alcohol_24h"],
                    "medication_changes": data["medication_changes"],
                    "medication_change_detail": detail,
                    "seizure_since_last": data["seizure_since_last"],
                }
            )
            if data["seizure_since_last"] != "yes":
                checklist.pop("seizure_review", None)
        else:
            for name, _label in checklist_items(current):
                checklist[name] = bool(data.get(name))
            if pregnancy_applicable(current.patient, day):
                answer = data.get("pregnancy") or ""
                reason = (data.get("pregnancy_na_reason") or "").strip()
                if answer not in ("negative", "not_applicable"):
                    raise fail("pregnancy", "Record a negative pregnancy test, or mark it not applicable.")
                if answer == "not_applicable" and not reason:
                    raise fail("pregnancy_na_reason", "Give the reason a pregnancy test is not applicable.")
                checklist["pregnancy"] = answer
                checklist["pregnancy_na_reason"] = reason if answer == "not_applicable" else ""
        checklist["saved_at"] = clock.now().isoformat()
        checklist["saved_by"] = actor.get_username()
        current.checklist = checklist
        save_fields(current, ["checklist", *mark_charted(current, actor)])
        audit_step(audit.UPDATE, actor, request, current, current, step="checklist")
        if raise_seizure:
            raise_alert(
                patient=current.patient,
                kind="seizure",
                severity="high",
                reason=(
                    f"Seizure since the last TMS session reported at the daily check (session {current.number}); "
                    "TMS is on hold until a prescriber reviews."
                ),
                detail={"session_id": current.pk, "step": "daily_check"},
                source=current,
                dedupe_key=f"session:{current.pk}:seizure_check",
                actor=actor,
                request=request,
            )
    return current


def review_seizure(session: Session, note: str, *, actor: Any, request: HttpRequest | None = None) -> Session:
    if not actor.has_role(session.clinic_id, R.PRESCRIBER):
        raise PermissionDenied("Only a prescriber of this clinic can review a reported seizure.")
    note = (note or "").strip()
    if not note:
        raise fail("note", "Write the review: why TMS may go ahead (or not).")
    with transaction.atomic():
        current = locked(session, actor)
        if (current.checklist or {}).get("seizure_since_last") != "yes":
            raise fail(None, "No seizure was reported at this session's daily check.")
        checklist = dict(current.checklist)
        checklist["seizure_review"] = {
            "by": actor.get_username(),
            "by_name": actor.get_full_name() or actor.get_username(),
            "at": clock.now().isoformat(),
            "note": note[:1000],
        }
        current.checklist = checklist
        save_fields(current, ["checklist"])
        audit_step(audit.UPDATE, actor, request, current, current, step="seizure_review")
    return current


def completed_checklist(modality: str, patient: Patient, day: dt.date) -> dict[str, Any]:
    """A pre-session checklist with every item answered as a routine session has it.

    For bulk loads (the synthetic generator) that write dosed sessions without the
    charting actions: what they store must pass ``checklist_missing`` like a charted one.
    """
    if modality == "tms":
        return {
            "sleep_hours": "7",
            "alcohol_24h": "no",
            "medication_changes": "no",
            "seizure_since_last": "no",
        }
    checklist: dict[str, Any] = {
        name: True
        for name, _label in (
            KETAMINE_CHECKLIST + ESKETAMINE_CHECKLIST if modality == "esketamine" else KETAMINE_CHECKLIST
        )
    }
    if pregnancy_applicable(patient, day):
        checklist["pregnancy"] = "negative"
        checklist["pregnancy_na_reason"] = ""
    return checklist


def require_checklist(session: Session, what: str) -> None:
    """Refuse ``what`` (dosing's first step) while the pre-session checklist is incomplete."""
    missing = checklist_missing(session, timezone.localdate(clock.now()))
    if missing:
        raise fail(None, f"Cannot {what}: the checklist is incomplete — " + "; ".join(missing) + ".")


def checklist_missing(session: Session, day: dt.date | None = None) -> list[str]:
    """What still stops dosing: unticked items, the pregnancy answer, the TMS daily check or its review."""
    checklist = session.checklist or {}
    if session.modality == "tms":
        missing = [name.replace("_", " ") for name in TMS_CHECK_FIELDS if checklist.get(name) in (None, "")]
        if missing:
            return ["daily pre-session check"]
        if checklist.get("seizure_since_last") == "yes" and not checklist.get("seizure_review"):
            return ["prescriber review of the reported seizure"]
        return []
    missing = [label for name, label in checklist_items(session) if not checklist.get(name)]
    if pregnancy_applicable(session.patient, day) and checklist.get("pregnancy") not in (
        "negative",
        "not_applicable",
    ):
        missing.append("pregnancy test (or not applicable, with the reason)")
    return missing
