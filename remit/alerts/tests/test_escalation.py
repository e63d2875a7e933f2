"""Escalation of unacknowledged high alerts along the clinic's list, by email and text; audited; no PHI sent."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core import mail
from django.db import transaction
from django.utils import timezone

from remit import notify
from remit.alerts import actions
from remit.alerts.actions import acknowledge_alert, escalate_due_alerts, raise_alert
from remit.alerts.models import Alert
from remit.audit.models import AuditEvent
from remit.testing import make_patient

from .conftest import add_contact

MESSAGE = "Remit: a high-priority alert needs review at Clinic A. Sign in to view."


@pytest.fixture
def contacts(world):
    """Clinic A's list: 1 prescriber (email), 2 nurse (email + text), 3 TMS technician (text only)."""
    users = world.users
    add_contact(world.clinic, users["prescriber"], 1, email="rx@clinic.example")
    add_contact(world.clinic, users["nurse"], 2, email="rn@clinic.example", phone="+15550000002", sms=True)
    third = add_contact(world.clinic, users["tms_technician"], 3, phone="+15550000003", sms=True)
    third.notify_by_email = False
    third.save()
    return users


@pytest.fixture
def patient(world):
    return make_patient(world.clinic, given_name="Ada", family_name="Quinlan", mrn="Q-4471")


def raise_high(patient, callbacks, reason="PHQ-9 item 9 answered 2 (more than half the days)."):
    with callbacks(execute=True):
        return raise_alert(
            patient=patient, kind="suicidal_ideation", severity="high", reason=reason, detail={"item9": 2}
        )


def recipients():
    return [m.to[0] for m in mail.outbox], [s.to for s in notify.sms_outbox]


def steps(alert):
    return list(AuditEvent.objects.filter(object_id=str(alert.pk), action="update").order_by("seq"))


def test_a_high_alert_notifies_the_first_contact_at_once(
    world, contacts, patient, django_capture_on_commit_callbacks
):
    before = timezone.now()
    alert = raise_high(patient, django_capture_on_commit_callbacks)
    assert recipients() == (["rx@clinic.example"], [])
    assert mail.outbox[0].body == MESSAGE
    alert.refresh_from_db()
    assert alert.escalation_level == 0
    assert alert.escalated_at is not None
    expected = before + timedelta(minutes=15)
    assert expected <= alert.next_escalation_at <= timezone.now() + timedelta(minutes=15)
    [step] = steps(alert)
    assert step.actor is None and step.actor_label == "remit"
    assert step.detail["notified"] == [{"user": "prescriber", "by": ["email"]}]


def test_no_one_is_notified_until_the_callers_transaction_commits(world, contacts, patient):
    with pytest.raises(RuntimeError), transaction.atomic():
        raise_alert(patient=patient, kind="seizure", severity="high", reason="Seizure.")
        raise RuntimeError("the session could not be saved")
    assert recipients() == ([], [])
    assert not Alert.objects.exists()


def test_past_its_time_an_unacknowledged_alert_notifies_the_next_contact(
    world, contacts, patient, django_capture_on_commit_callbacks
):
    alert = raise_high(patient, django_capture_on_commit_callbacks)
    mail.outbox.clear()
    later = timezone.now() + timedelta(minutes=15, seconds=5)
    assert escalate_due_alerts(later) == 1
    assert recipients() == (["rn@clinic.example"], ["+15550000002"])
    assert notify.sms_outbox[0].body == MESSAGE
    alert.refresh_from_db()
    assert alert.escalation_level == 1
    assert alert.escalated_at == later
    assert alert.next_escalation_at == later + timedelta(minutes=15)
    step = steps(alert)[-1]
    assert (step.actor, step.actor_label) == (None, "remit worker")
    assert step.patient_id == patient.pk and step.clinic_id == world.clinic.pk
    assert step.detail == {"escalation_level": 1, "notified": [{"user": "nurse", "by": ["email", "sms"]}]}


def test_nothing_happens_before_its_time(world, contacts, patient, django_capture_on_commit_callbacks):
    raise_high(patient, django_capture_on_commit_callbacks)
    mail.outbox.clear()
    assert escalate_due_alerts(timezone.now() + timedelta(minutes=14)) == 0
    assert recipients() == ([], [])


def test_the_setting_sets_the_time_out(
    world, contacts, patient, settings, django_capture_on_commit_callbacks
):
    settings.REMIT_ALERT_ESCALATION_MINUTES = 5
    alert = raise_high(patient, django_capture_on_commit_callbacks)
    assert escalate_due_alerts(timezone.now() + timedelta(minutes=4)) == 0
    assert escalate_due_alerts(timezone.now() + timedelta(minutes=5, seconds=1)) == 1
    assert Alert.objects.get(pk=alert.pk).escalation_level == 1


def test_each_due_time_escalates_once(world, contacts, patient, django_capture_on_commit_callbacks):
    raise_high(patient, django_capture_on_commit_callbacks)
    later = timezone.now() + timedelta(minutes=16)
    assert escalate_due_alerts(later) == 1
    assert escalate_due_alerts(later) == 0  # a second worker at the same moment finds nothing due
    assert len(mail.outbox) == 2


