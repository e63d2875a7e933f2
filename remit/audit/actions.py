"""Writing to the audit trail: the one way any code records who did what."""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from typing import Any

from django.conf import settings
from django.db import models, transaction
from django.http import HttpRequest
from django.utils import timezone

from remit.audit import chain
from remit.audit.models import AuditChainHead, AuditEvent

# Reads and writes of patient data.
VIEW = "view"
SEARCH = "search"
CREATE = "create"
UPDATE = "update"
VOID = "void"
EXPORT = "export"
DISCLOSE = "disclose"
# Security events.
LOGIN_SUCCESS = "login_success"
LOGIN_FAILURE = "login_failure"
LOCKOUT = "lockout"
LOGOUT = "logout"
IDLE_TIMEOUT = "idle_timeout"
REAUTH = "reauth"
MFA_ENROL = "mfa_enrol"
MFA_VERIFY_FAILURE = "mfa_failure"
MFA_RESET = "mfa_reset"
MFA_REMOVE = "mfa_remove"
CREDENTIAL_KEYS_ROTATED = "credential_keys_rotated"
RECOVERY_CODE_USED = "recovery_code_used"
PASSWORD_CHANGE = "password_change"
ROLE_CHANGE = "role_change"
USER_CREATE = "user_create"
USER_DEACTIVATE = "user_deactivate"

SECURITY_ACTIONS = frozenset(
    {
        LOGIN_SUCCESS,
        LOGIN_FAILURE,
        LOCKOUT,
        LOGOUT,
        IDLE_TIMEOUT,
        REAUTH,
        MFA_ENROL,
        MFA_VERIFY_FAILURE,
        MFA_RESET,
        MFA_REMOVE,
        CREDENTIAL_KEYS_ROTATED,
        RECOVERY_CODE_USED,
        PASSWORD_CHANGE,
        ROLE_CHANGE,
        USER_CREATE,
        USER_DEACTIVATE,
    }
)
DISCLOSURE_ACTIONS = frozenset({EXPORT, DISCLOSE})

# Rows written while a clinician reads a patient under emergency access ("break the glass") carry the
# grant's id under this key of ``detail``; the page sets it on the request (remit.patients.access), so
# every row the request writes is marked without each view saying so.
EMERGENCY_ACCESS = "emergency_access"
REQUEST_EMERGENCY_GRANT = "emergency_access_grant_id"


def client_address(request: HttpRequest | None) -> tuple[str, str]:
    if request is None:
        return "", ""
    ip = request.META.get("REMOTE_ADDR", "")
    if getattr(settings, "REMIT_TRUST_X_FORWARDED_FOR", False):
        forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
        if forwarded:
            ip = forwarded.split(",")[0].strip()
    return ip[:64], request.META.get("HTTP_USER_AGENT", "")[:300]


def record(
    action: str,
    *,
    actor: Any = None,
    actor_label: str = "",
    request: HttpRequest | None = None,
    obj: models.Model | None = None,
    object_type: str = "",
    object_id: str | int = "",
    patient: Any = None,
    clinic_id: int | None = None,
    detail: dict[str, Any] | None = None,
) -> AuditEvent:
    """Append one event, chained to the last, inside the caller's transaction.

    Called inside the same ``transaction.atomic`` as the change it describes,
    so either both are stored or neither is.
    """
    if actor is None and request is not None and request.user.is_authenticated:
        actor = request.user
    if actor is not None and not actor_label:
        actor_label = actor.get_username()
    if obj is not None:
        object_type = object_type or obj._meta.label_lower
        object_id = object_id or obj.pk
    patient_id = getattr(patient, "pk", patient)
    if clinic_id is None and patient is not None and hasattr(patient, "clinic_id"):
        clinic_id = patient.clinic_id
    ip, agent = client_address(request)
    grant_id = getattr(request, REQUEST_EMERGENCY_GRANT, None) if request is not None else None
    if grant_id is not None:
        detail = {**(detail or {}), EMERGENCY_ACCESS: grant_id}
    with transaction.atomic():
        head = AuditChainHead.objects.select_for_update().filter(pk=1).first()
        if head is None:
            head = AuditChainHead.objects.create(pk=1, seq=0, hash=chain.GENESIS)
            head = AuditChainHead.objects.select_for_update().get(pk=1)
        event = AuditEvent(
            seq=head.seq + 1,
            at=timezone.now(),
            actor=actor,
            actor_label=actor_label[:200],
            action=action,
            object_type=object_type,
            object_id=str(object_id or ""),
            patient_id=patient_id,
            clinic_id=clinic_id,
            ip=ip,
            user_agent=agent,
            # Stored as JSON, so hash exactly what will be read back.
            detail=json.loads(json.dumps(detail or {}, default=str)),
            prev_hash=head.hash,
        )
        event.hash = chain.row_hash(event.chain_fields(), head.hash)
        event.save()
        head.seq = event.seq
        head.hash = event.hash
        head.save(update_fields=["seq", "hash"])
    return event


