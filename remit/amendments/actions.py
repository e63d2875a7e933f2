"""Every change to amendment requests: ask, accept, deny, disagree, rebut — each validated, written and
audited in one transaction. Bad input raises ``ValidationError`` naming the field; nothing is half-written.

The audit rows name the request and the part, never the free text (it is on the request itself).
The portal's calls pass no actor: their rows say "patient portal" (``remit.measures.actions_portal``).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from remit.amendments import parts
from remit.amendments.models import RESPONSE_DAYS, AmendmentRequest
from remit.audit import actions as audit
from remit.measures.actions_portal import PORTAL_LABEL, portal_request
from remit.patients.models import Patient

MAX_TEXT = 4000


def _text(value: str, field: str, missing: str) -> str:
    value = (value or "").strip()
    if not value:
        raise ValidationError({field: [missing]})
    if len(value) > MAX_TEXT:
        raise ValidationError({field: [f"Use at most {MAX_TEXT:,} characters."]})
    return value


def due_date(requested_on: dt.date) -> dt.date:
    """The last day to act on a request received on ``requested_on`` (45 CFR 164.526(b)(2): 60 days)."""
    return requested_on + dt.timedelta(days=RESPONSE_DAYS)


def _check_staff(actor: Any, patient: Patient, capability: str) -> None:
    if patient.clinic_id not in actor.member_clinic_ids():
        raise PermissionDenied("This patient is not in your clinics.")
    if not actor.can(capability, patient.clinic_id):
        raise PermissionDenied("Your role in this patient's clinic does not allow this.")


def _who(actor: Any, request: Any) -> dict[str, Any]:
    """Audit keyword arguments: the staff member, or the patient portal."""
    if actor is None:
        return {"actor_label": PORTAL_LABEL, "request": portal_request(request)}
    return {"actor": actor, "request": request}


def request_amendment(
    patient: Patient, *, part: str, text: str, actor: Any = None, request: Any = None
) -> AmendmentRequest:
    """A request to amend one part of ``patient``'s record: from the portal (``actor`` None) or by staff
    on the patient's behalf. Due 60 days after today."""
    via = AmendmentRequest.PORTAL if actor is None else AmendmentRequest.STAFF
    if actor is not None:
        _check_staff(actor, patient, "amendments.request")
    if patient.is_voided:
        raise ValidationError("This patient's record is voided; no request can be added to it.")
    clinical = actor is None or actor.can("clinical.view", patient.clinic_id)
    kind, record = parts.resolve(patient, part, clinical=clinical)
    text = _text(text, "text", "Say what is wrong and what it should say instead.")
    now = timezone.now()
    amendment = AmendmentRequest(
        patient=patient,
        clinic_id=patient.clinic_id,
        part=kind,
        part_label=parts.label(kind, record)[:300],
        request_text=text,
        requested_via=via,
        requested_by=actor,
        requested_at=now,
        due_on=due_date(timezone.localdate(now)),
    )
    if record is not None:
        setattr(amendment, kind, record)
    with transaction.atomic():
        amendment.save()
        audit.record(
            audit.CREATE,
            obj=amendment,
            patient=patient,
            detail={"part": kind, "record": amendment.record_id, "via": via, "due_on": amendment.due_on},
            **_who(actor, request),
        )
    return amendment


def _locked(amendment: AmendmentRequest) -> AmendmentRequest:
    return AmendmentRequest.objects.select_for_update().select_related("patient").get(pk=amendment.pk)


def _refresh(amendment: AmendmentRequest, current: AmendmentRequest) -> AmendmentRequest:
    for field in current._meta.concrete_fields:
        setattr(amendment, field.attname, getattr(current, field.attname))
    return amendment


