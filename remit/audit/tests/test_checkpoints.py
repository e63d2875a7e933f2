"""Checkpoints of the chain's head: appended, signed, sent to syslog, read back strictly."""

import json
import socket

from django.conf import settings

from remit.audit import actions as audit
from remit.audit import checkpoints


def test_a_checkpoint_names_the_newest_row_and_is_signed_with_the_current_key(world):
    for n in range(2):
        audit.record(audit.VIEW, actor=world.users["nurse"], object_type="patients.patient", object_id=n)
    point = audit.write_checkpoint()
    newest = audit.AuditEvent.objects.order_by("-seq").first()
    assert (point.seq, point.hash, point.count, point.key_id) == (
        2,
        newest.hash,
        2,
        settings.REMIT_AUDIT_KEY_ID,
    )
    assert point.signature_ok(settings.REMIT_AUDIT_KEYS[point.key_id])
    assert not point.signature_ok(b"another key entirely, not the audit key")


def test_an_empty_trail_gets_a_checkpoint_of_nothing(db):
    point = audit.write_checkpoint()
    assert (point.seq, point.count) == (0, 0)
    assert audit.verify_trail().ok


def test_appending_never_rewrites_what_the_file_holds(db, tmp_path):
    path = tmp_path / "deeper" / "checkpoints.log"
    path.parent.mkdir()
    path.write_text("kept as it was\n")
    first = checkpoints.Checkpoint(1, "a" * 64, 1, "", "2026-12-05T10:00:00.000000Z", "k").signed(b"k" * 32)
    checkpoints.append(path, first)
    lines = path.read_text().splitlines()
    assert lines[0] == "kept as it was" and json.loads(lines[1])["seq"] == 1


def test_a_damaged_line_is_named_and_the_good_ones_kept(db, tmp_path):
    path = tmp_path / "checkpoints.log"
    good = checkpoints.Checkpoint(1, "a" * 64, 1, "", "2026-12-05T10:00:00.000000Z", "k").signed(b"k" * 32)
    path.write_text("not json at all\n" + good.to_line() + "\n")
    found = checkpoints.read(path, {"k": b"k" * 32})
    assert [p.seq for p in found.good] == [1]
    assert [b.reason for b in found.problems] == [
        f"the checkpoint on line 1 of {path} cannot be read (it is damaged or not a checkpoint)"
    ]


def test_a_checkpoint_goes_to_syslog_too_when_asked(world, settings):
    receiver = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    receiver.bind(("127.0.0.1", 0))
    receiver.settimeout(5)
    try:
        settings.REMIT_AUDIT_CHECKPOINT_SYSLOG = f"127.0.0.1:{receiver.getsockname()[1]}"
        audit.record(audit.VIEW, actor=world.users["nurse"], object_type="patients.patient", object_id=1)
        point = audit.write_checkpoint()
        message = receiver.recv(65536).decode()
    finally:
        receiver.close()
    assert "remit-audit-checkpoint" in message
    sent = json.loads(message[message.index("{") :].rstrip("\x00"))
    assert sent["seq"] == 1 and sent["sig"] == point.sig
