"""Planning a course: only through the screening gate; bad input names the field and saves nothing."""

from __future__ import annotations

import datetime as dt

from django.urls import reverse
from django.utils import timezone

from remit.audit.models import AuditEvent
from remit.measures.models import QuestionnaireRequest
from remit.testing import PermissionMatrix, error_summary, login, make_patient
from remit.treatment.models import Course, Session
from remit.treatment.tests.test_course_support import course_post, next_monday, protocol, screened


def url(patient, modality="ketamine_iv"):
    return reverse("treatment:course_new", args=[patient.pk]) + (f"?modality={modality}" if modality else "")


def counts():
    return Course.objects.count(), Session.objects.count(), QuestionnaireRequest.objects.count()


class TestPermissions(PermissionMatrix):
    capability = "courses.plan"

    def url(self, world, patient):
        return url(patient)


class TestPostPermissions(PermissionMatrix):
    capability = "courses.plan"
    ok_status = 302

    def url(self, world, patient):
        screened(world, patient)
        return url(patient, None)

    def request(self, client, url):
        patient_pk = int(url.rstrip("/").split("/")[-3])
        from remit.patients.models import Patient

        patient = Patient.objects.get(pk=patient_pk)
        return client.post(url, course_post(protocol(patient.clinic)))


def test_it_first_asks_for_the_modality(world):
    patient = make_patient(world.clinic)
    response = world.client("prescriber").get(url(patient, None))
    assert response.status_code == 200
    assert b'name="modality"' in response.content and b"Esketamine" in response.content


def test_it_shows_the_gate_before_the_form(world):
    patient = make_patient(world.clinic)
    response = world.client("prescriber").get(url(patient))
    assert b"there is no signed screening" in response.content


def test_it_is_refused_without_a_signed_screening_and_saves_nothing(world):
    patient = make_patient(world.clinic)
    data = course_post(protocol(world.clinic))
    before = counts()
    audit_before = AuditEvent.objects.count()
    response = world.client("prescriber").post(url(patient, None), data)
    assert response.status_code == 200
    assert b"The screening gate refused this course" in response.content
    assert b"there is no signed screening. A prescriber must sign one first." in response.content
    assert counts() == before
    assert AuditEvent.objects.count() == audit_before


def test_it_is_refused_when_the_modality_is_declined(world):
    from remit.screening.actions import Choice

    patient = make_patient(world.clinic)
    screened(world, patient, ketamine_iv=Choice("declined", note="prefers TMS"))
    before = counts()
    response = world.client("prescriber").post(url(patient, None), course_post(protocol(world.clinic)))
    assert b"prefers TMS" in response.content
    assert counts() == before


def test_an_eligible_signed_screening_lets_the_course_start(world):
    patient = make_patient(world.clinic)
    screening = screened(world, patient)
    response = world.client("prescriber").post(url(patient, None), course_post(protocol(world.clinic)))
    course = Course.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse(
        "treatment:course", args=[course.pk]
    )
    assert course.status == Course.PLANNED and course.screening == screening
    assert course.planned_sessions == 6 and course.authorised_sessions == 6
    assert course.created_by == world.users["prescriber"] and course.prescriber == world.users["prescriber"]
    sessions = list(course.sessions.order_by("number"))
    assert [s.number for s in sessions] == [1, 2, 3, 4, 5, 6]
    days = [timezone.localdate(s.scheduled_for) for s in sessions]
    assert days[0] == next_monday()
    assert [d.weekday() for d in days] == [0, 2, 4, 0, 2, 4]  # Mon/Wed/Fri, a rest day between
    assert all(timezone.localtime(s.scheduled_for).time() == dt.time(9, 0) for s in sessions)
    assert all(s.room == "Chair 2" and s.status == Session.BOOKED for s in sessions)
    requests = QuestionnaireRequest.objects.filter(course_type="treatment.course", course_id=str(course.pk))
    assert requests.filter(kind="pre_session").count() == 6
    assert AuditEvent.objects.filter(action="create", object_type="treatment.course").count() == 1


def test_a_tms_course_plans_thirty_six_sessions(world):
    patient = make_patient(world.clinic)
    screened(world, patient)
    row = protocol(world.clinic, "tms_10hz")
    data = course_post(row, mg_per_kg="", authorised_sessions="36")
    response = world.client("prescriber").post(url(patient, None), data)
    assert response.status_code == 302
    course = Course.objects.get()
    assert course.sessions.count() == 36 and course.mg_per_kg is None


def field_error(response, label):
    return label in error_summary(response.content.decode())


def test_planned_sessions_0_is_refused_naming_the_field(world):
    patient = make_patient(world.clinic)
    screened(world, patient)
    before = counts()
    response = world.client("prescriber").post(
        url(patient, None), course_post(protocol(world.clinic), planned_sessions="0")
    )
    assert response.status_code == 200
    assert field_error(response, "Planned sessions")
    assert counts() == before


def test_no_clinic_days_is_refused_naming_the_field(world):
    patient = make_patient(world.clinic)
    screened(world, patient)
    before = counts()
    data = course_post(protocol(world.clinic))
    del data["clinic_days"]
    response = world.client("prescriber").post(url(patient, None), data)
    assert field_error(response, "Clinic days") and b"Choose at least one clinic day." in response.content
    assert counts() == before


def test_a_start_date_more_than_a_day_ago_is_refused(world):
    patient = make_patient(world.clinic)
    screened(world, patient)
    before = counts()
    start = (timezone.localdate() - dt.timedelta(days=2)).isoformat()
    response = world.client("prescriber").post(
        url(patient, None), course_post(protocol(world.clinic), start_date=start)
    )
    assert field_error(response, "Start date")
    assert counts() == before


def test_a_dose_above_the_protocol_maximum_is_refused(world):
    patient = make_patient(world.clinic)
    screened(world, patient)
    before = counts()
    response = world.client("prescriber").post(
        url(patient, None), course_post(protocol(world.clinic), mg_per_kg="1.5")
    )
    assert (
        field_error(response, "Ketamine dose (mg/kg)") and b"above the protocol maximum" in response.content
    )
    assert counts() == before


def test_a_protocol_of_another_modality_is_refused(world):
    patient = make_patient(world.clinic)
    screened(world, patient)
    before = counts()
    data = course_post(protocol(world.clinic, "tms_10hz"), modality="ketamine_iv")
    response = world.client("prescriber").post(url(patient, None), data)
    assert field_error(response, "Protocol")
    assert counts() == before


def test_fewer_planned_sessions_drop_the_last_ones(world):
    patient = make_patient(world.clinic)
    screened(world, patient)
    world.client("prescriber").post(
        url(patient, None), course_post(protocol(world.clinic), planned_sessions="4")
    )
    assert Course.objects.get().sessions.count() == 4


def test_the_form_needs_a_csrf_token(world, csrf_client):
    patient = make_patient(world.clinic)
    screened(world, patient)
    login(csrf_client, world.users["prescriber"])
    response = csrf_client.post(url(patient, None), course_post(protocol(world.clinic)))
    assert response.status_code == 403
    assert Course.objects.count() == 0
