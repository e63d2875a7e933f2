"""Emergency access ("break the glass"): a clinician opens a patient of a clinic they do not belong to.

How the patient is found, and why so: the clinician names the patient's clinic and gives the exact
medical record number and date of birth, which they have from the patient in front of them (a wallet
card, a discharge letter, the patient's own word). Exactly one patient can match (an MRN is unique
within a clinic) and nothing else is ever shown: no list, no partial match, no name search, so the
network's registry cannot be browsed through this door. A search that finds nobody is audited for the
named clinic and says only that nothing matched; after ``MAX_MISSES_PER_HOUR`` such misses in an hour a
clinician must wait, so record numbers and birthdays cannot be guessed at speed.

The access is read-only and ends by itself (``remit.patients.access``). Giving it writes the grant and
its audit row, and emits ``EMERGENCY_ACCESS_GRANTED`` so the patient's clinic is alerted at once
(``remit.alerts``, wired in ``remit.wiring``), all in one transaction.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone

from remit import events
from remit.accounts.models import Clinic
from remit.audit import actions as audit
from remit.audit.models import AuditEvent
from remit.patients.models import EmergencyAccess, Patient

MIN_REASON_WORDS = 4
MAX_MISSES_PER_HOUR = 5
OBJECT_TYPE = EmergencyAccess._meta.label_lower


def _reason_words(reason: str) -> int:
    return sum(1 for word in reason.split() if any(c.isalnum() for c in word))


def _misses_in_the_last_hour(actor: Any) -> int:
    return AuditEvent.objects.filter(
        actor_id=actor.pk,
        action=audit.SEARCH,
        object_type=OBJECT_TYPE,
        at__gte=timezone.now() - timedelta(hours=1),
    ).count()


def grant(
    actor: Any,
    *,
    clinic: Clinic,
    mrn: str,
    date_of_birth: date,
    reason: str,
    request: HttpRequest | None = None,
) -> EmergencyAccess:
    """Open ``clinic``'s patient with exactly this MRN and date of birth to ``actor``, read-only, for a while.

    Raises ``PermissionDenied`` for a role that may not break the glass, and ``ValidationError``
    naming the field for anything else (own clinic, a reason too short, no such patient). A clinician
    who already holds emergency access to the patient gets that grant back (no second alert).
    """
    if actor is None or not actor.can_in_any_clinic("patient.emergency_access"):
        raise PermissionDenied(
            "Only clinicians (prescribers, nurses and TMS technicians) can open another clinic's patient "
            "under emergency access."
        )
    if clinic.pk in actor.member_clinic_ids():
        raise ValidationError(
            {
                "clinic": f"You work at {clinic.name}: find the patient on the Patients page. "
                "Emergency access is only for patients of other clinics."
            }
        )
    reason = " ".join((reason or "").split())
    if _reason_words(reason) < MIN_REASON_WORDS:
        raise ValidationError(
            {
                "reason": f"Write why you need this patient's record, in at least {MIN_REASON_WORDS} words "
                "(for example: “Patient in crisis at our clinic, their own clinic is closed”)."
            }
        )
    mrn = (mrn or "").strip()
    if _misses_in_the_last_hour(actor) >= MAX_MISSES_PER_HOUR:
        raise ValidationError(
            {
                "mrn": f"{MAX_MISSES_PER_HOUR} searches in the last hour found nobody. Wait an hour, or call "
                f"{clinic.name} to check the record number and date of birth."
            }
        )
    patient = (
        Patient.objects.select_related("clinic")
        .filter(clinic=clinic, mrn__iexact=mrn, date_of_birth=date_of_birth, voided_at__isnull=True)
        .first()
        if mrn
        else None
    )
    if patient is None:
        # A miss is recorded for the clinic named (in its own transaction: it is the whole record).
        audit.record(
            audit.SEARCH,
            actor=actor,
            request=request,
            object_type=OBJECT_TYPE,
            clinic_id=clinic.pk,
            detail={"mrn": mrn, "date_of_birth": date_of_birth.isoformat(), "found": False, "reason": reason},
        )
        raise ValidationError(
            {
                "mrn": f"No patient of {clinic.name} has this record number and date of birth. "
                "Check both with the patient, or call the clinic."
            }
        )

    now = timezone.now()
    with transaction.atomic():
        existing = (
            EmergencyAccess.objects.active(now)
            .filter(user=actor, patient=patient)
            .select_related("patient__clinic")
            .order_by("-expires_at")
            .first()
        )
        if existing is not None:
            return existing
        access = EmergencyAccess.objects.create(
            user=actor,
            patient=patient,
            reason=reason,
            granted_at=now,
            expires_at=now + timedelta(minutes=settings.REMIT_EMERGENCY_ACCESS_MINUTES),
        )
        audit.record(
            audit.CREATE,
            actor=actor,
            request=request,
            obj=access,
            patient=patient,
            detail={
                audit.EMERGENCY_ACCESS: access.pk,
                "reason": reason,
                "until": access.expires_at.isoformat(),
            },
        )
        events.emit(events.EMERGENCY_ACCESS_GRANTED, patient=patient, actor=actor, source=access)
    return access


def end(actor: Any, access: EmergencyAccess, *, request: HttpRequest | None = None) -> EmergencyAccess:
    """The clinician ends their emergency access before it runs out; ending one already over does nothing."""
    if actor is None or access.user_id != actor.pk:
        raise PermissionDenied("Only the clinician who was given this emergency access can end it.")
    with transaction.atomic():
        locked = EmergencyAccess.objects.select_for_update().get(pk=access.pk)
        if not locked.is_active():
            return locked
        locked.ended_at = timezone.now()
        locked.save(update_fields=["ended_at"])
        audit.record(
            audit.UPDATE,
            actor=actor,
            request=request,
            obj=locked,
            patient=locked.patient_id,
            clinic_id=Patient.objects.filter(pk=locked.patient_id).values_list("clinic_id", flat=True).get(),
            detail={audit.EMERGENCY_ACCESS: locked.pk, "ended": "by the clinician, before it ran out"},
        )
    access.ended_at = locked.ended_at
    return locked
