"""A prescriber's co-signature of a session signed by a nurse or a TMS technician.

The co-signature is its own record (``SessionCosignature``): the signed session, its note and its
readings are never written again. One co-signature per session, audited in the same transaction.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.http import HttpRequest

from remit.accounts import roles as R
from remit.accounts.models import Membership
from remit.audit import actions as audit
from remit.treatment import clock
from remit.treatment.models import Session, SessionCosignature


def signed_by_prescriber(session: Session) -> bool:
    """Whether the person who signed held the prescriber role in the session's clinic."""
    if session.signed_by_id is None:
        return False
    roles = (
        Membership.objects.filter(user_id=session.signed_by_id, clinic_id=session.clinic_id)
        .values_list("roles", flat=True)
        .first()
    )
    return R.PRESCRIBER in (roles or [])


def cosign(session: Session, *, actor: Any, request: HttpRequest | None = None) -> SessionCosignature:
    if not actor.has_role(session.clinic_id, R.PRESCRIBER):
        raise PermissionDenied("Only a prescriber co-signs a session.")
    with transaction.atomic():
        current = Session.objects.select_for_update().get(pk=session.pk)
        if current.voided_at is not None:
            raise ValidationError("This session was voided; there is nothing to co-sign.")
        if current.signed_at is None:
            raise ValidationError("This session is not signed yet; it is co-signed after it is signed.")
        if signed_by_prescriber(current):
            raise ValidationError("A prescriber signed this session; it needs no co-signature.")
        if SessionCosignature.objects.filter(session=current).exists():
            raise ValidationError("This session is already co-signed.")
        try:
            with transaction.atomic():
                cosignature = SessionCosignature.objects.create(session=current, by=actor, at=clock.now())
        except IntegrityError:
            raise ValidationError("This session is already co-signed.")
        audit.record(
            audit.CREATE,
            actor=actor,
            request=request,
            obj=cosignature,
            patient=current.patient_id,
            clinic_id=current.clinic_id,
            detail={"session_id": current.pk, "step": "cosign", "signed_by": current.signed_by_id},
        )
    return cosignature
