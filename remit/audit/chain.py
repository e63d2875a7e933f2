"""The audit trail's keyed chain, as plain functions.

Each row is sealed with HMAC-SHA-256 over its own fields, the key id and the
previous row's seal, using a secret key the database does not hold
(``REMIT_AUDIT_KEYS``).  Changing, removing or reordering any row breaks the
seal of that row and the link of the next; someone with the database but
without the key cannot recompute the seals, so they cannot re-chain the rows
after an edit.  Someone with the key too is caught by the signed checkpoints
kept outside the database (``remit.audit.checkpoints``).

Rows written before the chain was keyed keep their plain SHA-256 hash and an
empty key id (the legacy scheme).  They still verify, and once a keyed row
follows them its seal pins the last legacy hash, so they cannot be rewritten
without the key either; a legacy row after a keyed one is refused.
"""

from __future__ import annotations

import hashlib
import hmac
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

GENESIS = "0" * 64
LEGACY_KEY_ID = ""  # rows sealed before keys: plain SHA-256

FIELDS = (
    "seq",
    "at",
    "actor_id",
    "actor_label",
    "action",
    "object_type",
    "object_id",
    "patient_id",
    "clinic_id",
    "ip",
    "user_agent",
    "detail",
)


def _canonical(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
    return value


def _payload(row: Mapping[str, Any]) -> str:
    payload = {name: _canonical(row.get(name)) for name in FIELDS}
    return json.dumps(payload, sort_keys=True, separators=(",", ":"), ensure_ascii=True, default=str)


def legacy_row_hash(row: Mapping[str, Any], prev_hash: str) -> str:
    """The plain SHA-256 of rows written before the chain was keyed (anyone can compute it)."""
    return hashlib.sha256((prev_hash + "|" + _payload(row)).encode()).hexdigest()


def seal(row: Mapping[str, Any], prev_hash: str, key_id: str, key: bytes) -> str:
    """The row's HMAC-SHA-256 under ``key``; the key id is sealed too, so it cannot be swapped."""
    message = (prev_hash + "|" + key_id + "|" + _payload(row)).encode()
    return hmac.new(key, message, hashlib.sha256).hexdigest()


def row_hash(row: Mapping[str, Any], prev_hash: str, key_id: str = LEGACY_KEY_ID, key: bytes = b"") -> str:
    if key_id == LEGACY_KEY_ID:
        return legacy_row_hash(row, prev_hash)
    return seal(row, prev_hash, key_id, key)


def when(row: Mapping[str, Any]) -> str:
    """A row's time for people: UTC to the second."""
    at = row.get("at")
    if isinstance(at, datetime):
        return at.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S UTC")
    return str(at or "an unknown time")


def describe(row: Mapping[str, Any]) -> str:
    """Row 12 (a view by nurse at 2026-12-05 11:30:02 UTC)."""
    who = row.get("actor_label") or "the system"
    action = str(row.get("action") or "an event").replace("_", " ")
    return f"row {row['seq']} ({action} by {who} at {when(row)})"


@dataclass(frozen=True)
class Break:
    seq: int
    reason: str


@dataclass
class Verification:
    """What a walk over the chain found: its problems in row order, and what it saw."""

    problems: list[Break] = field(default_factory=list)
    rows: int = 0
    legacy_rows: int = 0
    last_seq: int = 0
    last_hash: str = GENESIS
    last_at: Any = None
    keys_used: set[str] = field(default_factory=set)
    # seq -> (hash, at, rows up to it) for the rows a caller asked to remember (the checkpoints' rows)
    remembered: dict[int, tuple[str, Any, int]] = field(default_factory=dict)

    @property
    def first(self) -> Break | None:
        return self.problems[0] if self.problems else None


def walk(
    rows: Iterable[Mapping[str, Any]],
    keys: Mapping[str, bytes],
    *,
    remember: Iterable[int] = (),
    limit: int = 50,
) -> Verification:
    """Walk rows in ``seq`` order and check every seal and link.

    After a problem the walk carries on from the row as stored, so a single
    edited or deleted row is named once, not with every row after it.
    """
    found = Verification()
    wanted = set(remember)
    expected_seq = 1
    prev = GENESIS
    keyed_since: int | None = None
    for row in rows:
        seq = int(row["seq"])
        found.rows += 1
        key_id = str(row.get("key_id") or LEGACY_KEY_ID)
        if seq != expected_seq:
            if seq > expected_seq:
                missing = (
                    f"row {expected_seq} is missing"
                    if seq == expected_seq + 1
                    else f"rows {expected_seq} to {seq - 1} are missing"
                )
                found.problems.append(
                    Break(expected_seq, f"{missing} (the next row found is {describe(row)})")
                )
            else:
                found.problems.append(
                    Break(seq, f"{describe(row)} is out of order (expected row {expected_seq})")
                )
            # the gap is the problem; the link to what is left after it is not a second one
        elif row["prev_hash"] != prev:
            found.problems.append(
                Break(
                    seq,
                    f"{describe(row)} does not follow row {seq - 1} (its link to the previous row differs)",
                )
            )
        if key_id == LEGACY_KEY_ID:
            found.legacy_rows += 1
            if keyed_since is not None:
                found.problems.append(
                    Break(
                        seq,
                        f"{describe(row)} has the old unkeyed seal although rows are keyed since row "
                        f"{keyed_since}: it was written behind the application's back",
                    )
                )
            elif legacy_row_hash(row, row["prev_hash"]) != row["hash"]:
                found.problems.append(
                    Break(seq, f"{describe(row)} was altered (its contents no longer match its hash)")
                )
        else:
            if keyed_since is None:
                keyed_since = seq
            found.keys_used.add(key_id)
            key = keys.get(key_id)
            if key is None:
                found.problems.append(
                    Break(
                        seq,
                        f"{describe(row)} is sealed with audit key {key_id!r}, which is not configured "
                        "(add it back to REMIT_AUDIT_KEYS; retired keys stay there to verify old rows)",
                    )
                )
            elif not hmac.compare_digest(seal(row, row["prev_hash"], key_id, key), row["hash"]):
                found.problems.append(
                    Break(
                        seq,
                        f"{describe(row)} was altered or forged (its seal does not match its contents "
                        f"under audit key {key_id!r})",
                    )
                )
        if seq in wanted:
            found.remembered[seq] = (str(row["hash"]), row.get("at"), found.rows)
        prev = str(row["hash"])
        expected_seq = max(expected_seq, seq) + 1
        found.last_seq = max(found.last_seq, seq)
        found.last_hash = prev
        found.last_at = row.get("at")
        if len(found.problems) >= limit:
            found.problems.append(
                Break(seq, f"stopped after {limit} problems; there may be more after row {seq}")
            )
            break
    return found


def verify(rows: Iterable[Mapping[str, Any]], keys: Mapping[str, bytes] | None = None) -> Break | None:
    """Walk rows in ``seq`` order; return the first break, or None when intact."""
    return walk(rows, keys or {}).first
