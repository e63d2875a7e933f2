"""45 CFR 170.315(d)(2) Auditable events and tamper-resistance.

The audit trail is sealed with a key the database does not hold, and signed checkpoints of
its head are kept outside the database, so each way of forging it is detected by
`remit audit verify`, which names the row, its time and what differs, and exits non-zero:
a cut tail with a rewound chain head, a forged row appended with a recomputed hash, a row
rewritten and everything after it re-chained (without the key, and with a stolen key), a
deleted row.  The worker writes the checkpoints; keys rotate; on PostgreSQL the application's
own role cannot change or remove audit rows at all.
"""

from __future__ import annotations

import base64
import json
import os
import subprocess
import sys
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from django.conf import settings
from django.core.management import call_command
from django.db import connection

from remit.audit import actions as audit
from remit.audit import chain, checkpoints
from remit.audit.models import AuditChainHead, AuditEvent

ROOT = Path(__file__).resolve().parents[2]


def _events(world, n, start=0):
    for i in range(start, start + n):
        audit.record(audit.VIEW, actor=world.users["nurse"], object_type="patients.patient", object_id=i)


def _sql(sql, params=()):
    """What a person with the database, but not the audit key, could do behind the application's back."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            cursor.execute("ALTER TABLE audit_auditevent DISABLE TRIGGER audit_auditevent_append_only")
        cursor.execute(sql, list(params))
        if connection.vendor == "postgresql":
            cursor.execute("ALTER TABLE audit_auditevent ENABLE TRIGGER audit_auditevent_append_only")


def _row(seq):
    return AuditEvent.objects.values(*chain.FIELDS, "prev_hash", "hash", "key_id").get(seq=seq)


def _rewind_head_to(seq):
    row = _row(seq)
    AuditChainHead.objects.filter(pk=1).update(seq=seq, hash=row["hash"])


def _verify(capsys, *args):
    with pytest.raises(SystemExit) as exit_info:
        call_command("audit", "verify", *args)
    assert exit_info.value.code == 1
    return capsys.readouterr().err


def test_an_untouched_trail_with_its_checkpoints_verifies(world, capsys):
    _events(world, 3)
    call_command("audit", "checkpoint")
    _events(world, 2, start=3)
    call_command("audit", "checkpoint")
    capsys.readouterr()
    call_command("audit", "verify")
    out = capsys.readouterr().out
    assert "audit trail intact: 5 rows verified" in out
    assert "2 checkpoint(s)" in out and "agree with it" in out


def test_every_row_is_sealed_with_the_current_audit_key_not_a_plain_hash(world):
    _events(world, 2)
    first, second = AuditEvent.objects.order_by("seq")
    assert first.key_id == second.key_id == settings.REMIT_AUDIT_KEY_ID
    assert second.prev_hash == first.hash
    # Anyone could compute the old plain SHA-256; the stored seal is not it.
    assert first.hash != chain.legacy_row_hash(first.chain_fields(), chain.GENESIS)
    key = settings.REMIT_AUDIT_KEYS[first.key_id]
    assert first.hash == chain.seal(first.chain_fields(), chain.GENESIS, first.key_id, key)


def test_a_cut_tail_with_a_rewound_chain_head_is_caught_by_the_checkpoint(world, capsys):
    _events(world, 5)
    call_command("audit", "checkpoint")
    newest_at = chain.when(_row(5))
    _sql("DELETE FROM audit_auditevent WHERE seq >= %s", [4])
    _rewind_head_to(3)
    # Without the checkpoints the chain itself looks whole.
    assert audit.verify_trail(use_checkpoints=False).ok
    err = _verify(capsys)
    assert "the trail ends at row 3" in err
    assert "rows 4 to 5 were cut off and the chain head was rewound" in err
    assert f"saw 5 rows, the newest written at {newest_at}" in err


def test_a_forged_row_appended_with_a_recomputed_plain_hash_is_named(world, capsys):
    _events(world, 3)
    last = _row(3)
    forged = dict(last, seq=4, action="view", actor_label="nobody", object_id="99", prev_hash=last["hash"])
    forged["hash"] = chain.legacy_row_hash(forged, last["hash"])
    forged["key_id"] = "derived"  # claims the key, but the forger does not have it
    AuditEvent.objects.bulk_create([AuditEvent(**{k: v for k, v in forged.items() if k != "actor_id"})])
    _rewind_head_to(4)
    err = _verify(capsys)
    assert "row 4 (view by nobody at" in err
    assert "was altered or forged (its seal does not match its contents under audit key 'derived')" in err


def test_a_forged_row_with_the_old_unkeyed_hash_after_keyed_rows_is_named(world, capsys):
    _events(world, 2)
    last = _row(2)
    forged = dict(last, seq=3, actor_label="nobody", prev_hash=last["hash"], key_id="")
    forged["hash"] = chain.legacy_row_hash(forged, last["hash"])
    AuditEvent.objects.bulk_create([AuditEvent(**{k: v for k, v in forged.items() if k != "actor_id"})])
    _rewind_head_to(3)
    err = _verify(capsys)
    assert "row 3 (view by nobody at" in err
    assert "has the old unkeyed seal although rows are keyed since row 1" in err


def test_a_rewritten_row_with_every_row_after_it_rechained_without_the_key_is_named(world, capsys):
    _events(world, 4)
    prev = _row(1)["hash"]
    wrong_key = b"a guess at the audit key, which is not it"
    for seq in range(2, 5):
        row = _row(seq)
        if seq == 2:
            row["actor_label"] = "someone_else"
        new_hash = chain.seal(row, prev, row["key_id"], wrong_key)
        _sql(
            "UPDATE audit_auditevent SET actor_label = %s, prev_hash = %s, hash = %s WHERE seq = %s",
            [row["actor_label"], prev, new_hash, seq],
        )
        prev = new_hash
    AuditChainHead.objects.filter(pk=1).update(hash=prev)
    err = _verify(capsys)
    assert "row 2 (view by someone_else at" in err
    assert "was altered or forged" in err


def test_a_trail_rechained_with_a_stolen_key_disagrees_with_the_checkpoints(world, capsys):
    _events(world, 4)
    call_command("audit", "checkpoint")
    key_id = settings.REMIT_AUDIT_KEY_ID
    key = settings.REMIT_AUDIT_KEYS[key_id]
    prev = _row(1)["hash"]
    for seq in range(2, 5):
        row = _row(seq)
        if seq == 2:
            row["actor_label"] = "someone_else"
        new_hash = chain.seal(row, prev, key_id, key)
        _sql(
            "UPDATE audit_auditevent SET actor_label = %s, prev_hash = %s, hash = %s WHERE seq = %s",
            [row["actor_label"], prev, new_hash, seq],
        )
        prev = new_hash
    AuditChainHead.objects.filter(pk=1).update(hash=prev)
    # The seals all hold now: only the checkpoint written before the forgery tells.
    assert audit.verify_trail(use_checkpoints=False).ok
    err = _verify(capsys)
    assert "row 4 (now recorded at" in err
    assert "differs from the checkpoint written at" in err
    assert "was rewritten and the chain re-sealed" in err


def test_a_forger_with_the_key_cannot_hide_behind_a_new_checkpoint(world, capsys):
    _events(world, 3)
    call_command("audit", "checkpoint")
    _sql("DELETE FROM audit_auditevent WHERE seq = %s", [3])
    _rewind_head_to(2)
    call_command("audit", "checkpoint")  # the forger's own checkpoint, appended after the first
    err = _verify(capsys)
    assert "row 3 were cut off" in err
    assert "saw 2 rows, fewer than the 3 seen by the one on line 1: the trail was rewound between them" in err


def test_a_deleted_row_is_named(world, capsys):
    _events(world, 4)
    _sql("DELETE FROM audit_auditevent WHERE seq = %s", [2])
    err = _verify(capsys)
    assert "row 2 is missing (the next row found is row 3 (view by nurse at" in err


def test_a_rewritten_row_is_named_with_its_time(world, capsys):
    _events(world, 3)
    at = chain.when(_row(2))
    _sql("UPDATE audit_auditevent SET object_id = %s WHERE seq = %s", ["other patient", 2])
    err = _verify(capsys)
    assert f"row 2 (view by nurse at {at}) was altered or forged" in err


def test_a_forged_checkpoint_line_is_named(world, capsys):
    _events(world, 2)
    call_command("audit", "checkpoint")
    path = Path(settings.REMIT_AUDIT_CHECKPOINT_FILE)
    line = json.loads(path.read_text().splitlines()[0])
    line.update(seq=1, count=1, hash=_row(1)["hash"])
    with path.open("a") as fh:
        fh.write(json.dumps(line) + "\n")
    err = _verify(capsys)
    assert (
        "the checkpoint on line 2" in err
        and "has a signature that does not match: it was forged or changed" in err
    )


def test_the_worker_writes_signed_checkpoints_by_appending(world, capsys):
    _events(world, 3)
    call_command("worker", "--once", "--job", "audit.checkpoint")
    path = Path(settings.REMIT_AUDIT_CHECKPOINT_FILE)
    first = path.read_text()
    _events(world, 1, start=3)
    call_command("worker", "--once", "--job", "audit.checkpoint")
    text = path.read_text()
    assert text.startswith(first), "a checkpoint is appended; what was written stays"
    lines = [json.loads(line) for line in text.splitlines()]
    assert [(p["seq"], p["count"]) for p in lines] == [(3, 3), (4, 4)]
    assert lines[1]["hash"] == _row(4)["hash"]
    found = checkpoints.read(path, settings.REMIT_AUDIT_KEYS)
    assert [p.seq for p in found.good] == [3, 4] and not found.problems
    assert settings.REMIT_AUDIT_CHECKPOINT_SECONDS > 0
    from remit import jobs

    assert jobs.get("audit.checkpoint").every_seconds == settings.REMIT_AUDIT_CHECKPOINT_SECONDS


def test_rotating_the_key_keeps_old_rows_verifiable_with_their_own_key(world, settings, capsys):
    settings.REMIT_AUDIT_KEYS = {"k1": b"k1" * 20}
    settings.REMIT_AUDIT_KEY_ID = "k1"
    _events(world, 2)
    settings.REMIT_AUDIT_KEYS = {"k1": b"k1" * 20, "k2": b"k2" * 20}
    settings.REMIT_AUDIT_KEY_ID = "k2"
    _events(world, 2, start=2)
    assert list(AuditEvent.objects.order_by("seq").values_list("key_id", flat=True)) == [
        "k1",
        "k1",
        "k2",
        "k2",
    ]
    call_command("audit", "verify")
    assert "4 rows verified (audit keys used: k1, k2)" in capsys.readouterr().out
    settings.REMIT_AUDIT_KEYS = {"k2": b"k2" * 20}  # the old key dropped: its rows can no longer be checked
    err = _verify(capsys)
    assert "row 1 (view by nurse at" in err and "audit key 'k1', which is not configured" in err


def test_rows_written_before_the_chain_was_keyed_still_verify(world, capsys):
    prev = chain.GENESIS
    old = []
    for seq in (1, 2):
        row = {name: None for name in chain.FIELDS}
        row.update(seq=seq, at=AuditEvent._meta.get_field("at").to_python("2026-01-02T03:04:05Z"))
        row.update(actor_label="nurse", action="view", object_type="patients.patient", object_id=str(seq))
        row.update(ip="", user_agent="", detail={})
        event = AuditEvent(**{k: v for k, v in row.items() if k != "actor_id"}, prev_hash=prev, key_id="")
        event.hash = chain.legacy_row_hash(event.chain_fields(), prev)
        prev = event.hash
        old.append(event)
    AuditEvent.objects.bulk_create(old)
    AuditChainHead.objects.create(pk=1, seq=2, hash=prev)
    _events(world, 2)
    assert list(AuditEvent.objects.order_by("seq").values_list("key_id", flat=True)) == [
        "",
        "",
        "derived",
        "derived",
    ]
    call_command("audit", "verify")
    out = capsys.readouterr().out
    assert "4 rows verified" in out and "2 of them were written before the trail was keyed" in out
    # The first keyed row pins the last old hash: rewriting an old row breaks the chain.
    _sql("UPDATE audit_auditevent SET actor_label = %s WHERE seq = %s", ["someone_else", 1])
    assert "row 1 (view by someone_else at 2026-01-02 03:04:05 UTC) was altered" in _verify(capsys)


def _settings_in_a_fresh_process(**env):
    base = {k: v for k, v in os.environ.items() if not k.startswith("REMIT_")}
    base.update(DJANGO_SETTINGS_MODULE="remit.settings", **env)
    return subprocess.run(
        [
            sys.executable,
            "-c",
            "import django; django.setup(); from django.conf import settings; print(settings.REMIT_AUDIT_KEY_ID)",
        ],
        env=base,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )


PRODUCTION = {
    "REMIT_HTTPS": "true",
    "REMIT_SECRET_KEY": "p" * 60,
    "REMIT_ALLOWED_HOSTS": "remit.example.org",
    "REMIT_CREDENTIAL_KEYS": base64.urlsafe_b64encode(b"c" * 32).decode(),
}


def test_production_refuses_to_start_without_an_audit_key(tmp_path):
    done = _settings_in_a_fresh_process(**PRODUCTION, REMIT_VAR_DIR=str(tmp_path))
    assert done.returncode != 0
    assert "REMIT_AUDIT_KEYS must be set when REMIT_HTTPS is on (production)" in done.stderr


def test_production_starts_with_an_audit_key_and_names_the_current_one(tmp_path):
    done = _settings_in_a_fresh_process(
        **PRODUCTION,
        REMIT_VAR_DIR=str(tmp_path),
        REMIT_AUDIT_KEYS=f"2026a={'a' * 40},2026b={'b' * 40}",
        REMIT_AUDIT_KEY_ID="2026b",
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "2026b"


def test_a_short_audit_key_is_refused_by_name(tmp_path):
    done = _settings_in_a_fresh_process(REMIT_VAR_DIR=str(tmp_path), REMIT_AUDIT_KEYS="k1=short")
    assert done.returncode != 0
    assert "the secret of key 'k1' must be at least 32 characters" in done.stderr


# --- PostgreSQL: the application's role may only read and append to the trail ------------------

APP_URL = os.environ.get("REMIT_TEST_APP_DATABASE_URL", "")


@pytest.mark.postgres_only
@pytest.mark.skipif(
    not APP_URL,
    reason="needs REMIT_TEST_APP_DATABASE_URL: a login role that is not the owner of the tables (.ci/run sets it)",
)
def test_the_application_role_cannot_change_remove_or_unguard_audit_rows(transactional_db):
    import psycopg

    from remit.testing import build_world

    world = build_world()
    _events(world, 2)
    app = urlsplit(APP_URL)
    call_command("db", "grant-app-role", app.username)
    db = connection.settings_dict
    conninfo = psycopg.conninfo.make_conninfo(
        host=app.hostname or db["HOST"],
        port=app.port or db["PORT"],
        user=app.username,
        password=app.password or "",
        dbname=db["NAME"],
    )
    with psycopg.connect(conninfo, autocommit=True) as app_connection:
        cursor = app_connection.cursor()
        cursor.execute("SELECT count(*) FROM audit_auditevent")
        assert cursor.fetchone()[0] == 2
        refused = {  # what is refused: the statement the application's role tries
            "UPDATE": "UPDATE audit_auditevent SET actor_label = 'x' WHERE seq = 1",
            "DELETE": "DELETE FROM audit_auditevent WHERE seq = 2",
            "TRUNCATE": "TRUNCATE audit_auditevent",
            "DISABLE TRIGGER": "ALTER TABLE audit_auditevent DISABLE TRIGGER audit_auditevent_append_only",
            "DROP TRIGGER": "DROP TRIGGER audit_auditevent_append_only ON audit_auditevent",
        }
        for statement in refused.values():
            with pytest.raises(psycopg.errors.InsufficientPrivilege, match="permission denied|must be owner"):
                cursor.execute(statement)
        # It keeps the rights it needs: appending to the trail, moving the chain head, other tables.
        cursor.execute(
            "INSERT INTO audit_auditevent (seq, at, actor_label, action, object_type, object_id, ip, user_agent,"
            " detail, prev_hash, hash, key_id) VALUES (3, now(), 'x', 'view', '', '', '', '', '{}', '', '', '')"
        )
        cursor.execute("UPDATE audit_auditchainhead SET seq = seq")
        cursor.execute("UPDATE accounts_clinic SET name = name")
    assert AuditEvent.objects.filter(seq=1, actor_label="nurse").exists()
    assert AuditEvent.objects.filter(seq=2).exists()


@pytest.mark.postgres_only
def test_grant_app_role_refuses_the_owner_itself(db):
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="run this as the owner of the tables"):
        call_command("db", "grant-app-role", connection.settings_dict["USER"])


def test_grant_app_role_says_it_needs_postgresql(db):
    from django.core.management.base import CommandError

    if connection.vendor == "postgresql":
        pytest.skip("this case is about SQLite; on PostgreSQL the command runs")
    with pytest.raises(CommandError, match="works on PostgreSQL only"):
        call_command("db", "grant-app-role", "remit_app")
