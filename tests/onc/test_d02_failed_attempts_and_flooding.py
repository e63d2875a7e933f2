"""45 CFR 170.315(d)(2) Auditable events and tamper-resistance: failed attempts are recorded, and
a flood of them can neither flood the audit trail nor go on unchecked.

Anyone may knock on two doors with a secret: a portal link (``/p/<token>/``) and an integration's
bearer token (the FHIR API). Failed attempts are counted per client address and per token (prefix),
answered 429 with ``Retry-After`` over the limit, and written to the audit trail once per address
and interval, with a summary row counting the rest (``remit.throttle``).
"""

from __future__ import annotations

import secrets
import threading
from datetime import timedelta

import pytest
from django.core.cache import caches
from django.core.exceptions import ImproperlyConfigured
from django.db import connection
from django.test import Client
from django.utils import timezone

from remit import jobs
from remit.audit import actions as audit
from remit.audit.models import AuditEvent
from remit.env import envrate
from remit.fhir.actions import revoke_token
from remit.fhir.tests.api import get, token_for
from remit.measures.tests.conftest import make_link, open_url, portal_patient
from remit.testing import make_patient
from remit.throttle.failures import report_finished_intervals
from remit.throttle.models import FailureTally

FAILURE_ACTIONS = (audit.PORTAL_LINK_FAILURE, audit.API_TOKEN_FAILURE)


@pytest.fixture(autouse=True)
def day_long_windows(settings):
    """Limits and audit intervals a day long, so no window ends in the middle of a test."""
    settings.REMIT_RATELIMIT_PORTAL_FAILURES = "10/1d"
    settings.REMIT_RATELIMIT_PORTAL_LINK = "20/1d"
    settings.REMIT_RATELIMIT_API_FAILURES = "10/1d"
    settings.REMIT_RATELIMIT_API_TOKEN_FAILURES = "10/1d"
    settings.REMIT_RATELIMIT_AUDIT_MINUTES = 1440


def failure_rows(before):
    return list(AuditEvent.objects.filter(seq__gt=before, action__in=FAILURE_ACTIONS).order_by("seq"))


def last_seq():
    return AuditEvent.objects.order_by("-seq").values_list("seq", flat=True).first() or 0


def test_200_random_portal_tokens_from_one_address_give_at_most_a_handful_of_audit_rows_and_end_in_429(db):
    client = Client(REMOTE_ADDR="203.0.113.7")
    before = last_seq()
    statuses = [client.get(open_url(secrets.token_urlsafe(32))).status_code for _ in range(200)]
    assert statuses[:10] == [404] * 10
    assert statuses[10:] == [429] * 190

    rows = failure_rows(before)
    assert len(rows) == 1  # only the first failure of the interval, at once
    first = rows[0]
    assert first.action == "portal_link_failure" and first.ip == "203.0.113.7"
    assert first.actor_id is None and first.actor_label == "patient portal"
    assert first.detail["first_of_interval"] is True and first.detail["reason"] == "unknown link"
    assert AuditEvent.objects.filter(seq__gt=before).count() == 1  # nothing else per attempt either

    # When the interval is over, the worker writes the rest as one summary row with the counts.
    assert report_finished_intervals(timezone.now() + timedelta(days=1)) == 1
    rows = failure_rows(before)
    assert len(rows) == 2
    assert rows[1].detail["summary"] is True
    assert (rows[1].detail["attempts"], rows[1].detail["refused"]) == (200, 190)
    assert rows[1].ip == "203.0.113.7"
    assert report_finished_intervals(timezone.now() + timedelta(days=1)) == 0  # written once


def test_the_429_page_says_in_plain_words_how_long_to_wait(db, settings):
    settings.REMIT_RATELIMIT_PORTAL_FAILURES = "2/1d"
    client = Client(REMOTE_ADDR="203.0.113.8")
    for _ in range(2):
        client.get(open_url("nothing-here"))
    response = client.get(open_url("nothing-here-either"))
    assert response.status_code == 429
    retry_after = int(response["Retry-After"])
    assert 0 < retry_after <= 86400
    html = response.content.decode()
    assert "Too many attempts" in html and "Please wait" in html and "minute" in html
    assert "portal.failures" not in html and "_" not in html.split("<main", 1)[1].split("</main>")[0]


def test_another_address_is_not_held_back_by_one_that_is_over_its_limit(db):
    noisy, quiet = Client(REMOTE_ADDR="203.0.113.9"), Client(REMOTE_ADDR="198.51.100.4")
    for _ in range(12):
        noisy.get(open_url(secrets.token_urlsafe(32)))
    assert noisy.get(open_url("x" * 43)).status_code == 429
    assert quiet.get(open_url("x" * 43)).status_code == 404


def test_a_valid_link_opened_too_often_is_answered_429(world):
    _link, token = make_link(portal_patient(world.clinic))
    client = Client(REMOTE_ADDR="203.0.113.10")
    statuses = [client.get(open_url(token)).status_code for _ in range(21)]
    assert statuses[:20] == [302] * 20 and statuses[20] == 429


def test_the_limits_are_the_settings(db, settings):
    settings.REMIT_RATELIMIT_PORTAL_FAILURES = "3/1d"
    client = Client(REMOTE_ADDR="203.0.113.11")
    assert [client.get(open_url(f"t{i}")).status_code for i in range(4)] == [404, 404, 404, 429]


