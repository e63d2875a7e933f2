"""New facts after signing raise a 'screening out of date' alert, in the same transaction as the fact."""

from __future__ import annotations

import pytest
from django.db import transaction

from remit.alerts.models import Alert
from remit.patients import actions as patients
from remit.patients.models import Diagnosis
from remit.screening.tests.conftest import draft, signed


def alerts(patient):
    return Alert.objects.filter(patient=patient, kind="screening_out_of_date")


def test_a_diagnosis_added_after_signing_raises_the_alert(world, patient):
    screening = signed(world, patient)
    patients.add_diagnosis(world.users["nurse"], patient, {"code": "F16.20", "status": "active"})
    alert = alerts(patient).get()
    assert alert.severity == "medium"
    assert "F16.20" in alert.reason
    assert alert.dedupe_key.endswith(f"screening-out-of-date-{screening.pk}")
    patients.add_diagnosis(world.users["nurse"], patient, {"code": "F41.1", "status": "active"})
    assert alerts(patient).count() == 1  # deduplicated while open


def test_a_diagnosis_before_any_signed_screening_raises_nothing(world, patient):
    draft(world, patient)
    patients.add_diagnosis(world.users["nurse"], patient, {"code": "F16.20", "status": "active"})
    assert not alerts(patient).exists()


def test_the_alert_and_the_diagnosis_commit_together(world, patient):
    signed(world, patient)
    with pytest.raises(RuntimeError), transaction.atomic():
        patients.add_diagnosis(world.users["nurse"], patient, {"code": "F16.20", "status": "active"})
        raise RuntimeError("the write fails later")
    assert not Diagnosis.objects.exists()
    assert not alerts(patient).exists()


def test_a_positive_dast10_after_signing_raises_the_alert(world, patient):
    from remit.measures.actions_assessments import record_assessment

    signed(world, patient)
    record_assessment(
        patient=patient, instrument="dast10", answers={f"q{i}": 1 for i in range(1, 11)}, respondent="patient"
    )
    assert "DAST-10" in alerts(patient).get().reason


def test_a_negative_dast10_raises_nothing(world, patient):
    from remit.measures.actions_assessments import record_assessment

    signed(world, patient)
    answers = {f"q{i}": 0 for i in range(1, 11)} | {"q3": 1}
    record_assessment(patient=patient, instrument="dast10", answers=answers, respondent="patient")
    assert not alerts(patient).exists()


def test_a_positive_auditc_after_signing_raises_the_alert(world, patient):
    from remit.measures.actions_assessments import record_assessment

    signed(world, patient)
    record_assessment(
        patient=patient,
        instrument="auditc",
        answers={"q1": 4, "q2": 4, "q3": 4},
        respondent="patient",
        sex="male",
    )
    assert "AUDIT-C" in alerts(patient).get().reason
