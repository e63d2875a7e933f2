"""record_assessment: scored by the engine, stored, audited and alerted in one transaction."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from remit.alerts.models import Alert
from remit.audit.models import AuditEvent
from remit.measures import actions_assessments
from remit.measures.models import Assessment
from remit.testing import make_patient

PHQ9 = {f"q{i}": 1 for i in range(1, 10)}


def record(patient, instrument, answers, **kwargs):
    return actions_assessments.record_assessment(
        patient=patient, instrument=instrument, answers=answers, respondent="patient", **kwargs
    )


def test_it_stores_the_engines_result(world):
    patient = make_patient(world.clinic)
    a = record(patient, "qids_sr16", {f"q{i}": 1 for i in range(1, 17)})
    assert a.valid and a.total == 9 and a.band == "mild" and a.instrument_version == "1.0"
    assert a.answers["q1"] == 1


def test_an_incomplete_form_is_stored_invalid_with_its_missing_items(world):
    patient = make_patient(world.clinic)
    a = record(patient, "phq9", {"q1": 1, "q9": 2})
    assert not a.valid and a.total is None and "q2" in a.missing
    assert a.flags == ["suicidal_ideation"]
    assert Alert.objects.get().kind == "suicidal_ideation"  # flags are raised even on an incomplete form


def test_an_out_of_range_answer_is_a_validation_error_naming_the_item(world):
    patient = make_patient(world.clinic)
    before = AuditEvent.objects.count()
    with pytest.raises(ValidationError) as error:
        record(patient, "phq9", PHQ9 | {"q3": 4})
    assert error.value.message_dict == {"q3": ["4 is out of range 0–3"]}
    assert Assessment.objects.count() == 0 and AuditEvent.objects.count() == before


def test_qids_item_12_raises_the_suicidal_ideation_alert(world):
    patient = make_patient(world.clinic)
    record(patient, "qids_sr16", {f"q{i}": 0 for i in range(1, 17)} | {"q12": 1})
    alert = Alert.objects.get()
    assert (alert.kind, alert.severity) == ("suicidal_ideation", "high")
    assert "item 12" in alert.reason


@pytest.mark.parametrize(
    ("answers", "expected"),
    [
        ({"q1": 1, "q2": 0, "q6": 0}, {"cssrs_risk": "low"}),
        ({"q1": 0, "q2": 0, "q6": 1, "q6_recent": 0}, {"cssrs_risk": "medium", "suicidal_ideation": "high"}),
        (
            {"q1": 1, "q2": 1, "q3": 0, "q4": 0, "q5": 1, "q6": 0},
            {"cssrs_risk": "high", "suicidal_ideation": "high"},
        ),
        ({"q1": 0, "q2": 0, "q6": 0}, {}),
    ],
)
def test_cssrs_risk_levels_raise_alerts_of_matching_severity(world, answers, expected):
    patient = make_patient(world.clinic)
    record(patient, "cssrs_screen", answers)
    assert dict(Alert.objects.values_list("kind", "severity")) == expected


def test_auditc_uses_the_sex_given(world):
    patient = make_patient(world.clinic)
    answers = {"q1": 1, "q2": 1, "q3": 1}
    assert record(patient, "auditc", answers, sex="female").band == "positive"
    assert record(patient, "auditc", answers, sex="male").band == "negative"


def test_it_refuses_a_voided_patient(world):
    from django.utils import timezone

    patient = make_patient(world.clinic, voided_at=timezone.now())
    with pytest.raises(ValidationError):
        record(patient, "phq9", PHQ9)


def test_voiding_keeps_the_assessment_with_its_reason(world):
    patient = make_patient(world.clinic)
    a = record(patient, "phq9", PHQ9)
    with pytest.raises(ValidationError):
        actions_assessments.void_assessment(world.users["nurse"], a, "  ")
    actions_assessments.void_assessment(world.users["nurse"], a, "wrong patient")
    a.refresh_from_db()
    assert a.is_voided and a.void_reason == "wrong patient" and a.voided_by == world.users["nurse"]
    assert AuditEvent.objects.filter(action="void", object_id=str(a.pk)).count() == 1
