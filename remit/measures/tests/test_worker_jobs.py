"""The worker's jobs: due questionnaire requests, reminders, missed — never sent twice, even by two workers."""

from __future__ import annotations

import datetime as dt
import threading

import pytest
from django.db import connection, transaction
from django.utils import timezone

from remit import jobs as registry
from remit.measures import actions_portal, actions_portal_links, jobs
from remit.measures.models import PortalLink, QuestionnaireRequest
from remit.measures.tests.conftest import make_questionnaire_request, portal_patient


def test_the_jobs_are_registered_with_the_worker():
    names = {job.name for job in registry.registered()}
    assert {
        "measures.send_due_questionnaire_requests",
        "measures.send_reminders",
        "measures.mark_missed",
    } <= names


def test_it_sends_due_requests_once_by_the_preferred_channel(world, sms_memory):
    patient = portal_patient(world.clinic, preferred_contact="sms")
    today = timezone.localdate()
    due = make_questionnaire_request(patient, due_date=today)
    make_questionnaire_request(patient, due_date=today + dt.timedelta(days=1))  # not yet
    now = timezone.now()
    assert jobs.send_due_questionnaire_requests(now) == 1
    assert (
        jobs.send_due_questionnaire_requests(now) == 0
    )  # a second worker tick (or a second worker) finds nothing
    assert len(sms_memory) == 1
    due.refresh_from_db()
    assert due.status == "sent" and due.last_channel == "sms"
    assert PortalLink.objects.count() == 1


def test_a_request_without_a_consented_channel_is_noted_and_retried_later(world, sms_memory):
    patient = portal_patient(world.clinic, consent_sms=False, consent_email=False)
    request = make_questionnaire_request(patient)
    now = timezone.now()
    assert jobs.send_due_questionnaire_requests(now) == 0
    request.refresh_from_db()
    assert request.status == "pending" and "consents to no channel" in request.last_error
    assert jobs.due_questionnaire_requests(now).count() == 0
    assert jobs.due_questionnaire_requests(now + jobs.RETRY_AFTER).count() == 1


def test_a_failing_gateway_does_not_stop_the_batch(world, settings, monkeypatch):
    first = make_questionnaire_request(portal_patient(world.clinic))
    second = make_questionnaire_request(portal_patient(world.clinic))
    real = actions_portal_links.send_questionnaire_request

    def flaky(questionnaire_request, channel, **kwargs):
        if questionnaire_request.pk == first.pk:
            raise ConnectionError("gateway down")
        return real(questionnaire_request, channel, **kwargs)

    monkeypatch.setattr(actions_portal_links, "send_questionnaire_request", flaky)
    assert jobs.send_due_questionnaire_requests(timezone.now()) == 1
    first.refresh_from_db(), second.refresh_from_db()
    assert first.status == "pending" and "gateway down" in first.last_error
    assert second.status == "sent"


def test_reminders_go_once_a_day_up_to_the_setting(world, settings, sms_memory):
    settings.REMIT_PORTAL_MAX_REMINDERS = 2
    patient = portal_patient(world.clinic)
    request = make_questionnaire_request(patient, window_days=7)
    now = timezone.now()
    jobs.send_due_questionnaire_requests(now)
    assert jobs.send_reminders(now) == 0  # not a day yet
    day = dt.timedelta(days=1, minutes=1)
    assert jobs.send_reminders(now + day) == 1
    assert jobs.send_reminders(now + day) == 0  # at most one a day
    assert jobs.send_reminders(now + 2 * day) == 1
    assert jobs.send_reminders(now + 3 * day) == 0  # the limit
    request.refresh_from_db()
    assert request.reminders_sent == 2
    assert [m.body.split(":")[0] for m in sms_memory] == [
        "Your clinic asks you to answer a short questionnaire",
        "Reminder",
        "Reminder",
    ]
    assert PortalLink.objects.filter(questionnaire_request=request).count() == 3


