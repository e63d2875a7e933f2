"""A patient opens an first message, confirms their date of birth, answers two questionnaires and submits."""

from __future__ import annotations

from remit.alerts.models import Alert
from remit.audit.models import AuditEvent
from remit.measures.models import Assessment, PortalLink, QuestionnaireRequest
from remit.measures.tests.conftest import (
    GAD7,
    PHQ9_CALM,
    answer_post,
    done_url,
    make_link,
    open_url,
    step_url,
    verified_client,
)


def test_it_asks_for_the_date_of_birth_before_showing_anything(clinic_patient, client):
    link, token = make_link(clinic_patient, ["phq9"])
    response = client.get(open_url(token), follow=True)
    html = response.content.decode()
    assert response.status_code == 200
    assert "Date of birth" in html
    assert "Little interest" not in html
    assert clinic_patient.given_name not in html and clinic_patient.family_name not in html


def test_it_shows_one_question_per_page_with_progress(clinic_patient):
    link, token = make_link(clinic_patient, ["phq9", "gad7"])
    client = verified_client(token)
    html = client.get(step_url(token, 1)).content.decode()
    assert "Questionnaire 1 of 2" in html and "Question 1 of 10" in html
    assert "Little interest or pleasure in doing things" in html  # PHQ-9 ships its wording
    assert html.count("<fieldset") == 1 and html.count("<legend") == 1
    assert 'type="radio"' in html and "Nearly every day" in html
    assert clinic_patient.family_name not in html


def test_it_stores_every_questionnaire_of_the_questionnaire_request_and_completes_it(clinic_patient):
    link, token = make_link(clinic_patient, ["phq9", "gad7"])
    client = verified_client(token)
    response = client.post(step_url(token, 1), answer_post(PHQ9_CALM))
    assert response.status_code == 302 and response["Location"] == step_url(token, 2)
    # Page 1 is stored as the patient leaves it; the questionnaire request stays open until the last page.
    assert list(Assessment.objects.values_list("instrument", flat=True)) == ["phq9"]
    assert QuestionnaireRequest.objects.get().status == "pending"
    link.refresh_from_db()
    assert link.used_at is None
    html = client.get(step_url(token, 2) + "?item=7").content.decode()
    assert "Questionnaire 2 of 2" in html and "Submit answers" in html
    response = client.post(step_url(token, 2), answer_post(GAD7))
    assert response.status_code == 302 and response["Location"] == done_url(token)

    stored = {a.instrument: a for a in Assessment.objects.all()}
    assert set(stored) == {"phq9", "gad7"}
    assert stored["phq9"].total == 0 and stored["phq9"].band == "minimal"
    assert stored["gad7"].total == 7 and stored["gad7"].band == "mild"
    for a in stored.values():
        assert (
            a.respondent == "patient"
            and a.entered_by is None
            and a.questionnaire_request_id == link.questionnaire_request_id
        )
        assert a.portal_link_id == link.pk
    link.refresh_from_db()
    assert link.used_at is not None
    assert QuestionnaireRequest.objects.get().status == "completed"
    assert not Alert.objects.exists()

    html = client.get(done_url(token)).content.decode()
    assert "Thank you" in html and 'class="card crisis"' not in html


def test_every_portal_page_is_audited_as_the_portal_with_the_patient(clinic_patient):
    link, token = make_link(clinic_patient, ["phq9"])
    before = AuditEvent.objects.count()
    client = verified_client(token)
    client.get(step_url(token, 1))
    client.post(step_url(token, 1), answer_post(PHQ9_CALM))
    client.get(done_url(token))
    rows = list(AuditEvent.objects.filter(seq__gt=before).order_by("seq"))
    assert [r.action for r in rows] == ["portal_dob_verified", "view", "create", "update", "view"]
    for row in rows:
        assert row.actor_id is None and row.actor_label == "patient portal"
        assert row.patient_id == clinic_patient.pk and row.clinic_id == clinic_patient.clinic_id


def test_a_signed_in_clinician_using_the_link_is_not_recorded_as_the_respondent(world, clinic_patient):
    link, token = make_link(clinic_patient, ["phq9"])
    client = verified_client(token, world.client("nurse"))
    client.post(step_url(token, 1), answer_post(PHQ9_CALM))
    a = Assessment.objects.get()
    assert a.entered_by is None
    assert AuditEvent.objects.filter(object_type="measures.assessment", actor__isnull=False).count() == 0


def test_the_session_is_renewed_when_the_date_of_birth_is_confirmed(clinic_patient, client):
    link, token = make_link(clinic_patient, ["phq9"])
    client.get(open_url(token))
    before = client.cookies["remit_portal"].value
    verified_client(token, client)
    assert client.cookies["remit_portal"].value != before


def test_the_link_hash_is_stored_never_the_token(clinic_patient):
    link, token = make_link(clinic_patient, ["phq9"])
    assert token not in PortalLink.objects.values_list("token_hash", flat=True)
    assert len(link.token_hash) == 64
