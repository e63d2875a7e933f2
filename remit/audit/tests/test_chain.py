"""The audit trail is append-only and tamper-evident."""

import pytest
from django.core.management import call_command
from django.db import connection

from remit.audit import actions as audit
from remit.audit.models import AppendOnlyError, AuditEvent


def _three_events(world):
    for n in range(3):
        audit.record(audit.VIEW, actor=world.users["nurse"], object_type="patients.patient", object_id=n)


def test_an_intact_trail_verifies(world):
    _three_events(world)
    assert audit.verify_trail().ok


def test_rows_are_chained_in_sequence(world):
    _three_events(world)
    rows = list(AuditEvent.objects.order_by("seq"))
    assert [r.seq for r in rows] == [1, 2, 3]
    assert rows[1].prev_hash == rows[0].hash
    assert rows[2].prev_hash == rows[1].hash


def test_the_app_refuses_to_update_or_delete_an_event(world):
    _three_events(world)
    event = AuditEvent.objects.get(seq=2)
    event.action = "nothing to see"
    with pytest.raises(AppendOnlyError):
        event.save()
    with pytest.raises(AppendOnlyError):
        event.delete()
    with pytest.raises(AppendOnlyError):
        AuditEvent.objects.filter(seq=2).update(action="x")
    with pytest.raises(AppendOnlyError):
        AuditEvent.objects.all().delete()


def _by_hand(sql, params):
    """What a person with database access could do behind the application's back."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # Deferred foreign-key checks of this test's own inserts must run before ALTER TABLE.
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            cursor.execute("ALTER TABLE audit_auditevent DISABLE TRIGGER audit_auditevent_append_only")
        cursor.execute(sql, params)
        if connection.vendor == "postgresql":
            cursor.execute("ALTER TABLE audit_auditevent ENABLE TRIGGER audit_auditevent_append_only")


def test_verify_names_a_row_edited_by_hand(world, capsys):
    _three_events(world)
    _by_hand("UPDATE audit_auditevent SET actor_label = %s WHERE seq = %s", ["someone_else", 2])
    with pytest.raises(SystemExit) as exit_info:
        call_command("audit", "verify")
    assert exit_info.value.code != 0
    err = capsys.readouterr().err
    assert "row 2 (view by someone_else at" in err and "was altered" in err


def test_verify_names_a_row_deleted_by_hand(world, capsys):
    _three_events(world)
    _by_hand("DELETE FROM audit_auditevent WHERE seq = %s", [2])
    with pytest.raises(SystemExit):
        call_command("audit", "verify")
    assert "row 2 is missing" in capsys.readouterr().err


def test_verify_notices_the_newest_rows_cut_off(world, capsys):
    _three_events(world)
    _by_hand("DELETE FROM audit_auditevent WHERE seq = %s", [3])
    with pytest.raises(SystemExit):
        call_command("audit", "verify")
    assert "rows after 2 are missing" in capsys.readouterr().err


def test_verify_reports_an_intact_trail(world, capsys):
    _three_events(world)
    call_command("audit", "verify")
    assert "3 rows" in capsys.readouterr().out


@pytest.mark.postgres_only
def test_postgresql_itself_refuses_an_update(world):
    from django.db import DatabaseError, transaction

    _three_events(world)
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("UPDATE audit_auditevent SET action = 'x' WHERE seq = 1")
