"""schedule_for_course: the core schedule's items become one request per day, instruments bundled."""

from __future__ import annotations

import datetime as dt

from remit.audit.models import AuditEvent
from remit.core.measurement_schedule import MeasurementDue, ScheduledSession, measurement_schedule
from remit.measures import actions_questionnaire_requests
from remit.measures.models import QuestionnaireRequest
from remit.testing import make_patient

MONDAY = dt.date(2030, 1, 7)


def test_it_bundles_a_days_instruments_into_one_request(world):
    patient = make_patient(world.clinic)
    dues = measurement_schedule(
        [ScheduledSession(MONDAY, "ketamine_iv")], intake_date=MONDAY, course_end=MONDAY
    )
    created = actions_questionnaire_requests.schedule_for_course(
        patient=patient, dues=dues, course_type="treatment.course", course_id=7
    )
    first = created[0]
    assert first.due_date == MONDAY
    assert first.instruments == ["phq9", "gad7"]  # pre-session PHQ-9 first, then intake GAD-7
    assert first.kind == "pre_session" and first.window_days == 0
    assert "before session 1" in first.reason and "intake" in first.reason
    assert [r.due_date - MONDAY for r in created[1:4]] == [dt.timedelta(days=d) for d in (1, 3, 7)]
    assert all(r.course_id == "7" and r.course_type == "treatment.course" for r in created)
    assert AuditEvent.objects.filter(
        action="create", object_type="measures.questionnairerequest"
    ).count() == len(created)


def test_calling_it_again_adds_only_new_days(world):
    patient = make_patient(world.clinic)
    dues = measurement_schedule([ScheduledSession(MONDAY, "esketamine")], intake_date=None)
    first = actions_questionnaire_requests.schedule_for_course(patient=patient, dues=dues, course_id="c1")
    more = measurement_schedule(
        [
            ScheduledSession(MONDAY, "esketamine"),
            ScheduledSession(MONDAY + dt.timedelta(days=3), "esketamine"),
        ],
        intake_date=None,
    )
    second = actions_questionnaire_requests.schedule_for_course(patient=patient, dues=more, course_id="c1")
    days = [r.due_date for r in QuestionnaireRequest.objects.all()]
    assert len(days) == len(set(days)) == len(first) + len(second)
    assert second and all(r.due_date not in {f.due_date for f in first} for r in second)


def test_clinician_rated_instruments_are_not_sent(world):
    patient = make_patient(world.clinic)
    dues = [MeasurementDue("madrs", MONDAY, 0, "pre_session", "before session 1", 1)]
    assert actions_questionnaire_requests.schedule_for_course(patient=patient, dues=dues) == []


def test_the_window_closes_at_local_midnight_after_the_last_day(world):
    patient = make_patient(world.clinic)
    dues = [MeasurementDue("phq9", MONDAY, 1, "post_dose", "day 1 after session 1", 1)]
    (request,) = actions_questionnaire_requests.schedule_for_course(patient=patient, dues=dues)
    from django.utils import timezone

    assert timezone.localtime(request.closes_at).date() == MONDAY + dt.timedelta(days=2)
    assert timezone.localtime(request.closes_at).time() == dt.time(0, 0)