def test_requests_past_their_window_are_marked_missed_and_their_links_close(world):
    patient = portal_patient(world.clinic)
    today = timezone.localdate()
    old = make_questionnaire_request(patient, due_date=today - dt.timedelta(days=3), window_days=1)
    current = make_questionnaire_request(patient, due_date=today, window_days=1)
    done = make_questionnaire_request(patient, due_date=today - dt.timedelta(days=4))
    QuestionnaireRequest.objects.filter(pk=done.pk).update(status="completed")
    assert jobs.mark_missed(timezone.now()) == 1
    assert jobs.mark_missed(timezone.now()) == 0
    old.refresh_from_db(), current.refresh_from_db(), done.refresh_from_db()
    assert (old.status, current.status, done.status) == ("missed", "pending", "completed")


def test_a_questionnaire_request_left_part_answered_is_marked_partial_and_keeps_its_assessments(world):
    from remit.measures.models import Assessment
    from remit.measures.tests.conftest import PHQ9_CALM

    patient = portal_patient(world.clinic)
    today = timezone.localdate()
    questionnaire_request = make_questionnaire_request(
        patient, ["phq9", "gad7"], due_date=today - dt.timedelta(days=3)
    )
    link, _token = actions_portal_links.create_link(questionnaire_request, "sms")
    actions_portal.submit_page(link, "phq9", PHQ9_CALM)
    assert jobs.mark_missed(timezone.now()) == 1
    questionnaire_request.refresh_from_db()
    assert (
        questionnaire_request.status == "partial"
        and questionnaire_request.get_status_display() == "Partly answered"
    )
    assert (
        Assessment.objects.filter(questionnaire_request=questionnaire_request, voided_at__isnull=True).count()
        == 1
    )
    link.refresh_from_db()
    assert link.state() == "expired"
    from remit.audit.models import AuditEvent

    row = AuditEvent.objects.filter(object_type="measures.questionnairerequest").order_by("-seq").first()
    assert row.detail["status"] == "partial"
    assert (row.detail["answered"], row.detail["unanswered"]) == (["phq9"], ["gad7"])


def test_a_questionnaire_request_whose_every_page_was_stored_but_not_finished_is_marked_completed(world):
    from remit.measures.tests.conftest import GAD7, PHQ9_CALM

    patient = portal_patient(world.clinic)
    questionnaire_request = make_questionnaire_request(
        patient, ["phq9", "gad7"], due_date=timezone.localdate() - dt.timedelta(days=3)
    )
    link, _token = actions_portal_links.create_link(questionnaire_request, "sms")
    actions_portal.submit_page(link, "phq9", PHQ9_CALM)
    actions_portal.submit_page(link, "gad7", GAD7)  # not the finishing submit
    assert jobs.mark_missed(timezone.now()) == 1
    questionnaire_request.refresh_from_db()
    assert questionnaire_request.status == "completed" and questionnaire_request.completed_at is not None


def test_a_claimed_row_is_not_claimed_again_inside_the_same_transaction_order(world):
    """claim_one picks the earliest due row; a row sent meanwhile no longer matches the due query."""
    patient = portal_patient(world.clinic)
    today = timezone.localdate()
    later = make_questionnaire_request(patient, due_date=today)
    earlier = make_questionnaire_request(patient, due_date=today - dt.timedelta(days=1), window_days=3)
    now = timezone.now()
    with transaction.atomic():
        assert jobs.claim_one(jobs.due_questionnaire_requests(now)) == earlier
    QuestionnaireRequest.objects.filter(pk=earlier.pk).update(status="sent")
    with transaction.atomic():
        assert jobs.claim_one(jobs.due_questionnaire_requests(now)) == later


@pytest.mark.django_db(transaction=True)
def test_two_workers_at_once_send_each_questionnaire_request_once(sms_memory, settings):
    from remit.testing import build_world

    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    world = build_world()
    for _ in range(6):
        make_questionnaire_request(portal_patient(world.clinic))
    now = timezone.now()
    barrier = threading.Barrier(2)
    counts: list[object] = [None, None]

    def worker(i: int) -> None:
        try:
            barrier.wait(timeout=10)
            counts[i] = jobs.send_due_questionnaire_requests(now)
        except Exception as error:
            counts[i] = error
        finally:
            connection.close()

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert all(isinstance(c, int) for c in counts), counts
    assert sum(counts) == 6  # type: ignore[arg-type]
    assert len(sms_memory) == 6
    assert sorted(m.to for m in sms_memory) == ["+15550100"] * 6
    assert PortalLink.objects.count() == 6
    assert QuestionnaireRequest.objects.filter(status="sent").count() == 6
