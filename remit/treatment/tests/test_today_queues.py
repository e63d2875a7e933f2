"""Today's work queues: each person's work by the roles they hold in each clinic, each item a link to do it.

Prescriber: screenings to sign, notes to co-sign, open alerts, non-response checkpoints, my patients.
Nurse: vitals due, discharges pending, notes to sign (the chairs are the board). TMS technician: TMS only,
no link to a session they cannot open. Front desk: bookings, questionnaires missed, unsent REMS forms.
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from remit.alerts.models import Alert
from remit.measures.models import QuestionnaireRequest
from remit.screening.models import Screening
from remit.testing import make_patient
from remit.treatment import queues as Q
from remit.treatment.models import Course, RemsMonitoringForm, Session, VitalSign
from remit.treatment.tests.test_course_support import direct_course, session_today

URL = reverse("treatment:today")


def queue(response, key: str):
    found = [q for q in response.context["queues"] if q.key == key]
    assert found, f"no {key} queue: {[q.key for q in response.context['queues']]}"
    return found[0]


def keys(response) -> list[str]:
    return [q.key for q in response.context["queues"]]


def screening(world, patient) -> Screening:
    return Screening.objects.create(
        patient=patient,
        clinic=patient.clinic,
        created_by=world.users["nurse"],
        intake={},
        result={},
        settings_snapshot={},
    )


def alert(patient, kind: str = "suicidal_ideation", severity: str = "high") -> Alert:
    return Alert.objects.create(
        clinic_id=patient.clinic_id,
        patient=patient,
        kind=kind,
        severity=severity,
        reason="Why.",
        created_at=timezone.now(),
    )


def signed_session(world, patient, role: str, **fields) -> Session:
    course = direct_course(world, patient)
    return session_today(
        course, 1, status=Session.COMPLETED, signed_by=world.users[role], signed_at=timezone.now(), **fields
    )


# --- prescriber ----------------------------------------------------------------


def test_a_prescriber_sees_screenings_to_sign_each_linked_to_the_screening(world):
    s = screening(world, make_patient(world.clinic, family_name="Draftly"))
    screening(world, make_patient(world.other_clinic, family_name="Elsewhere"))
    q = queue(world.client("prescriber").get(URL), "screenings-to-sign")
    assert [i.text for i in q.items] == ["Draftly, Testa"]
    assert q.items[0].url == reverse("screening:detail", args=[s.pk])


def test_notes_to_co_sign_are_those_a_nurse_or_technician_signed_and_not_yet_co_signed(world):
    by_nurse = signed_session(world, make_patient(world.clinic, family_name="Nursed"), "nurse")
    signed_session(world, make_patient(world.clinic, family_name="Prescribed"), "prescriber")
    q = queue(world.client("prescriber").get(URL), "notes-to-cosign")
    assert [i.url for i in q.items] == [reverse("treatment:session_cosign", args=[by_nurse.pk])]
    assert "Nursed, Testa" in q.items[0].text


def test_a_prescriber_sees_open_alerts_and_patients_at_a_non_response_checkpoint(world):
    """The non-response checkpoint is decision support's (clinical-reference, outcomes: response and non-response)."""
    worried = alert(make_patient(world.clinic, family_name="Worried"))
    alert(make_patient(world.clinic, family_name="Stalled"), kind="nonresponse", severity="medium")
    response = world.client("prescriber").get(URL)
    assert [i.url for i in queue(response, "open-alerts").items] == [
        reverse("alerts:detail", args=[worried.pk])
    ]
    assert [i.text for i in queue(response, "nonresponse").items] == ["Stalled, Testa"]


def test_my_patients_are_those_on_courses_the_prescriber_prescribes(world):
    mine = make_patient(world.clinic, family_name="Mine")
    direct_course(world, mine, prescriber=world.users["prescriber"])
    direct_course(world, make_patient(world.clinic, family_name="Unassigned"))
    direct_course(
        world,
        make_patient(world.clinic, family_name="Finished"),
        prescriber=world.users["prescriber"],
        status=Course.COMPLETED,
    )
    q = queue(world.client("prescriber").get(URL), "my-patients")
    assert [i.text for i in q.items] == ["Mine, Testa"]
    assert q.items[0].url == reverse("patients:detail", args=[mine.pk])


# --- nurse ---------------------------------------------------------------------


def test_a_nurse_sees_vitals_due_discharges_pending_and_notes_to_sign(world):
    now = timezone.now()
    monitoring = session_today(
        direct_course(world, make_patient(world.clinic, family_name="Dripping")),
        1,
        room="Chair 1",
        status=Session.MONITORING,
        dose_started_at=now - dt.timedelta(minutes=30),
    )
    VitalSign.objects.create(
        session=monitoring,
        taken_at=now - dt.timedelta(minutes=20),
        systolic=120,
        diastolic=80,
        entered_by=world.users["nurse"],
    )
    ready = session_today(
        direct_course(world, make_patient(world.clinic, family_name="Leaving")),
        1,
        room="Chair 2",
        status=Session.READY,
    )
    unsigned = session_today(
        direct_course(world, make_patient(world.clinic, family_name="Unsigned")), 1, status=Session.COMPLETED
    )
    response = world.client("nurse").get(URL)
    vitals = queue(response, "vitals-due")
    assert [i.url for i in vitals.items] == [reverse("treatment:session", args=[monitoring.pk])]
    assert "overdue" in vitals.items[0].detail
    assert [i.url for i in queue(response, "discharges-pending").items] == [
        reverse("treatment:session", args=[ready.pk])
    ]
    assert [i.url for i in queue(response, "notes-to-sign").items] == [
        reverse("treatment:session", args=[unsigned.pk])
    ]
    assert "screenings-to-sign" not in keys(response) and "bookings" not in keys(response)


