"""The session page: who may open it, one audit row, and a fixed number of queries."""

# ruff: noqa: F811  (the ``clock`` fixture is imported from factories)

from __future__ import annotations

import pytest
from django.utils import timezone

from remit.audit.models import AuditEvent
from remit.testing import PermissionMatrix, make_patient
from remit.treatment import actions_adverse_events, actions_checkin, actions_rating, actions_vitals

from .factories import clock, make_session, ready_ketamine, session_url  # noqa: F401


class TestKetamineSessionPage(PermissionMatrix):
    allowed_roles = frozenset({"prescriber", "nurse"})  # a TMS technician gets 403 on a ketamine session

    def url(self, world, patient):
        return session_url(make_session(world, "ketamine_iv", patient=patient, scheduled_for=timezone.now()))


class TestEsketamineSessionPage(PermissionMatrix):
    allowed_roles = frozenset({"prescriber", "nurse"})

    def url(self, world, patient):
        return session_url(make_session(world, "esketamine", patient=patient, scheduled_for=timezone.now()))


class TestTmsSessionPage(PermissionMatrix):
    capability = "sessions.chart"

    def url(self, world, patient):
        return session_url(make_session(world, "tms", patient=patient, scheduled_for=timezone.now()))


def test_it_shows_the_patient_banner_and_writes_one_view_row(world, clock):
    session = make_session(world, "ketamine_iv", patient=make_patient(world.clinic, family_name="Quill"))
    before = AuditEvent.objects.count()
    response = world.client("nurse").get(session_url(session))
    assert response.status_code == 200
    assert "Quill" in response.content.decode()
    rows = list(AuditEvent.objects.order_by("seq"))[before:]
    assert [(r.action, r.object_type) for r in rows] == [("view", "treatment.session")]


def test_it_has_no_inline_scripts_or_styles(world, clock):
    session = make_session(world, "esketamine")
    html = world.client("nurse").get(session_url(session)).content.decode()
    assert "<script>" not in html and " style=" not in html
    assert "session.js" in html


@pytest.mark.parametrize("modality", ["ketamine_iv", "esketamine", "tms"])
def test_its_query_count_does_not_grow_with_the_chart(world, clock, django_assert_max_num_queries, modality):
    nurse = world.users["prescriber"]
    small = ready_ketamine(world, clock) if modality == "ketamine_iv" else make_session(world, modality)
    big = ready_ketamine(world, clock) if modality == "ketamine_iv" else make_session(world, modality)
    if modality != "tms":
        for session in (small, big):
            if session.checked_in_at is None:
                actions_checkin.check_in(session, actor=nurse)
        for i in range(12):
            clock.advance(minutes=15)
            actions_vitals.add_vitals(
                big, {"systolic": 120 + i, "diastolic": 80, "heart_rate": 70}, actor=nurse
            )
            actions_adverse_events.add_adverse_event(big, {"kind": "nausea", "severity": "mild"}, actor=nurse)
            actions_rating.rate(big, "moaas", {"score": 5}, actor=nurse)
    client = world.client("prescriber")
    client.get(session_url(small))
    with django_assert_max_num_queries(40) as small_queries:
        client.get(session_url(small))
    with django_assert_max_num_queries(len(small_queries.captured_queries)):
        response = client.get(session_url(big))
    assert response.status_code == 200
