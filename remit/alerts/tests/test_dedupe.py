"""A rule that fires repeatedly raises one open alert per dedupe key; a new one after acknowledgement."""

from __future__ import annotations

import pytest
from django.db import IntegrityError, transaction

from remit.alerts.actions import acknowledge_alert, raise_alert
from remit.alerts.models import Alert
from remit.audit.models import AuditEvent
from remit.testing import make_patient


def nonresponse(patient, reason="Less than 25% improvement after infusion 6."):
    return raise_alert(
        patient=patient,
        kind="nonresponse",
        severity="medium",
        reason=reason,
        dedupe_key="nonresponse:course:7:infusion6",
    )


def test_raising_twice_gives_one_open_alert(world):
    patient = make_patient(world.clinic)
    first = nonresponse(patient)
    audit_rows = AuditEvent.objects.count()
    second = nonresponse(patient, reason="evaluated again at the next session")
    assert second.pk == first.pk
    assert Alert.objects.count() == 1
    assert Alert.objects.get().reason == "Less than 25% improvement after infusion 6."  # unchanged
    assert AuditEvent.objects.count() == audit_rows  # nothing new to record


def test_after_acknowledging_raising_again_creates_a_new_alert(world):
    patient = make_patient(world.clinic)
    first = nonresponse(patient)
    acknowledge_alert(first, actor=world.users["prescriber"], note="Reviewed; continuing the course.")
    second = nonresponse(patient)
    assert second.pk != first.pk
    assert list(Alert.objects.order_by("id").values_list("status", flat=True)) == ["acknowledged", "open"]
    # ...and a third raise returns the new open one.
    assert nonresponse(patient).pk == second.pk


def test_the_key_is_scoped_to_the_patient(world):
    one = nonresponse(make_patient(world.clinic))
    other = nonresponse(make_patient(world.clinic))
    assert one.pk != other.pk
    assert one.patient_id != other.patient_id


def test_alerts_without_a_key_are_never_merged(world):
    patient = make_patient(world.clinic)
    for _ in range(3):
        raise_alert(patient=patient, kind="vitals_threshold", severity="medium", reason="BP high.")
    assert Alert.objects.count() == 3


def test_the_database_refuses_a_second_open_alert_with_the_same_key(world):
    patient = make_patient(world.clinic)
    first = nonresponse(patient)
    duplicate = Alert(
        clinic_id=first.clinic_id,
        patient=patient,
        kind="nonresponse",
        severity="medium",
        reason="r",
        created_at=first.created_at,
        dedupe_key=first.dedupe_key,
    )
    with pytest.raises(IntegrityError), transaction.atomic():
        duplicate.save()


def test_a_lost_race_returns_the_winners_alert_and_keeps_the_callers_transaction(world, monkeypatch):
    """Another process inserts between our check and our insert: the unique constraint decides."""
    patient = make_patient(world.clinic)
    winner = nonresponse(patient)
    real_filter = Alert.objects.filter
    calls = {"n": 0}

    def blind_first_lookup(*args, **kwargs):
        calls["n"] += 1
        query = real_filter(*args, **kwargs)
        return query.none() if calls["n"] == 1 else query

    monkeypatch.setattr(Alert.objects, "filter", blind_first_lookup)
    with transaction.atomic():
        loser = nonresponse(patient)
        assert loser.pk == winner.pk
        Alert.objects.count()  # the transaction is still usable
    assert Alert.objects.count() == 1
