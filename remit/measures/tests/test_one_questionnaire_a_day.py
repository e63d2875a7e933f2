"""One questionnaire per instrument per patient per day, across courses."""

from __future__ import annotations

import datetime as dt

import pytest
from django.apps import apps
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from remit import notify
from remit.core.measurement_schedule import ScheduledSession, measurement_schedule
from remit.measures import actions_questionnaire_requests, jobs
from remit.measures.dedupe import merge_duplicate_questionnaires
from remit.measures.models import Assessment, QuestionnaireRequest, RequestedInstrument
from remit.measures.tests.conftest import GAD7, PHQ9_CALM, PHQ9_ITEM9, portal_patient


def _esketamine(days: list[dt.date]) -> list[ScheduledSession]:
    return [ScheduledSession(day, "esketamine") for day in days]


def test_an_esketamine_induction_and_its_maintenance_course_text_the_patient_once_on_the_day_they_meet(world):
    """Day 7 after the last induction dose is the maintenance course's first pre-session PHQ-9."""
    patient = portal_patient(world.clinic)
    today = timezone.localdate()
    last_induction = today - dt.timedelta(days=7)
    induction = measurement_schedule(
        _esketamine([last_induction - dt.timedelta(days=3), last_induction]), intake_date=None
    )
    maintenance = measurement_schedule(_esketamine([today, today + dt.timedelta(days=7)]), intake_date=None)
    actions_questionnaire_requests.schedule_for_course(
        patient=patient, dues=induction, course_type="treatment.course", course_id=1
    )
    actions_questionnaire_requests.schedule_for_course(
        patient=patient, dues=maintenance, course_type="treatment.course", course_id=2
    )

    todays = QuestionnaireRequest.objects.filter(patient=patient, due_date=today)
    assert todays.count() == 1
    assert todays.get().instruments == ["phq9"]
    assert RequestedInstrument.objects.filter(patient=patient, due_date=today, live=True).count() == 1
    notify.sms_outbox.clear()
    jobs.send_due_questionnaire_requests(timezone.now())
    assert len(notify.sms_outbox) == 1


def test_two_concurrent_courses_make_one_request_for_a_questionnaire_due_the_same_day(world):
    patient = portal_patient(world.clinic)
    day = timezone.localdate() + dt.timedelta(days=10)
    for course_id in (11, 12):
        dues = measurement_schedule(_esketamine([day]), intake_date=None, course_end=day)
        actions_questionnaire_requests.schedule_for_course(
            patient=patient, dues=dues, course_type="treatment.course", course_id=course_id
        )
    for offset in (0, 1, 3, 7):
        on_day = QuestionnaireRequest.objects.filter(
            patient=patient, due_date=day + dt.timedelta(days=offset)
        )
        assert [r.instruments for r in on_day] == [["phq9"]], offset


def test_a_second_instrument_the_same_day_joins_the_questionnaire_request_not_sent_yet(world):
    patient = portal_patient(world.clinic)
    day = timezone.localdate() + dt.timedelta(days=2)
    first = actions_questionnaire_requests.create_questionnaire_request(
        patient=patient, instruments=["phq9"], due_date=day, kind="pre_session"
    )
    second = actions_questionnaire_requests.create_questionnaire_request(
        patient=patient, instruments=["phq9", "gad7"], due_date=day
    )
    assert second.pk == first.pk
    first.refresh_from_db()
    assert first.instruments == ["phq9", "gad7"]
    assert QuestionnaireRequest.objects.filter(patient=patient).count() == 1


def test_asking_again_a_questionnaire_already_answered_that_day_is_refused_naming_it(world):
    patient = portal_patient(world.clinic)
    done = actions_questionnaire_requests.create_questionnaire_request(patient=patient, instruments=["phq9"])
    QuestionnaireRequest.objects.filter(pk=done.pk).update(status=QuestionnaireRequest.COMPLETED)
    with pytest.raises(ValidationError) as raised:
        actions_questionnaire_requests.create_questionnaire_request(patient=patient, instruments=["phq9"])
    assert "(PHQ-9) (completed)" in str(raised.value)


def test_a_cancelled_request_frees_its_day(world):
    patient = portal_patient(world.clinic)
    day = timezone.localdate() + dt.timedelta(days=3)
    first = actions_questionnaire_requests.create_questionnaire_request(
        patient=patient, instruments=["phq9"], due_date=day
    )
    actions_questionnaire_requests.cancel_questionnaire_request(world.users["nurse"], first, "moved")
    again = actions_questionnaire_requests.create_questionnaire_request(
        patient=patient, instruments=["phq9"], due_date=day
    )
    assert again.pk != first.pk


def test_the_database_refuses_a_second_live_questionnaire_for_one_patient_instrument_and_day(world):
    patient = portal_patient(world.clinic)
    day = timezone.localdate()
    questionnaire_request = actions_questionnaire_requests.create_questionnaire_request(
        patient=patient, instruments=["phq9"], due_date=day
    )
    with pytest.raises(IntegrityError), transaction.atomic():
        RequestedInstrument.objects.create(
            questionnaire_request=questionnaire_request, patient=patient, instrument="phq9", due_date=day
        )


def _old_request(patient, instruments, day, status, **fields):
    """A request as stored before the rule: no items."""
    return QuestionnaireRequest.objects.create(
        patient=patient,
        instruments=instruments,
        due_date=day,
        closes_at=actions_questionnaire_requests.closes_at_for(day, 0),
        status=status,
        **fields,
    )