def accept(
    amendment: AmendmentRequest, *, actor: Any, amendment_text: str, request: Any = None
) -> AmendmentRequest:
    """Accept: the amendment is appended to the request and linked to the part; the part is not changed."""
    _check_staff(actor, amendment.patient, "amendments.decide")
    text = _text(
        amendment_text, "amendment_text", "Write the amendment: what the record should say from now on."
    )
    return _decide(amendment, actor, AmendmentRequest.ACCEPTED, text, request)


def deny(amendment: AmendmentRequest, *, actor: Any, reason: str, request: Any = None) -> AmendmentRequest:
    """Deny with a written reason (45 CFR 164.526(d)(1)); the patient may then disagree in writing."""
    _check_staff(actor, amendment.patient, "amendments.decide")
    text = _text(reason, "reason", "A denial needs a written reason the patient will read.")
    return _decide(amendment, actor, AmendmentRequest.DENIED, text, request)


def _decide(
    amendment: AmendmentRequest, actor: Any, status: str, text: str, request: Any
) -> AmendmentRequest:
    with transaction.atomic():
        current = _locked(amendment)
        if not current.is_open:
            raise ValidationError(
                f"This request was already decided ({current.get_status_display().lower()})."
            )
        current.status = status
        current.decided_by = actor
        current.decided_at = timezone.now()
        if status == AmendmentRequest.ACCEPTED:
            current.amendment_text = text
        else:
            current.denial_reason = text
        current.save(update_fields=["status", "decided_by", "decided_at", "amendment_text", "denial_reason"])
        audit.record(
            audit.UPDATE,
            obj=current,
            patient=current.patient,
            detail={
                "decision": status,
                "part": current.part,
                "record": current.record_id,
                "late": current.decided_at.date() > current.due_on,
            },
            **_who(actor, request),
        )
    return _refresh(amendment, current)


def add_disagreement(
    amendment: AmendmentRequest, *, text: str, actor: Any = None, request: Any = None
) -> AmendmentRequest:
    """The patient's statement of disagreement with a denial (portal, or staff on their behalf); once."""
    if actor is not None:
        _check_staff(actor, amendment.patient, "amendments.request")
    text = _text(text, "text", "Write the statement: why you disagree with the denial.")
    with transaction.atomic():
        current = _locked(amendment)
        if current.status != AmendmentRequest.DENIED:
            raise ValidationError("A statement of disagreement can only follow a denied request.")
        if current.disagreement_text:
            raise ValidationError("A statement of disagreement was already added to this request.")
        current.disagreement_text = text
        current.disagreement_via = AmendmentRequest.PORTAL if actor is None else AmendmentRequest.STAFF
        current.disagreement_by = actor
        current.disagreement_at = timezone.now()
        current.save(
            update_fields=["disagreement_text", "disagreement_via", "disagreement_by", "disagreement_at"]
        )
        audit.record(
            audit.UPDATE,
            obj=current,
            patient=current.patient,
            detail={"statement": "disagreement", "via": current.disagreement_via},
            **_who(actor, request),
        )
    return _refresh(amendment, current)


def add_rebuttal(
    amendment: AmendmentRequest, *, actor: Any, text: str, request: Any = None
) -> AmendmentRequest:
    """The clinic's rebuttal of a statement of disagreement (45 CFR 164.526(d)(3)); once."""
    _check_staff(actor, amendment.patient, "amendments.decide")
    text = _text(text, "text", "Write the rebuttal.")
    with transaction.atomic():
        current = _locked(amendment)
        if not current.disagreement_text:
            raise ValidationError("A rebuttal answers a statement of disagreement; there is none yet.")
        if current.rebuttal_text:
            raise ValidationError("A rebuttal was already added to this request.")
        current.rebuttal_text = text
        current.rebuttal_by = actor
        current.rebuttal_at = timezone.now()
        current.save(update_fields=["rebuttal_text", "rebuttal_by", "rebuttal_at"])
        audit.record(
            audit.UPDATE,
            obj=current,
            patient=current.patient,
            detail={"statement": "rebuttal"},
            **_who(actor, request),
        )
    return _refresh(amendment, current)