def record_many(
    action: str,
    entries: Iterable[Mapping[str, Any]],
    *,
    actor: Any = None,
    actor_label: str = "",
    request: HttpRequest | None = None,
    object_type: str = "",
    object_id: str | int = "",
    batch: int = 500,
) -> int:
    """Append one chained event per entry, with the chain head locked once, inside the caller's transaction.

    For a disclosure to many patients at once (a search, a bulk export): each entry is a mapping with
    ``patient`` (a Patient or its id), and optionally ``clinic_id``, ``detail`` and ``object_id``;
    everything else is shared. The rows are chained exactly as ``record`` chains them (same fields, same
    hash, consecutive ``seq``), so ``verify_trail`` cannot tell them apart; they are inserted ``batch`` at
    a time. Returns how many rows were written.
    """
    if actor is None and request is not None and request.user.is_authenticated:
        actor = request.user
    if actor is not None and not actor_label:
        actor_label = actor.get_username()
    ip, agent = client_address(request)
    at = timezone.now()
    written = 0
    with transaction.atomic():
        head = AuditChainHead.objects.select_for_update().filter(pk=1).first()
        if head is None:
            AuditChainHead.objects.create(pk=1, seq=0, hash=chain.GENESIS)
            head = AuditChainHead.objects.select_for_update().get(pk=1)
        seq, prev = head.seq, head.hash
        pending: list[AuditEvent] = []
        for entry in entries:
            patient = entry.get("patient")
            clinic_id = entry.get("clinic_id")
            if clinic_id is None and patient is not None and hasattr(patient, "clinic_id"):
                clinic_id = patient.clinic_id
            seq += 1
            event = AuditEvent(
                seq=seq,
                at=at,
                actor=actor,
                actor_label=actor_label[:200],
                action=action,
                object_type=object_type,
                object_id=str(entry.get("object_id", object_id) or ""),
                patient_id=getattr(patient, "pk", patient),
                clinic_id=clinic_id,
                ip=ip,
                user_agent=agent,
                detail=json.loads(json.dumps(entry.get("detail") or {}, default=str)),
                prev_hash=prev,
            )
            event.hash = chain.row_hash(event.chain_fields(), prev)
            prev = event.hash
            pending.append(event)
            if len(pending) >= batch:
                AuditEvent.objects.bulk_create(pending)
                written += len(pending)
                pending = []
        if pending:
            AuditEvent.objects.bulk_create(pending)
            written += len(pending)
        if written:
            head.seq, head.hash = seq, prev
            head.save(update_fields=["seq", "hash"])
    return written


def verify_trail(batch: int = 5000) -> chain.Break | None:
    """Check every row of the trail against its hash and the chain head."""

    def rows() -> Any:
        last = 0
        while True:
            page = list(
                AuditEvent.objects.filter(seq__gt=last)
                .order_by("seq")
                .values(*chain.FIELDS, "prev_hash", "hash")[:batch]
            )
            if not page:
                return
            yield from page
            last = page[-1]["seq"]

    found = chain.verify(rows())
    if found is not None:
        return found
    head = AuditChainHead.objects.filter(pk=1).first()
    last_row = AuditEvent.objects.order_by("-seq").values("seq", "hash").first()
    if head is not None:
        if last_row is None and head.seq:
            return chain.Break(1, f"the trail is empty but the chain head says {head.seq} rows were written")
        if last_row is not None and (head.seq != last_row["seq"] or head.hash != last_row["hash"]):
            return chain.Break(
                last_row["seq"] + 1,
                f"rows after {last_row['seq']} are missing (the chain head says {head.seq} rows were written)",
            )
    return None
