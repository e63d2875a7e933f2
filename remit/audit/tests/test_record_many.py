"""The batch writer: many chained rows with the chain head locked once, indistinguishable from ``record``."""

from django.db import connection
from django.test.utils import CaptureQueriesContext

from remit.audit import actions as audit
from remit.audit.models import AuditChainHead, AuditEvent
from remit.testing import make_patient


def test_a_batch_is_chained_after_single_rows_and_the_whole_trail_verifies(world):
    audit.record(audit.VIEW, actor=world.users["nurse"], object_type="patients.patient", object_id=1)
    patients = [make_patient(world.clinic) for _ in range(3)]
    written = audit.record_many(
        audit.DISCLOSE,
        [{"patient": p, "detail": {"n": i}} for i, p in enumerate(patients)],
        actor_label="token:EHR",
        object_type="fhir.api",
        object_id=1,
    )
    audit.record(audit.VIEW, actor=world.users["nurse"], object_type="patients.patient", object_id=2)
    assert written == 3
    rows = list(AuditEvent.objects.order_by("seq"))
    assert [r.seq for r in rows] == [1, 2, 3, 4, 5]
    assert [r.patient_id for r in rows[1:4]] == [p.pk for p in patients]
    assert {r.clinic_id for r in rows[1:4]} == {world.clinic.pk}
    assert [r.detail for r in rows[1:4]] == [{"n": 0}, {"n": 1}, {"n": 2}]
    for before, after in zip(rows, rows[1:], strict=False):
        assert after.prev_hash == before.hash
    head = AuditChainHead.objects.get(pk=1)
    assert (head.seq, head.hash) == (5, rows[-1].hash)
    assert audit.verify_trail() is None


def test_a_batch_of_five_hundred_patients_takes_a_handful_of_queries_not_one_per_patient(world):
    audit.record(audit.VIEW, actor_label="setup")
    entries = [{"patient": n, "clinic_id": world.clinic.pk} for n in range(1, 501)]
    with CaptureQueriesContext(connection) as queries:
        written = audit.record_many(audit.DISCLOSE, entries, actor_label="remit fhir export", batch=200)
    assert written == 500
    # The head read and lock, the inserts (SQLite splits a 200-row insert by its variable limit),
    # the head update and savepoints: a couple of dozen at most, where one ``record`` per row is 1,500.
    assert len(queries) <= 25, [q["sql"][:80] for q in queries]
    assert AuditEvent.objects.filter(action=audit.DISCLOSE).count() == 500
    assert audit.verify_trail() is None


def test_an_empty_batch_writes_nothing_and_leaves_the_head_alone(world):
    audit.record(audit.VIEW, actor_label="setup")
    head = AuditChainHead.objects.get(pk=1)
    assert audit.record_many(audit.DISCLOSE, [], actor_label="x") == 0
    assert AuditChainHead.objects.get(pk=1).hash == head.hash
    assert AuditEvent.objects.count() == 1


def test_a_batch_on_an_empty_trail_starts_the_chain(world):
    assert audit.record_many(audit.DISCLOSE, [{"patient": 7}, {"patient": 8}], actor_label="x") == 2
    assert [r.seq for r in AuditEvent.objects.order_by("seq")] == [1, 2]
    assert audit.verify_trail() is None
