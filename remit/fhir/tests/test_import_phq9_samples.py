"""The US Core and LHC-Forms PHQ-9 files import and score exactly as Remit's built-in scorer."""

from __future__ import annotations

import copy

import pytest

from remit.alerts.models import Alert
from remit.audit.models import AuditEvent
from remit.core.instruments import score
from remit.fhir.tests.helpers import load_sample
from remit.fhir.tests.importing import patient, run_import, transaction, write
from remit.measures.models import Assessment
from remit.patients.models import Patient

pytestmark = pytest.mark.django_db

US_CORE_ANSWERS = {"q1": 2, "q2": 2, "q3": 2, "q4": 2, "q5": 1, "q6": 1, "q7": 2, "q8": 0, "q9": 0, "q10": 1}


def us_core_bundle():
    return transaction(
        patient(),
        load_sample("us-core-Questionnaire-phq-9-example.json"),
        load_sample("us-core-QuestionnaireResponse-phq-9-example.json"),
    )


def assert_scored_like_the_builtin(assessment):
    builtin = score("phq9", US_CORE_ANSWERS)
    assert assessment.instrument == "phq9"
    assert assessment.answers == dict(builtin.answers) == US_CORE_ANSWERS
    assert (assessment.total, assessment.band, assessment.valid) == (builtin.total, builtin.band, True)
    assert assessment.total == 12 and assessment.band == "moderate"
    assert assessment.respondent == "patient"


def test_the_us_core_transaction_bundle_imports_and_scores_as_the_builtin(world, tmp_path):
    summary = run_import(write(tmp_path, us_core_bundle()), clinic="clinic-a")
    assert summary["created"] == {"Patient": 1, "QuestionnaireResponse": 1}
    assert summary["used"] == {"Questionnaire": 1}
    assert summary["mismatches"] == []  # the sender's total (12) agrees
    new = Patient.objects.get(clinic=world.clinic, mrn="EXT-1")
    assert (new.given_name, new.family_name, str(new.date_of_birth), new.sex_at_birth) == (
        "Amy V.",
        "Example",
        "1987-02-20",
        "female",
    )
    assessment = Assessment.objects.get(patient=new)
    assert_scored_like_the_builtin(assessment)
    assert assessment.taken_at.isoformat() == "2022-11-29T20:50:32.718000+00:00"
    created = AuditEvent.objects.filter(action="create", object_type="measures.assessment").get()
    assert created.actor_label == "remit fhir import" and created.patient_id == new.pk
    summary_event = AuditEvent.objects.get(object_type="fhir.import")
    assert summary_event.detail["created"] == {"Patient": 1, "QuestionnaireResponse": 1}


def test_a_response_to_the_lhc_forms_questionnaire_imports_and_scores_as_the_builtin(world, tmp_path):
    lhc = load_sample("lhc-forms-phq9-questionnaire.json")
    response = copy.deepcopy(load_sample("us-core-QuestionnaireResponse-phq-9-example.json"))
    response["questionnaire"] = f"Questionnaire/{lhc['id']}"
    bundle = transaction(patient(), lhc, response)
    summary = run_import(write(tmp_path, bundle), clinic="clinic-a")
    assert summary["created"] == {"Patient": 1, "QuestionnaireResponse": 1}
    # The LHC file carries STU3-era extension values R4B refuses: reported, not fatal (read only for matching).
    assert summary["warnings"] and all(w["severity"] == "warning" for w in summary["warnings"])
    assert_scored_like_the_builtin(Assessment.objects.get())


def test_a_wrong_incoming_score_observation_is_reported_not_stored(world, tmp_path):
    bundle = us_core_bundle()
    bundle["entry"].append(
        {
            "fullUrl": "urn:uuid:score-1",
            "resource": {
                "resourceType": "Observation",
                "status": "final",
                "code": {"coding": [{"system": "http://loinc.org", "code": "44261-6"}]},
                "subject": {"reference": "Patient/example"},
                "valueQuantity": {"value": 15, "system": "http://unitsofmeasure.org", "code": "{score}"},
                "derivedFrom": [{"reference": "QuestionnaireResponse/phq-9-example"}],
            },
        }
    )
    summary = run_import(write(tmp_path, bundle), clinic="clinic-a")
    assert summary["used"] == {"Observation": 1, "Questionnaire": 1}
    [mismatch] = summary["mismatches"]
    assert (mismatch["incoming_total"], mismatch["remit_total"], mismatch["instrument"]) == (15, 12, "phq9")
    assert "entry 3" in mismatch["incoming_from"]
    assert Assessment.objects.get().total == 12


def test_a_suicidal_answer_raises_the_alert_as_the_portal_does(world, tmp_path):
    bundle = us_core_bundle()
    item9 = next(i for i in bundle["entry"][2]["resource"]["item"] if i["linkId"] == "/44260-8")
    item9["answer"] = [{"valueCoding": {"system": "http://loinc.org", "code": "LA6569-3"}}]
    summary = run_import(write(tmp_path, bundle), clinic="clinic-a")
    assert summary["mismatches"][0]["remit_total"] == 13
    alert = Alert.objects.get()
    assert (alert.kind, alert.severity, alert.status) == ("suicidal_ideation", "high", "open")


def test_importing_the_same_bundle_twice_matches_instead_of_duplicating(world, tmp_path):
    path = write(tmp_path, us_core_bundle())
    run_import(path, clinic="clinic-a")
    again = run_import(path, clinic="clinic-a")
    assert again["created"] == {}
    assert again["matched"] == {"Patient": 1, "QuestionnaireResponse": 1}
    assert Assessment.objects.count() == 1 and Patient.objects.count() == 1