def _answer(questionnaire_request, code, answers):
    return Assessment.objects.create(
        patient=questionnaire_request.patient,
        instrument=code,
        instrument_version="1",
        answers=answers,
        total=sum(v for v in answers.values() if v),
        respondent=Assessment.PATIENT,
        questionnaire_request=questionnaire_request,
    )


def test_the_migration_merges_stored_duplicates_and_keeps_every_answer(world):
    patient = portal_patient(world.clinic)
    day = timezone.localdate() - dt.timedelta(days=5)
    # Both texts answered: both answers stay, on the questionnaire request they were given in.
    first = _old_request(patient, ["phq9"], day, QuestionnaireRequest.COMPLETED)
    second = _old_request(patient, ["phq9", "gad7"], day, QuestionnaireRequest.COMPLETED)
    a1 = _answer(first, "phq9", PHQ9_CALM)
    a2 = _answer(second, "phq9", PHQ9_ITEM9)
    a3 = _answer(second, "gad7", GAD7)
    # An answered visit and an unanswered duplicate: the answered one is kept, the other cancelled.
    later = day + dt.timedelta(days=1)
    missed = _old_request(patient, ["phq9"], later, QuestionnaireRequest.MISSED)
    answered = _old_request(patient, ["phq9"], later, QuestionnaireRequest.COMPLETED)
    a4 = _answer(answered, "phq9", PHQ9_CALM)
    # Two open duplicates: the one already sent is kept.
    ahead = timezone.localdate() + dt.timedelta(days=4)
    pending = _old_request(patient, ["phq9", "gad7"], ahead, QuestionnaireRequest.PENDING)
    sent = _old_request(patient, ["phq9"], ahead, QuestionnaireRequest.SENT)
    # A request made since the rule (it has items) and an old one for the same day.
    beyond = ahead + dt.timedelta(days=1)
    newer = actions_questionnaire_requests.create_questionnaire_request(
        patient=patient, instruments=["phq9"], due_date=beyond
    )
    older_sent = _old_request(patient, ["phq9"], beyond, QuestionnaireRequest.SENT)
    before = {a.pk: (a.questionnaire_request_id, dict(a.answers)) for a in Assessment.objects.all()}

    counts = merge_duplicate_questionnaires(apps)

    assert counts["merged"] == 4
    newer.refresh_from_db()
    assert newer.status == QuestionnaireRequest.CANCELLED
    assert (
        RequestedInstrument.objects.get(patient=patient, due_date=beyond, live=True).questionnaire_request_id
        == older_sent.pk
    )
    assert {a.pk: (a.questionnaire_request_id, dict(a.answers)) for a in Assessment.objects.all()} == before
    assert {a1.pk, a2.pk, a3.pk, a4.pk} <= set(before)
    for request in (first, second, missed, answered, pending, sent):
        request.refresh_from_db()
    assert (missed.status, missed.instruments) == (QuestionnaireRequest.CANCELLED, [])
    assert answered.status == QuestionnaireRequest.COMPLETED
    assert (pending.status, pending.instruments) == (QuestionnaireRequest.PENDING, ["gad7"])
    assert (sent.status, sent.instruments) == (QuestionnaireRequest.SENT, ["phq9"])
    assert second.instruments == ["phq9", "gad7"]  # its PHQ-9 answer stays with it
    live = RequestedInstrument.objects.filter(patient=patient, live=True)
    keys = [(i.instrument, i.due_date) for i in live]
    assert len(keys) == len(set(keys))
    kept = live.get(instrument="phq9", due_date=day)
    assert kept.questionnaire_request_id == first.pk
    assert (
        RequestedInstrument.objects.get(questionnaire_request=second, instrument="phq9").merged_into_id
        == kept.pk
    )
    assert "merged into questionnaire request" in missed.reason
    # Running it again changes nothing.
    assert merge_duplicate_questionnaires(apps) == {"items": 0, "merged": 0, "cancelled": 0}


def test_an_ending_induction_does_not_take_the_maintenance_course_questionnaire_with_it(world):
    from remit.treatment import actions_courses as C
    from remit.treatment.models import Course, Session
    from remit.treatment.tests.factories import make_course

    patient = portal_patient(world.clinic)
    prescriber = world.users["prescriber"]
    today = timezone.localdate()
    induction = make_course(patient, "esketamine", prescriber)
    maintenance = make_course(patient, "esketamine", prescriber)
    Course.objects.filter(pk=maintenance.pk).update(phase="maintenance", status=Course.PLANNED)
    maintenance.refresh_from_db()
    last = today - dt.timedelta(days=1)
    first_maintenance = last + dt.timedelta(days=7)
    for course, number, day in ((induction, 1, last), (maintenance, 1, first_maintenance)):
        Session.objects.create(
            course=course,
            patient=patient,
            clinic=patient.clinic,
            modality="esketamine",
            number=number,
            scheduled_for=timezone.make_aware(dt.datetime.combine(day, dt.time(9))),
            room="Chair 1",
            status=Session.COMPLETED if course is induction else Session.BOOKED,
        )
    C.schedule_measurements(induction, [(last, "esketamine")])
    C.schedule_measurements(maintenance, [(first_maintenance, "esketamine")])
    holder = QuestionnaireRequest.objects.get(patient=patient, due_date=first_maintenance)
    assert holder.course_id == str(induction.pk) and holder.kind == "post_dose"

    C.complete_course(actor=prescriber, course=induction)

    holder.refresh_from_db()
    assert holder.status == QuestionnaireRequest.CANCELLED
    now_asked = QuestionnaireRequest.objects.filter(
        patient=patient, due_date=first_maintenance, status=QuestionnaireRequest.PENDING
    ).get()
    assert now_asked.course_id == str(maintenance.pk) and now_asked.kind == "pre_session"
