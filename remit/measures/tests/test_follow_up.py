"""Missed and partly answered questionnaires are seen and followed up."""

from __future__ import annotations

import datetime as dt

from django.urls import reverse
from django.utils import timezone

from remit import notify
from remit.alerts.models import Alert
from remit.audit.models import AuditEvent
from remit.decision.models import ClinicOutcomeSettings
from remit.measures import actions_assessments, actions_follow_up, actions_questionnaire_requests, jobs
from remit.measures.models import Assessment, QuestionnaireRequest
from remit.measures.tests.conftest import GAD7, PHQ9_CALM, PHQ9_ITEM9, portal_patient
from remit.testing import PermissionMatrix, make_patient

WORKLIST = "/measures/follow-up/"


def _closed(patient, days_ago, instruments=("phq9",), status=QuestionnaireRequest.MISSED):
    questionnaire_request = actions_questionnaire_requests.create_questionnaire_request(
        patient=patient,
        instruments=list(instruments),
        due_date=timezone.localdate() - dt.timedelta(days=days_ago),
    )
    QuestionnaireRequest.objects.filter(pk=questionnaire_request.pk).update(status=status)
    questionnaire_request.refresh_from_db()
    return questionnaire_request


def _due_past(patient, days_ago, instruments=("phq9",)):
    return actions_questionnaire_requests.create_questionnaire_request(
        patient=patient,
        instruments=list(instruments),
        due_date=timezone.localdate() - dt.timedelta(days=days_ago),
    )


class TestFollowUpPermissions(PermissionMatrix):
    capability = "measures.rate"
    other_clinic_not_applicable = "the worklist lists the user's own clinics and names no record"

    def url(self, world, patient):
        return WORKLIST


class TestResendPermissions(PermissionMatrix):
    capability = "measures.rate"
    ok_status = 302

    def url(self, world, patient):
        return reverse("measures:resend_questionnaire_request", args=[_closed(patient, 3).pk])

    def request(self, client, url):
        return client.post(url)


class TestPhoneAnswersPermissions(PermissionMatrix):
    capability = "measures.rate"

    def url(self, world, patient):
        return reverse("measures:phone_answers", args=[_closed(patient, 3).pk, "phq9"])


def test_three_questionnaires_missed_in_a_row_raise_a_missed_assessment_alert(world):
    patient = portal_patient(world.clinic)
    for days_ago in (9, 6, 3):
        _due_past(patient, days_ago)
    now = timezone.now()
    jobs.mark_missed(now)
    alerts = Alert.objects.filter(patient=patient, kind="missed_assessment")
    assert alerts.count() == 1
    alert = alerts.get()
    assert alert.severity == "medium"
    assert alert.reason.startswith("3 questionnaires in a row were not answered")
    assert "(PHQ-9)" in alert.reason and "phq9" not in alert.reason
    # More missed ones while it is open add nothing.
    _due_past(patient, 2)
    jobs.mark_missed(now)
    assert alerts.count() == 1


def test_two_missed_do_not_alert_under_the_default_but_do_when_the_clinic_sets_two(world):
    patient = portal_patient(world.clinic)
    other = portal_patient(world.other_clinic)
    for who in (patient, other):
        _due_past(who, 6)
        _due_past(who, 3)
    ClinicOutcomeSettings.objects.create(clinic=world.other_clinic, missed_questionnaires_alert=2)
    jobs.mark_missed(timezone.now())
    assert not Alert.objects.filter(patient=patient, kind="missed_assessment").exists()
    assert Alert.objects.filter(patient=other, kind="missed_assessment").count() == 1


def test_a_partly_answered_questionnaire_ends_the_run_of_missed_ones(world):
    patient = portal_patient(world.clinic)
    _due_past(patient, 12)
    _due_past(patient, 9)
    partial = _due_past(patient, 6, ("phq9", "gad7"))
    actions_assessments.record_assessment(
        patient=patient, instrument="gad7", answers=GAD7, respondent="patient", questionnaire_request=partial
    )
    _due_past(patient, 3)
    jobs.mark_missed(timezone.now())
    partial.refresh_from_db()
    assert partial.status == QuestionnaireRequest.PARTIAL
    assert len(actions_follow_up.missed_in_a_row(patient)) == 1
    assert not Alert.objects.filter(patient=patient, kind="missed_assessment").exists()


