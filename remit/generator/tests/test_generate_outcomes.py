"""The demo (`remit generate --patients 200 --seed 2026`, for today) makes the outcome report and the inbox meaningful.

Generated once for the module (inside a transaction rolled back at the end), then read by each test.
"""

from __future__ import annotations

import json
from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import transaction

from remit.alerts.models import Alert
from remit.audit.actions import verify_trail
from remit.audit.models import AuditEvent
from remit.core.instruments import score
from remit.measures.models import Assessment
from remit.treatment.models import Session

pytestmark = pytest.mark.django_db
DECISION_KINDS = {"nonresponse", "relapse", "dose_escalation", "misuse_signal", "opioid_antagonist"}


@pytest.fixture(scope="module", autouse=True)
def demo(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock(), transaction.atomic():
        call_command("generate", stdout=StringIO(), patients=200, seed=2026)
        yield
        transaction.set_rollback(True)


def report() -> dict:
    out = StringIO()
    call_command("report", "outcomes", format="json", stdout=out)
    return json.loads(out.getvalue())


def test_the_inbox_has_an_open_alert_of_each_kind():
    kinds = set(Alert.objects.filter(status="open").values_list("kind", flat=True))
    assert {"suicidal_ideation", *DECISION_KINDS} <= kinds


def test_decision_alerts_come_from_the_rules_and_name_them():
    for alert in Alert.objects.filter(kind__in=DECISION_KINDS):
        assert alert.detail["rule"] and alert.detail["source"]
        assert alert.source_type == "treatment.course"


def test_the_suicidal_ideation_alerts_come_from_recent_portal_answers_to_item_9():
    alerts = list(Alert.objects.filter(kind="suicidal_ideation"))
    assert alerts
    for alert in alerts:
        answer = Assessment.objects.get(pk=alert.source_id)
        assert answer.instrument == "phq9" and answer.answers["q9"] >= 1
        assert answer.respondent == "patient" and "suicidal_ideation" in answer.flags
        assert answer.taken_at.date() >= alert.created_at.date() - timedelta(days=22)


def test_every_stored_assessment_is_exactly_what_the_scorer_gives_for_its_answers():
    rows = Assessment.objects.values_list(
        "instrument",
        "answers",
        "total",
        "max_total",
        "band",
        "flags",
        "valid",
        "missing",
        "instrument_version",
    )
    assert len(rows) > 1000
    for code, answers, total, max_total, band, flags, valid, missing, version in rows:
        result = score(code, answers)
        assert (total, max_total, band, flags, valid, missing, version) == (
            result.total,
            result.max,
            result.band or "",
            list(result.flags),
            result.valid,
            list(result.missing),
            result.version,
        )


def test_every_flagged_answer_has_its_alert():
    answers = list(Assessment.objects.filter(instrument="phq9").values_list("pk", "answers"))
    flagged = {str(pk) for pk, a in answers if a["q9"]}
    assert 0 < len(flagged) <= 0.01 * len(answers)
    alerted = set(Alert.objects.filter(kind="suicidal_ideation").values_list("source_id", flat=True))
    assert flagged == alerted


def test_dissociation_and_sedation_ratings_are_linked_to_their_ketamine_sessions():
    ratings = Assessment.objects.filter(instrument__in=("cadss6", "moaas"))
    assert ratings.filter(instrument="cadss6").count() > 200
    sessions = Session.objects.in_bulk([int(i) for i in ratings.values_list("session_id", flat=True)])
    for rating in ratings:
        assert rating.session_type == "treatment.session" and rating.respondent == "clinician"
        session = sessions[int(rating.session_id)]
        assert session.patient_id == rating.patient_id
        assert session.modality in ("ketamine_iv", "ketamine_im", "esketamine")
        minutes = (rating.taken_at - session.dose_started_at).total_seconds() / 60
        assert (35 <= minutes <= 50) if rating.instrument == "cadss6" else (10 <= minutes <= 30)
        assert rating.entered_by is not None


def test_the_report_gives_a_reportable_end_of_induction_response_and_remission_rate():
    end = report()["end_of_induction"]
    for rate in (end["response"], end["remission"]):
        assert rate["n"] >= 10 and rate["reportable"]
    assert 0.35 <= end["response"]["value"] <= 0.8
    assert 0.1 <= end["remission"]["value"] <= end["response"]["value"]


def test_peak_dissociation_is_unrelated_to_benefit_in_the_report():
    dissociation = report()["dissociation_vs_benefit"]
    assert dissociation["n"] >= 10
    assert abs(dissociation["rho"]) < 0.4


def test_every_other_audit_event_is_an_alert_or_a_safety_answer_stored_by_the_apps_own_code():
    runs = AuditEvent.objects.filter(object_type="patients.patient")
    assert runs.count() == 1
    others = AuditEvent.objects.exclude(pk__in=runs)
    assert set(others.values_list("object_type", flat=True)) <= {"alerts.alert", "measures.assessment"}
    for event in others.filter(object_type="measures.assessment"):
        assert "suicidal_ideation" in event.detail["flags"]
    assert verify_trail() is None
