"""The Today board: today's sessions by chair, live status, clinical details for clinical roles only."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from remit.audit.models import AuditEvent
from remit.testing import PermissionMatrix, make_patient
from remit.treatment.models import ClinicTreatmentSettings, RemsMonitoringForm, Session, VitalSign
from remit.treatment.tests.test_course_support import direct_course, session_today

URL = "/treatment/today/"


class TestPermissions(PermissionMatrix):
    capability = "today.view"
    other_clinic_not_applicable = "a clinic-wide list: each clinic's staff see their own clinic's rows"

    def url(self, world, patient):
        return reverse("treatment:today")


class TestBoardPermissions(PermissionMatrix):
    capability = "today.view"
    other_clinic_not_applicable = "a clinic-wide list: each clinic's staff see their own clinic's rows"

    def url(self, world, patient):
        return reverse("treatment:today_board")


def busy_day(world):
    """Four sessions today in two chairs: booked, checked in, monitoring with vitals, ready."""
    nurse = world.users["nurse"]
    now = timezone.now()
    a = direct_course(world, make_patient(world.clinic, family_name="Booked"))
    booked = session_today(a, 1, minutes_from_now=60, room="Chair 2")
    b = direct_course(world, make_patient(world.clinic, family_name="Arrived"))
    session_today(b, 1, room="Chair 2", status=Session.CHECKED_IN, checked_in_at=now)
    c = direct_course(world, make_patient(world.clinic, family_name="Dripping"))
    monitoring = session_today(
        c,
        1,
        minutes_from_now=-40,
        room="Chair 1",
        status=Session.MONITORING,
        dose_started_at=now - dt.timedelta(minutes=41),
    )
    VitalSign.objects.create(
        session=monitoring,
        taken_at=now - dt.timedelta(minutes=20),
        systolic=130,
        diastolic=80,
        entered_by=nurse,
    )
    d = direct_course(world, make_patient(world.clinic, family_name="Leaving"), code="esketamine_induction")
    ready = session_today(
        d,
        1,
        minutes_from_now=-130,
        room="Chair 1",
        status=Session.READY,
        dose_started_at=now - dt.timedelta(minutes=125),
    )
    RemsMonitoringForm.objects.create(
        session=ready, data={}, due_by=timezone.localdate() + dt.timedelta(days=7)
    )
    return booked, monitoring, ready


def test_it_shows_todays_sessions_by_chair_with_their_status(world):
    busy_day(world)
    response = world.client("nurse").get(URL)
    body = response.content.decode()
    assert response.status_code == 200
    assert body.index(">Chair 1</h2>") < body.index(">Chair 2</h2>")
    for name in ("Booked", "Arrived", "Dripping", "Leaving"):
        assert name in body
    for status in ("Booked", "Checked in", "Monitoring", "Ready for discharge"):
        assert f">{status}</span>" in body
    assert "41 min" in body  # the running clock
    assert "Vitals overdue by 5 min" in body  # last at -20 min, every 15 min
    assert "REMS forms due" in body and "Open alerts" in body


def test_the_clinics_vitals_interval_is_used(world):
    _, monitoring, _ = busy_day(world)
    ClinicTreatmentSettings.objects.create(clinic=world.clinic, vitals_interval_minutes=30)
    body = world.client("nurse").get(URL).content.decode()
    assert "Vitals in 10 min" in body


def test_front_desk_sees_scheduling_only(world):
    busy_day(world)
    body = world.client("front_desk").get(URL).content.decode()
    for name in ("Booked", "Arrived", "Dripping", "Leaving", "Chair 1", "Ready for discharge"):
        assert name in body
    for clinical in ("Vitals", "REMS forms due", "Open alerts", "Ketamine", "Esketamine", "41 min"):
        assert clinical not in body
    # Their queue lists the REMS forms to submit, without a link to a form they may not open.
    assert "REMS forms not yet submitted" in body
    assert "/treatment/rems/" not in body


def test_other_days_and_other_clinics_are_not_shown(world):
    course = direct_course(world, make_patient(world.clinic, family_name="Tomorrow"))
    Session.objects.create(
        course=course,
        patient=course.patient,
        clinic=course.clinic,
        modality=course.modality,
        number=1,
        scheduled_for=timezone.now() + dt.timedelta(days=1, hours=1),
    )
    other = direct_course(world, make_patient(world.other_clinic, family_name="Elsewhere"))
    session_today(other, 1)
    body = world.client("nurse").get(URL).content.decode()
    assert "Tomorrow" not in body and "Elsewhere" not in body
    assert "No sessions today." in body


def test_the_page_polls_the_board_in_the_background(world):
    body = world.client("nurse").get(URL).content.decode()
    board = reverse("treatment:today_board")
    assert f'hx-get="{board}"' in body and 'hx-trigger="every 30s"' in body and "data-background" in body


def test_the_board_endpoint_returns_the_fragment_only(world):
    busy_day(world)
    response = world.client("nurse").get(
        reverse("treatment:today_board"), HTTP_HX_REQUEST="true", HTTP_X_REMIT_BACKGROUND="1"
    )
    body = response.content.decode()
    assert response.status_code == 200
    assert "<html" not in body and "Dripping" in body and "Chair 1" in body


def test_each_page_and_each_poll_writes_one_audit_row(world):
    busy_day(world)
    client = world.client("nurse")
    before = AuditEvent.objects.filter(action="view").count()
    client.get(URL)
    client.get(reverse("treatment:today_board"))
    rows = list(AuditEvent.objects.filter(action="view").order_by("seq"))[before:]
    assert [r.detail["poll"] for r in rows] == [False, True]
    assert len(rows[0].detail["patients"]) == 4


def test_the_home_page_is_the_board_for_clinic_staff(world):
    busy_day(world)
    assert b"Dripping" in world.client("front_desk").get("/").content


def test_the_home_page_stays_for_the_clinic_administrator(world):
    busy_day(world)
    response = world.client("clinic_admin").get("/")
    assert response.status_code == 200 and b"Dripping" not in response.content


@pytest.mark.parametrize("n", [3, 30])
def test_its_queries_do_not_grow_with_the_sessions(world, django_assert_max_num_queries, n):
    nurse = world.users["nurse"]
    for i in range(n):
        course = direct_course(world, make_patient(world.clinic))
        s = session_today(
            course, 1, room=f"Chair {i % 4}", status=Session.MONITORING, dose_started_at=timezone.now()
        )
        VitalSign.objects.create(
            session=s, taken_at=timezone.now(), systolic=120, diastolic=80, entered_by=nurse
        )
    client = world.client("nurse")
    with django_assert_max_num_queries(17):  # the board's 16 and the nurse's "notes to sign" queue
        assert client.get(URL).status_code == 200
    with django_assert_max_num_queries(16):
        assert client.get(reverse("treatment:today_board")).status_code == 200