def test_when_the_list_is_exhausted_the_last_person_is_notified_every_period(
    world, contacts, patient, django_capture_on_commit_callbacks
):
    alert = raise_high(patient, django_capture_on_commit_callbacks)
    now = timezone.now()
    for period in range(1, 6):
        assert escalate_due_alerts(now + timedelta(minutes=16 * period)) == 1
    assert [m.to[0] for m in mail.outbox] == ["rx@clinic.example", "rn@clinic.example"]
    assert [s.to for s in notify.sms_outbox] == ["+15550000002"] + ["+15550000003"] * 4
    alert.refresh_from_db()
    assert alert.escalation_level == 5
    assert alert.next_escalation_at is not None  # never stops


def test_an_acknowledged_alert_is_not_escalated(world, contacts, patient, django_capture_on_commit_callbacks):
    alert = raise_high(patient, django_capture_on_commit_callbacks)
    acknowledge_alert(alert, actor=world.users["nurse"], note="Called the patient; safe.")
    mail.outbox.clear()
    assert escalate_due_alerts(timezone.now() + timedelta(hours=3)) == 0
    assert recipients() == ([], [])


@pytest.mark.parametrize("severity", ["medium", "low"])
def test_medium_and_low_alerts_never_notify_or_escalate(
    world, contacts, patient, severity, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        alert = raise_alert(patient=patient, kind="relapse", severity=severity, reason="Relapse.")
    assert escalate_due_alerts(timezone.now() + timedelta(days=2)) == 0
    assert recipients() == ([], [])
    assert Alert.objects.get(pk=alert.pk).escalation_level == 0


def test_notifications_contain_no_patient_details(
    world, contacts, patient, django_capture_on_commit_callbacks
):
    raise_high(patient, django_capture_on_commit_callbacks, reason="Ada Quinlan scored 27 on the PHQ-9.")
    now = timezone.now()
    for period in range(1, 4):
        escalate_due_alerts(now + timedelta(minutes=16 * period))
    texts = [m.subject + "\n" + m.body for m in mail.outbox] + [s.body for s in notify.sms_outbox]
    assert len(texts) == 5
    for text in texts:
        for secret in ("Ada", "Quinlan", "Q-4471", "27", "PHQ", "suicid", "1980"):
            assert secret.lower() not in text.lower(), (secret, text)
        assert "Clinic A" in text


def test_inactive_people_and_people_who_left_the_clinic_are_skipped(
    world, contacts, patient, django_capture_on_commit_callbacks
):
    world.users["prescriber"].is_active = False
    world.users["prescriber"].save()
    world.users["nurse"].clinics.remove(world.clinic)
    raise_high(patient, django_capture_on_commit_callbacks)
    assert recipients() == ([], ["+15550000003"])


def test_without_a_list_the_clinics_reachable_prescribers_are_notified(
    world, patient, django_capture_on_commit_callbacks
):
    prescriber = world.users["prescriber"]
    prescriber.email = "rx@clinic.example"
    prescriber.save()
    alert = raise_high(patient, django_capture_on_commit_callbacks)
    assert recipients() == (["rx@clinic.example"], [])
    assert steps(alert)[-1].detail["fallback"]


def test_with_nobody_reachable_it_is_audited_as_undeliverable_and_retried(
    world, patient, django_capture_on_commit_callbacks, caplog
):
    alert = raise_high(patient, django_capture_on_commit_callbacks)
    assert recipients() == ([], [])
    assert steps(alert)[-1].detail["undeliverable"] is True
    assert "nobody was notified" in caplog.text
    assert escalate_due_alerts(timezone.now() + timedelta(minutes=16)) == 1  # keeps trying every period
    assert Alert.objects.get(pk=alert.pk).next_escalation_at is not None


def test_a_failed_send_leaves_the_alert_due_and_the_worker_retries(
    world, contacts, patient, monkeypatch, django_capture_on_commit_callbacks
):
    real = notify.send_email

    def mail_server_down(to, subject, body):
        raise ConnectionRefusedError("SMTP down")

    monkeypatch.setattr(notify, "send_email", mail_server_down)
    alert = raise_high(patient, django_capture_on_commit_callbacks)  # the caller is not disturbed
    alert.refresh_from_db()
    assert alert.escalated_at is None and alert.next_escalation_at <= timezone.now()
    assert steps(alert) == []
    assert escalate_due_alerts() == 0  # still down: logged, stays due
    monkeypatch.setattr(notify, "send_email", real)
    assert escalate_due_alerts() == 1
    assert recipients() == (["rx@clinic.example"], [])
    assert Alert.objects.get(pk=alert.pk).escalation_level == 0  # the first person, not skipped


def test_one_failing_alert_does_not_stop_the_others(world, contacts, monkeypatch):
    first = raise_alert(patient=make_patient(world.clinic), kind="seizure", severity="high", reason="s")
    second = raise_alert(patient=make_patient(world.clinic), kind="seizure", severity="high", reason="s")
    real = actions._escalate_one

    def flaky(alert_id, now, label):
        if alert_id == first.pk:
            raise RuntimeError("boom")
        return real(alert_id, now, label)

    monkeypatch.setattr(actions, "_escalate_one", flaky)
    assert escalate_due_alerts() == 1
    assert Alert.objects.get(pk=second.pk).escalated_at is not None
    assert Alert.objects.get(pk=first.pk).escalated_at is None
