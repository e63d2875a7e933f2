"""Signed checkpoints of the audit chain's head, kept outside the database.

Every ``REMIT_AUDIT_CHECKPOINT_SECONDS`` the worker appends one line to
``REMIT_AUDIT_CHECKPOINT_FILE`` (opened with ``O_APPEND``, so a write never
replaces what is there) and, if set, sends it to syslog::

    {"at": "...", "count": 1234, "hash": "...", "key_id": "k2", "row_at": "...", "seq": 1234, "sig": "...", "v": 1}

``seq`` and ``hash`` are the newest row's number and seal when the checkpoint
was written, ``count`` the number of rows then, ``sig`` an HMAC-SHA-256 of the
rest under the audit key ``key_id``.  ``remit audit verify`` reads them all
back: someone who cuts the newest rows and rewinds the chain head, or rewrites
rows and re-seals everything after them (even with the key), leaves a trail
that disagrees with a checkpoint written before.  Production keeps the file
where the application cannot rewrite it (a separate volume, ``chattr +a``) or
ships the syslog copy to another host.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import logging.handlers
import os
from collections.abc import Mapping
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path

from remit.audit import chain

VERSION = 1


@dataclass(frozen=True)
class Checkpoint:
    seq: int
    hash: str
    count: int
    row_at: str
    at: str
    key_id: str
    sig: str = ""
    line: int = 0  # where it was read from (not signed, not written)

    def _message(self) -> bytes:
        fields = {k: v for k, v in asdict(self).items() if k not in ("sig", "line")}
        fields["v"] = VERSION
        return json.dumps(fields, sort_keys=True, separators=(",", ":")).encode()

    def signed(self, key: bytes) -> Checkpoint:
        return replace(self, sig=hmac.new(key, self._message(), hashlib.sha256).hexdigest())

    def signature_ok(self, key: bytes) -> bool:
        expected = hmac.new(key, self._message(), hashlib.sha256).hexdigest()
        return hmac.compare_digest(expected, self.sig)

    def to_line(self) -> str:
        fields = {k: v for k, v in asdict(self).items() if k != "line"}
        fields["v"] = VERSION
        return json.dumps(fields, sort_keys=True, separators=(",", ":"))

    @property
    def written(self) -> str:
        """When it was written, for people: 2026-12-05 11:30:02 UTC."""
        return self.at[:19].replace("T", " ") + " UTC" if self.at else "an unknown time"


def append(path: Path | str, point: Checkpoint) -> None:
    """Append one line with O_APPEND (never truncating or seeking), then fsync."""
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(target, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o640)
    try:
        os.write(fd, (point.to_line() + "\n").encode())
        os.fsync(fd)
    finally:
        os.close(fd)


def to_syslog(address: str, point: Checkpoint) -> None:
    """Send the checkpoint to syslog: ``/dev/log`` (a socket path) or ``host:port`` (UDP)."""
    target: str | tuple[str, int]
    if address.startswith("/"):
        target = address
    else:
        host, _, port = address.rpartition(":")
        target = (host or address, int(port) if port.isdigit() else 514)
    handler = logging.handlers.SysLogHandler(address=target, facility=logging.handlers.SysLogHandler.LOG_AUTH)
    try:
        record = logging.LogRecord(
            "remit.audit", logging.INFO, __file__, 0, "remit-audit-checkpoint %s", (point.to_line(),), None
        )
        handler.emit(record)
    finally:
        handler.close()


@dataclass
class Read:
    """The checkpoints found in a file, and the lines that are not good checkpoints."""

    path: str = ""
    exists: bool = False
    good: list[Checkpoint] = field(default_factory=list)
    problems: list[chain.Break] = field(default_factory=list)

    def seqs(self) -> set[int]:
        return {point.seq for point in self.good}


def read(path: Path | str | None, keys: Mapping[str, bytes]) -> Read:
    """Every checkpoint in ``path`` whose signature holds; a problem for every line that does not."""
    if path is None:
        from django.conf import settings

        path = settings.REMIT_AUDIT_CHECKPOINT_FILE
    found = Read(path=str(path))
    try:
        text = Path(path).read_text(encoding="utf-8", errors="replace")
    except FileNotFoundError:
        return found
    found.exists = True
    for number, raw in enumerate(text.splitlines(), start=1):
        if not raw.strip():
            continue
        where = f"checkpoint on line {number} of {path}"
        try:
            data = json.loads(raw[raw.index("{") :])
            point = Checkpoint(
                seq=int(data["seq"]),
                hash=str(data["hash"]),
                count=int(data["count"]),
                row_at=str(data.get("row_at", "")),
                at=str(data["at"]),
                key_id=str(data["key_id"]),
                sig=str(data["sig"]),
                line=number,
            )
        except (ValueError, KeyError, TypeError):
            found.problems.append(
                chain.Break(0, f"the {where} cannot be read (it is damaged or not a checkpoint)")
            )
            continue
        key = keys.get(point.key_id)
        if key is None:
            found.problems.append(
                chain.Break(
                    point.seq,
                    f"the {where} (written at {point.written}) is signed with audit key {point.key_id!r}, "
                    "which is not configured (add it back to REMIT_AUDIT_KEYS)",
                )
            )
        elif not point.signature_ok(key):
            found.problems.append(
                chain.Break(
                    point.seq,
                    f"the {where} (claiming row {point.seq} at {point.written}) has a signature that does not "
                    "match: it was forged or changed",
                )
            )
        else:
            found.good.append(point)
    return found


@dataclass
class Report:
    """What ``remit audit verify`` found: the chain walked, the checkpoints read, every problem."""

    walked: chain.Verification
    checkpoints: Read
    problems: list[chain.Break] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems

    @property
    def first(self) -> chain.Break | None:
        return self.problems[0] if self.problems else None


def compare(found: Read, walked: chain.Verification) -> list[chain.Break]:
    """Where the trail in the database disagrees with a checkpoint written before."""
    problems = list(found.problems)
    # A rewound head: the trail now ends before a row a checkpoint saw.
    furthest = max(found.good, key=lambda p: (p.seq, p.line), default=None)
    if furthest is not None and furthest.seq > walked.last_seq:
        first_missing = walked.last_seq + 1
        rows = (
            f"row {first_missing}"
            if first_missing == furthest.seq
            else f"rows {first_missing} to {furthest.seq}"
        )
        problems.append(
            chain.Break(
                first_missing,
                f"the trail ends at row {walked.last_seq}, but the checkpoint written at {furthest.written} "
                f"(line {furthest.line}) saw {furthest.seq} rows, the newest written at {furthest.row_at or 'an unknown time'}: "
                f"{rows} were cut off and the chain head was rewound",
            )
        )
    seen: set[tuple[int, str]] = set()
    newest_seq = 0
    newest_line = 0
    for point in found.good:
        # Checkpoints only move forward: a later one that saw fewer rows means the trail was rewound.
        if point.seq < newest_seq:
            problems.append(
                chain.Break(
                    point.seq,
                    f"the checkpoint written at {point.written} (line {point.line}) saw {point.seq} rows, fewer "
                    f"than the {newest_seq} seen by the one on line {newest_line}: the trail was rewound between them",
                )
            )
        if point.seq >= newest_seq:
            newest_seq, newest_line = point.seq, point.line
        if (point.seq, point.hash) in seen or point.seq > walked.last_seq or point.seq == 0:
            continue
        seen.add((point.seq, point.hash))
        stored = walked.remembered.get(point.seq)
        if stored is None:
            problems.append(
                chain.Break(
                    point.seq,
                    f"row {point.seq}, which the checkpoint written at {point.written} (line {point.line}) saw, "
                    "is missing",
                )
            )
            continue
        stored_hash, stored_at, rows_so_far = stored
        if stored_hash != point.hash:
            problems.append(
                chain.Break(
                    point.seq,
                    f"row {point.seq} (now recorded at {chain.when({'at': stored_at})}) differs from the checkpoint "
                    f"written at {point.written} (line {point.line}): its seal was {point.hash[:16]}… and is now "
                    f"{stored_hash[:16]}…, so it or a row before it was rewritten and the chain re-sealed",
                )
            )
        elif rows_so_far != point.count:
            problems.append(
                chain.Break(
                    point.seq,
                    f"the checkpoint written at {point.written} (line {point.line}) counted {point.count} rows up "
                    f"to row {point.seq}; there are now {rows_so_far}",
                )
            )
    return problems
