"""The audit trail's hash chain, as plain functions.

Each row's hash covers its own fields and the previous row's hash, so
changing, removing or reordering any row breaks every hash after it, and
``verify`` can name the first row that no longer fits.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

GENESIS = "0" * 64

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


def row_hash(row: Mapping[str, Any], prev_hash: str) -> str:
    payload = {name: _canonical(row.get(name)) for name in FIELDS}
    text = json.dumps(payload, sort_keys=True, separators=(",", ":"), ensure_ascii=True, default=str)
    return hashlib.sha256((prev_hash + "|" + text).encode()).hexdigest()


@dataclass(frozen=True)
class Break:
    seq: int
    reason: str


def verify(rows: Iterable[Mapping[str, Any]]) -> Break | None:
    """Walk rows in ``seq`` order; return the first break, or None when intact."""
    expected_seq = 1
    prev = GENESIS
    for row in rows:
        seq = int(row["seq"])
        if seq != expected_seq:
            return Break(expected_seq, f"row {expected_seq} is missing (next row found is {seq})")
        if row["prev_hash"] != prev:
            return Break(seq, f"row {seq} does not follow row {seq - 1} (previous hash differs)")
        if row_hash(row, prev) != row["hash"]:
            return Break(seq, f"row {seq} was altered (its contents no longer match its hash)")
        prev = row["hash"]
        expected_seq += 1
    return None
