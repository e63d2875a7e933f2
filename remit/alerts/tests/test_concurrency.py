"""Several workers and several writers at once (PostgreSQL): each alert escalated once, one open alert per key."""

from __future__ import annotations

import threading
from datetime import timedelta

import pytest
from django.core import mail
from django.db import connection
from django.utils import timezone

from remit.alerts.actions import escalate_due_alerts, raise_alert
from remit.alerts.models import Alert
from remit.audit.models import AuditEvent
from remit.testing import build_world, make_patient

pytestmark = [pytest.mark.postgres_only, pytest.mark.django_db(transaction=True)]


def in_threads(n, target):
    barrier = threading.Barrier(n)
    results, errors = [], []

    def run():
        try:
            barrier.wait()
            results.append(target())
        except Exception as error:  # pragma: no cover - reported below
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=run) for _ in range(n)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert not errors, errors
    return results


def test_concurrent_workers_escalate_each_due_alert_once():
    world = build_world()
    prescriber = world.users["prescriber"]
    prescriber.email = "rx@clinic.example"
    prescriber.save()
    alerts = [
        raise_alert(patient=make_patient(world.clinic), kind="seizure", severity="high", reason="s")
        for _ in range(12)
    ]
    mail.outbox.clear()  # the immediate notifications (these commits ran on_commit)
    Alert.objects.update(next_escalation_at=timezone.now() - timedelta(seconds=1))
    results = in_threads(4, lambda: escalate_due_alerts(timezone.now()))
    assert sum(results) == len(alerts)
    assert len(mail.outbox) == len(alerts)
    for alert in alerts:
        assert AuditEvent.objects.filter(object_id=str(alert.pk), actor_label="remit worker").count() == 1


def test_concurrent_raises_with_one_key_store_one_open_alert():
    world = build_world()
    patient = make_patient(world.clinic)
    results = in_threads(
        4,
        lambda: (
            raise_alert(
                patient=patient,
                kind="nonresponse",
                severity="medium",
                reason="r",
                dedupe_key="course:1:checkpoint",
            ).pk
        ),
    )
    assert len(set(results)) == 1
    assert Alert.objects.count() == 1