# --- TMS technician ----------------------------------------------------------------


def test_a_tms_technician_sees_tms_sessions_only_and_no_link_they_cannot_open(world):
    ketamine = session_today(direct_course(world, make_patient(world.clinic, family_name="Infused")), 1)
    tms = session_today(
        direct_course(world, make_patient(world.clinic, family_name="Magnetic"), code="tms_10hz"), 1
    )
    response = world.client("tms_technician").get(URL)
    body = response.content.decode()
    assert "Magnetic, Testa" in body and reverse("treatment:session", args=[tms.pk]) in body
    assert "Infused" not in body
    assert reverse("treatment:session", args=[ketamine.pk]) not in body
    assert keys(response) == ["discharges-pending", "notes-to-sign"]


def test_a_tms_technicians_notes_to_sign_are_tms_sessions(world):
    session_today(
        direct_course(world, make_patient(world.clinic, family_name="Infused")), 1, status=Session.COMPLETED
    )
    tms = session_today(
        direct_course(world, make_patient(world.clinic, family_name="Magnetic"), code="tms_10hz"),
        1,
        status=Session.COMPLETED,
    )
    q = queue(world.client("tms_technician").get(URL), "notes-to-sign")
    assert [i.url for i in q.items] == [reverse("treatment:session", args=[tms.pk])]


# --- front desk ----------------------------------------------------------------


def test_front_desk_sees_bookings_today_and_upcoming_with_a_link_to_move_them(world):
    course = direct_course(world, make_patient(world.clinic, family_name="Tomorrow"))
    later = Session.objects.create(
        course=course,
        patient=course.patient,
        clinic=course.clinic,
        modality=course.modality,
        number=2,
        scheduled_for=timezone.now() + dt.timedelta(days=1),
    )
    Session.objects.create(
        course=course,
        patient=course.patient,
        clinic=course.clinic,
        modality=course.modality,
        number=3,
        scheduled_for=timezone.now() + dt.timedelta(days=30),
    )
    response = world.client("front_desk").get(URL)
    q = queue(response, "bookings")
    assert [i.url for i in q.items] == [reverse("treatment:session_reschedule", args=[later.pk])]
    assert keys(response) == ["bookings", "questionnaires-missed", "unsent-rems"]


def test_front_desk_sees_questionnaires_missed_and_unsent_rems_forms(world):
    missed = make_patient(world.clinic, family_name="Silent")
    QuestionnaireRequest.objects.create(
        patient=missed,
        instruments=["phq9"],
        due_date=timezone.localdate(),
        closes_at=timezone.now() - dt.timedelta(days=1),
        status="missed",
    )
    esketamine = signed_session(world, make_patient(world.clinic, family_name="Sprayed"), "nurse")
    RemsMonitoringForm.objects.create(
        session=esketamine, data={}, due_by=timezone.localdate() + dt.timedelta(days=7)
    )
    response = world.client("front_desk").get(URL)
    q = queue(response, "questionnaires-missed")
    assert [i.url for i in q.items] == [reverse("patients:detail", args=[missed.pk])]
    assert "phq9" not in response.content.decode()
    rems = queue(response, "unsent-rems")
    assert [(i.text, i.url) for i in rems.items] == [("Sprayed, Testa", "")]


# --- bounds ----------------------------------------------------------------------


@pytest.mark.parametrize("n", [2, 20])
def test_each_queue_runs_a_fixed_number_of_queries(world, django_assert_max_num_queries, n):
    for _ in range(n):
        patient = make_patient(world.clinic)
        screening(world, patient)
        alert(patient)
        alert(patient, kind="nonresponse", severity="medium")
        signed_session(world, patient, "nurse", note="")
        direct_course(world, patient, prescriber=world.users["prescriber"])
    ids = [world.clinic.pk]
    prescriber = world.users["prescriber"]
    prescriber.roles_by_clinic()  # read once per request by the sign-in; not the queues' own
    with django_assert_max_num_queries(1):
        assert Q.screenings_to_sign(ids).count == min(n, Q.SHOWN) + (1 if n > Q.SHOWN else 0)
    with django_assert_max_num_queries(2):
        Q.notes_to_cosign(ids)
    with django_assert_max_num_queries(1):
        Q.open_alerts(prescriber, ids)
    with django_assert_max_num_queries(1):
        Q.nonresponse_checkpoints(ids)
    with django_assert_max_num_queries(1):
        Q.my_patients(prescriber, ids)
    with django_assert_max_num_queries(1):
        Q.notes_to_sign(ids, modalities=("ketamine_iv",), key="k", title="t")
    with django_assert_max_num_queries(1):
        Q.bookings(ids, timezone.now())
    with django_assert_max_num_queries(1):
        Q.questionnaires_missed(ids, timezone.now())
    with django_assert_max_num_queries(1):
        Q.unsent_rems_forms(prescriber, ids)
    shown = Q.screenings_to_sign(ids)
    assert len(shown.items) == min(n, Q.SHOWN)
