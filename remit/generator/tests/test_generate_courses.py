"""`remit generate` writes courses, signed sessions with vitals, and today's board."""

from __future__ import annotations

from datetime import datetime, time
from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone

from remit.treatment.models import Course, MotorThreshold, Protocol, RemsEnrolment, Session, VitalSign

pytestmark = pytest.mark.django_db


def test_it_writes_courses_sessions_and_vitals():
    call_command("generate", stdout=StringIO(), patients=60, seed=3, as_of="2026-01-15")
    assert Course.objects.count() > 20
    assert Protocol.objects.exists()
    signed = Session.objects.filter(signed_at__isnull=False)
    assert signed.count() > 100 and not signed.exclude(status="completed").exists()
    assert (
        VitalSign.objects.filter(session__modality="ketamine_iv").count()
        >= 4 * signed.filter(modality="ketamine_iv").count()
    )
    assert MotorThreshold.objects.exists() == Session.objects.filter(modality="tms").exists()
    assert RemsEnrolment.objects.exists() == Session.objects.filter(modality="esketamine").exists()
    assert not Course.objects.filter(screening__isnull=True).exists()  # each has its signed screening
    for session in Session.objects.all()[:300]:
        session.full_clean()


def test_todays_sessions_are_placed_around_now_when_generated_for_today():
    call_command("generate", stdout=StringIO(), patients=120, seed=2026)
    today = timezone.localdate()
    start = timezone.make_aware(datetime.combine(today, time.min))
    sessions = Session.objects.filter(
        scheduled_for__gte=start, scheduled_for__lt=start + timezone.timedelta(days=1)
    )
    statuses = set(sessions.values_list("status", flat=True))
    assert len(statuses & {"booked", "checked_in", "dosing", "monitoring", "ready_for_discharge"}) >= 3
    now = timezone.now()
    for s in sessions.filter(status__in=["dosing", "monitoring"]):
        assert s.dose_started_at <= now


def test_no_generated_session_is_dosed_or_signed_with_its_checklist_incomplete():
    """Dosing needs the pre-session checklist complete (clinical-reference §3 pre-dose checks, §4 Spravato
    label: no nasal decongestant within 1 hour, transport home arranged; §5 TMS daily screening); the
    generator writes past the actions, so what it stores must pass the same check."""
    from remit.treatment.actions_checkin import checklist_missing

    call_command("generate", stdout=StringIO(), patients=60, seed=3)
    dosed = Session.objects.filter(dose_started_at__isnull=False).select_related("patient")
    assert {"ketamine_iv", "esketamine", "tms"} <= set(dosed.values_list("modality", flat=True))
    incomplete = [
        (s.modality, s.number, checklist_missing(s, timezone.localdate(s.scheduled_for)))
        for s in dosed
        if checklist_missing(s, timezone.localdate(s.scheduled_for))
    ]
    assert incomplete == []
    signed = Session.objects.filter(signed_at__isnull=False, dose_started_at__isnull=True)
    assert not signed.exists()
