"""Writing to the audit trail: the one way any code records who did what."""

from __future__ import annotations

import getpass
import ipaddress
import json
import os
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import UTC
from typing import Any

from django.conf import settings
from django.db import models, transaction
from django.http import HttpRequest
from django.utils import timezone

from remit.audit import chain, checkpoints
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
# Failed attempts at the unauthenticated doors, audited once per address and interval (remit.throttle).
PORTAL_LINK_FAILURE = "portal_link_failure"
API_TOKEN_FAILURE = "api_token_failure"

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
        PORTAL_LINK_FAILURE,
        API_TOKEN_FAILURE,
    }
)
DISCLOSURE_ACTIONS = frozenset({EXPORT, DISCLOSE})

# Rows written while a clinician reads a patient under emergency access ("break the glass") carry the
# grant's id under this key of ``detail``; the page sets it on the request (remit.patients.access), so
# every row the request writes is marked without each view saying so.
EMERGENCY_ACCESS = "emergency_access"
REQUEST_EMERGENCY_GRANT = "emergency_access_grant_id"


def _address(text: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    """An address as a proxy writes it (``1.2.3.4``, ``1.2.3.4:5678``, ``[2001:db8::1]:443``), or None."""
    text = text.strip()
    if text.startswith("[") and "]" in text:
        text = text[1 : text.index("]")]
    elif text.count(":") == 1:
        text = text.split(":", 1)[0]
    try:
        return ipaddress.ip_address(text)
    except ValueError:
        return None


def _trusted(address: ipaddress.IPv4Address | ipaddress.IPv6Address | None) -> bool:
    networks = getattr(settings, "REMIT_TRUSTED_PROXIES", ())
    return address is not None and any(address.version == n.version and address in n for n in networks)


def client_ip(request: HttpRequest) -> str:
    """The client's address: REMOTE_ADDR, or behind a trusted proxy the right-most untrusted hop.

    X-Forwarded-For is read only when the direct peer is one of REMIT_TRUSTED_PROXIES (anyone can
    send the header); then its hops are read from the right, skipping trusted proxies, and the first
    one that is not trusted is the client.  A hop that is not an address stops the walk at the last
    trusted one.
    """
    peer = request.META.get("REMOTE_ADDR", "")
    address = _address(peer)
    if not _trusted(address):
        return peer
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    hops = [hop for hop in forwarded.split(",") if hop.strip()]
    client = str(address)
    for hop in reversed(hops):
        hop_address = _address(hop)
        if hop_address is None:
            break
        client = str(hop_address)
        if not _trusted(hop_address):
            break
    return client


def client_address(request: HttpRequest | None) -> tuple[str, str]:
    if request is None:
        return "", ""
    return client_ip(request)[:64], request.META.get("HTTP_USER_AGENT", "")[:300]


# --- who ran a command ------------------------------------------------------------------------

_command: ContextVar[dict[str, str] | None] = ContextVar("remit_audit_command", default=None)


def os_identity() -> dict[str, str]:
    """The operating-system account running this process (and the person behind sudo, if any)."""
    try:
        user = getpass.getuser()
    except Exception:  # no name for this uid (a container without /etc/passwd entry)
        user = f"uid {os.getuid()}" if hasattr(os, "getuid") else "unknown"
    found = {"os_user": user}
    sudo_user = os.environ.get("SUDO_USER", "")
    if sudo_user and sudo_user != user:
        found["sudo_user"] = sudo_user
    return found


@contextmanager
def command(name: str) -> Iterator[dict[str, str]]:
    """Inside it, audit rows written without a request name the command and the OS user running it."""
    context = {"command": name, **os_identity()}
    token = _command.set(context)
    try:
        yield context
    finally:
        _command.reset(token)


def current_command() -> dict[str, str] | None:
    return _command.get()


def _with_command(
    request: HttpRequest | None, detail: dict[str, Any], actor_label: str
) -> tuple[dict[str, Any], str]:
    """Without a request, inside ``command()``: the command and the OS user go into the row."""
    run_by = _command.get()
    if request is None and run_by is not None:
        for name, value in run_by.items():
            detail.setdefault(name, value)
        actor_label = actor_label or run_by["command"]
    return detail, actor_label


def _current_key() -> tuple[str, bytes]:
    key_id = settings.REMIT_AUDIT_KEY_ID
    return key_id, settings.REMIT_AUDIT_KEYS[key_id]


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
    detail, actor_label = _with_command(request, dict(detail or {}), actor_label)
    key_id, key = _current_key()
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
            detail=json.loads(json.dumps(detail, default=str)),
            prev_hash=head.hash,
            key_id=key_id,
        )
        event.hash = chain.seal(event.chain_fields(), head.hash, key_id, key)
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
    seal, consecutive ``seq``), so ``verify_trail`` cannot tell them apart; they are inserted ``batch`` at
    a time. Returns how many rows were written.
    """
    if actor is None and request is not None and request.user.is_authenticated:
        actor = request.user
    if actor is not None and not actor_label:
        actor_label = actor.get_username()
    ip, agent = client_address(request)
    shared, actor_label = _with_command(request, {}, actor_label)
    key_id, key = _current_key()
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
                detail=json.loads(json.dumps({**(entry.get("detail") or {}), **shared}, default=str)),
                prev_hash=prev,
                key_id=key_id,
            )
            event.hash = chain.seal(event.chain_fields(), prev, key_id, key)
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


def _rows(batch: int) -> Iterator[dict[str, Any]]:
    last = 0
    while True:
        page = list(
            AuditEvent.objects.filter(seq__gt=last)
            .order_by("seq")
            .values(*chain.FIELDS, "prev_hash", "hash", "key_id")[:batch]
        )
        if not page:
            return
        yield from page
        last = page[-1]["seq"]


def verify_trail(
    batch: int = 5000, *, checkpoint_file: Any = None, use_checkpoints: bool = True
) -> checkpoints.Report:
    """Check every row's seal and link, the chain head, and the signed checkpoints outside the database."""
    keys = settings.REMIT_AUDIT_KEYS
    found_checkpoints = checkpoints.read(checkpoint_file, keys) if use_checkpoints else checkpoints.Read()
    walked = chain.walk(_rows(batch), keys, remember=found_checkpoints.seqs())
    report = checkpoints.Report(walked=walked, checkpoints=found_checkpoints)
    report.problems.extend(walked.problems)
    head = AuditChainHead.objects.filter(pk=1).first()
    if head is not None:
        if walked.rows == 0 and head.seq:
            report.problems.append(
                chain.Break(1, f"the trail is empty but the chain head says {head.seq} rows were written")
            )
        elif walked.rows and (head.seq != walked.last_seq or head.hash != walked.last_hash):
            report.problems.append(
                chain.Break(
                    walked.last_seq + 1,
                    f"rows after {walked.last_seq} are missing (the chain head says {head.seq} rows were written)",
                )
            )
    report.problems.extend(checkpoints.compare(found_checkpoints, walked))
    return report


def write_checkpoint(now: Any = None) -> checkpoints.Checkpoint:
    """Sign the chain's newest row and append it to the checkpoint file (and syslog, if set)."""
    last = AuditEvent.objects.order_by("-seq").values("seq", "hash", "at").first()
    # Counted up to that row, not "now": a row committed between the two queries is not this checkpoint's.
    count = AuditEvent.objects.filter(seq__lte=last["seq"]).count() if last else 0
    key_id = settings.REMIT_AUDIT_KEY_ID
    point = checkpoints.Checkpoint(
        seq=last["seq"] if last else 0,
        hash=last["hash"] if last else chain.GENESIS,
        count=count,
        row_at=chain.when(last) if last else "",
        at=(now or timezone.now()).astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ"),
        key_id=key_id,
    )
    signed = point.signed(settings.REMIT_AUDIT_KEYS[key_id])
    checkpoints.append(settings.REMIT_AUDIT_CHECKPOINT_FILE, signed)
    if settings.REMIT_AUDIT_CHECKPOINT_SYSLOG:
        checkpoints.to_syslog(settings.REMIT_AUDIT_CHECKPOINT_SYSLOG, signed)
    return signed