def test_a_rate_limit_setting_that_cannot_be_read_stops_start_up_naming_it(monkeypatch):
    monkeypatch.setenv("REMIT_RATELIMIT_PORTAL_FAILURES", "ten a minute")
    with pytest.raises(ImproperlyConfigured, match="REMIT_RATELIMIT_PORTAL_FAILURES"):
        envrate("REMIT_RATELIMIT_PORTAL_FAILURES", "10/10m")
    monkeypatch.setenv("REMIT_RATELIMIT_PORTAL_FAILURES", "30/5m")
    assert envrate("REMIT_RATELIMIT_PORTAL_FAILURES", "10/10m") == "30/5m"


def test_200_random_integration_tokens_from_one_address_give_a_handful_of_rows_and_end_in_429(world):
    before = last_seq()
    responses = [
        get("/fhir/r4/Patient/1", f"remit_{secrets.token_urlsafe(32)}", REMOTE_ADDR="192.0.2.20")
        for _ in range(200)
    ]
    assert [r.status_code for r in responses[:10]] == [401] * 10
    assert [r.status_code for r in responses[10:]] == [429] * 190
    refused = responses[-1]
    assert int(refused["Retry-After"]) > 0
    issue = refused.json()["issue"][0]
    assert issue["code"] == "throttled" and issue["diagnostics"].startswith(
        "too many requests: try again in "
    )
    rows = failure_rows(before)
    assert len(rows) == 1 and rows[0].action == "api_token_failure" and rows[0].ip == "192.0.2.20"
    assert rows[0].detail["reason"] == "unknown token" and rows[0].detail["prefix"].startswith("remit_")
    report_finished_intervals(timezone.now() + timedelta(days=1))
    summary = failure_rows(before)[-1]
    assert (summary.detail["attempts"], summary.detail["refused"]) == (200, 190)
    assert len(failure_rows(before)) == 2


def test_one_token_prefix_tried_from_many_addresses_is_limited_by_the_prefix(world):
    prefix = "remit_AbCdEfGh"
    statuses = [
        get("/fhir/r4/Patient/1", prefix + secrets.token_urlsafe(24), REMOTE_ADDR=f"192.0.2.{i}").status_code
        for i in range(1, 13)
    ]
    assert statuses[:10] == [401] * 10 and statuses[10:] == [429, 429]


def test_a_valid_token_is_still_served_from_an_address_over_its_failure_limit(world):
    patient = make_patient(world.clinic)
    _token, raw = token_for(world)
    for _ in range(15):
        get(f"/fhir/r4/Patient/{patient.pk}", "remit_wrong", REMOTE_ADDR="192.0.2.30")
    assert get(f"/fhir/r4/Patient/{patient.pk}", "remit_wrong", REMOTE_ADDR="192.0.2.30").status_code == 429
    assert get(f"/fhir/r4/Patient/{patient.pk}", raw, REMOTE_ADDR="192.0.2.30").status_code == 200


def test_a_request_without_a_token_is_a_failed_attempt_too(db):
    before = last_seq()
    statuses = [get("/fhir/r4/Condition?patient=1", REMOTE_ADDR="192.0.2.40").status_code for _ in range(11)]
    assert statuses == [401] * 10 + [429]
    assert [row.detail["reason"] for row in failure_rows(before)] == ["no token"]


def test_a_revoked_tokens_failure_is_audited_for_its_clinic(world):
    token, raw = token_for(world)
    revoke_token(actor=world.users["clinic_admin"], token=token)
    before = last_seq()
    assert get("/fhir/r4/Patient/1", raw, REMOTE_ADDR="192.0.2.50").status_code == 401
    row = failure_rows(before)[0]
    assert row.clinic_id == world.clinic.pk and row.detail["reason"] == "revoked token"
    assert row.detail["prefix"] == token.prefix and raw not in str(row.detail)


def test_the_next_intervals_first_failure_writes_the_summary_of_the_last_without_the_worker(db, settings):
    settings.REMIT_RATELIMIT_AUDIT_MINUTES = 10
    client = Client(REMOTE_ADDR="203.0.113.12")
    for _ in range(5):
        client.get(open_url(secrets.token_urlsafe(32)))
    FailureTally.objects.update(
        window_start=timezone.now() - timedelta(minutes=30)
    )  # it was half an hour ago
    before = last_seq()
    client.get(open_url(secrets.token_urlsafe(32)))
    rows = failure_rows(before)
    assert [("summary" in r.detail, "first_of_interval" in r.detail) for r in rows] == [
        (True, False),
        (False, True),
    ]
    assert rows[0].detail["attempts"] == 5 and rows[0].detail["not_written_before"] == 4


def test_the_worker_runs_the_summary_job_and_forgets_old_tallies(db):
    assert "throttle.report_failed_attempts" in {job.name for job in jobs.registered()}
    Client(REMOTE_ADDR="203.0.113.13").get(open_url("unknown"))
    old = timezone.now() - timedelta(days=3)
    FailureTally.objects.update(window_start=old)
    report_finished_intervals(timezone.now())  # nothing more to write (one attempt, one row): forgotten
    assert not FailureTally.objects.exists()


def test_the_failure_audit_rows_chain_like_every_other_row(db):
    client = Client(REMOTE_ADDR="203.0.113.14")
    for _ in range(3):
        client.get(open_url("unknown"))
    report_finished_intervals(timezone.now() + timedelta(days=1))
    assert AuditEvent.objects.filter(action=audit.PORTAL_LINK_FAILURE).count() == 2
    assert audit.verify_trail().ok


@pytest.mark.django_db(transaction=True)
def test_the_rate_limit_counter_counts_every_attempt_when_two_processes_count_at_once():
    cache = caches["ratelimit"]
    cache.add("counter", 0, 600)
    barrier = threading.Barrier(2)

    def count():
        barrier.wait()
        for _ in range(25):
            cache.incr("counter")
        connection.close()

    threads = [threading.Thread(target=count) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert cache.get("counter") == 50
    cache.clear()