def test_the_worklist_shows_missed_and_partly_answered_questionnaires_and_resend_sends_a_new_link(world):
    patient = portal_patient(world.clinic, family_name="Misslow")
    missed = _closed(patient, 4)
    partial = _closed(patient, 6, ("phq9", "gad7"), QuestionnaireRequest.PARTIAL)
    Assessment.objects.create(
        patient=patient,
        instrument="gad7",
        instrument_version="1",
        answers=GAD7,
        respondent="patient",
        questionnaire_request=partial,
    )
    done = portal_patient(world.clinic, family_name="Doneright")
    _closed(done, 4, status=QuestionnaireRequest.COMPLETED)
    elsewhere = portal_patient(world.other_clinic, family_name="Farclinic")
    _closed(elsewhere, 4)

    client = world.client("nurse")
    page = client.get(WORKLIST)
    html = page.content.decode()
    assert page.status_code == 200
    assert "Misslow" in html and "Doneright" not in html and "Farclinic" not in html
    assert "Missed" in html and "Partly answered" in html and "not answered" in html
    assert "2 questionnaires to follow up" in html
    assert reverse("measures:phone_answers", args=[partial.pk, "phq9"]) in html
    assert reverse("measures:phone_answers", args=[partial.pk, "gad7"]) not in html
    assert "phq9" not in html.replace("/phq9/", "")  # no instrument codes on the page

    notify.sms_outbox.clear()
    response = client.post(
        reverse("measures:resend_questionnaire_request", args=[missed.pk]), {"next": WORKLIST}
    )
    assert response.status_code == 302 and response["Location"] == WORKLIST
    missed.refresh_from_db()
    assert missed.status == QuestionnaireRequest.SENT and missed.reminders_sent == 1
    assert missed.closes_at > timezone.now()
    assert len(notify.sms_outbox) == 1
    assert AuditEvent.objects.filter(
        action="update", object_type="measures.questionnairerequest", object_id=str(missed.pk)
    ).exists()
    assert "Misslow" in client.get(WORKLIST + "?show=partial").content.decode()
    assert "1 questionnaire to follow up" in client.get(WORKLIST).content.decode()


def test_resending_to_a_patient_without_a_consented_contact_says_so_and_changes_nothing(world):
    patient = make_patient(world.clinic)
    missed = _closed(patient, 3)
    response = world.client("nurse").post(
        reverse("measures:resend_questionnaire_request", args=[missed.pk]), follow=True
    )
    assert "consents to no channel" in response.content.decode()
    missed.refresh_from_db()
    assert missed.status == QuestionnaireRequest.MISSED and missed.reminders_sent == 0


def test_answers_given_by_phone_are_recorded_through_the_audited_action_and_mark_the_request_answered(world):
    patient = portal_patient(world.clinic)
    missed = _closed(patient, 3, ("phq9", "gad7"))
    nurse = world.users["nurse"]
    client = world.client("nurse")
    url = reverse("measures:phone_answers", args=[missed.pk, "phq9"])
    assert client.get(url).status_code == 200
    response = client.post(url + f"?next={WORKLIST}", {k: str(v) for k, v in PHQ9_ITEM9.items()})
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("measures:phone_answers", args=[missed.pk, "gad7"]))
    missed.refresh_from_db()
    assert missed.status == QuestionnaireRequest.PARTIAL
    phq9 = Assessment.objects.get(questionnaire_request=missed, instrument="phq9")
    assert (phq9.respondent, phq9.entered_by) == ("patient", nurse)
    assert AuditEvent.objects.filter(
        action="create", object_type="measures.assessment", object_id=str(phq9.pk)
    ).exists()
    # The safety rule runs as for any assessment: item 9 answered raises its alert.
    assert Alert.objects.filter(patient=patient, kind="suicidal_ideation").exists()

    client.post(
        reverse("measures:phone_answers", args=[missed.pk, "gad7"]), {k: str(v) for k, v in GAD7.items()}
    )
    missed.refresh_from_db()
    assert missed.status == QuestionnaireRequest.COMPLETED and missed.completed_at is not None
    again = client.post(url, {k: str(v) for k, v in PHQ9_CALM.items()})
    assert "already answered" in again.content.decode()
    assert Assessment.objects.filter(questionnaire_request=missed).count() == 2


def test_the_chart_measures_table_shows_missed_and_partly_answered_questionnaires(world):
    patient = portal_patient(world.clinic)
    _closed(patient, 3)
    html = world.client("nurse").get(reverse("measures:patient", args=[patient.pk])).content.decode()
    assert "Missed or partly answered" in html
    assert "Resend" in html and "by phone" in html


def test_the_follow_up_link_is_in_the_navigation_for_clinical_roles_only(world):
    assert 'href="/measures/follow-up/"' in world.client("nurse").get("/").content.decode()
    assert 'href="/measures/follow-up/"' not in world.client("front_desk").get("/").content.decode()


def test_the_missed_assessment_alert_page_names_its_source_in_words_and_links_the_questionnaires(world):
    patient = portal_patient(world.clinic)
    for days_ago in (9, 6, 3):
        _due_past(patient, days_ago)
    jobs.mark_missed(timezone.now())
    alert = Alert.objects.get(patient=patient, kind="missed_assessment")
    html = world.client("nurse").get(reverse("alerts:detail", args=[alert.pk])).content.decode()
    assert "Questionnaire request #" in html and "measures.questionnairerequest" not in html
    assert reverse("measures:patient", args=[patient.pk]) in html
