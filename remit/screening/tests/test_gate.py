"""The gate the treatment app calls before a course starts: check_gate(patient, modality, on=None)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from remit.screening import actions
from remit.screening.actions import Choice
from remit.screening.gate import GateResult, check_gate
from remit.screening.tests.conftest import TMS_NO, complete_doc, draft, signed

SCHIZOPHRENIA = complete_doc(diagnoses=[{"code": "F20.9", "status": "active"}])
SEIZURES = complete_doc(tms_safety={**TMS_NO, "seizure_history": True})


def test_eligible_and_accepted_is_allowed(world, patient):
    screening = signed(world, patient)
    result = check_gate(patient, "tms")
    assert isinstance(result, GateResult)
    assert result.allowed and result.screening == screening
    assert "eligible" in result.reason


def test_contraindicated_is_refused_with_the_reason(world, patient):
    signed(world, patient, SCHIZOPHRENIA)
    result = check_gate(patient, "ketamine_iv")
    assert not result.allowed
    assert result.reason.startswith(
        "Ketamine (IV) is contraindicated: Schizophrenia spectrum or other psychotic disorder"
    )
    today = timezone.localdate().isoformat()
    assert f"Signed by Prescriber Persona on {today}." in result.reason


def test_an_override_with_a_reason_is_allowed(world, patient):
    signed(
        world,
        patient,
        SCHIZOPHRENIA,
        ketamine_iv=Choice("overridden", "Remote single episode, psychiatrist agrees"),
    )
    result = check_gate(patient, "ketamine_iv")
    assert result.allowed
    assert "Remote single episode, psychiatrist agrees" in result.reason
    assert not check_gate(patient, "ketamine_im").allowed


def test_caution_accepted_is_allowed(world, patient):
    signed(world, patient, SEIZURES)
    result = check_gate(patient, "tms")
    assert result.allowed
    assert "caution accepted" in result.reason


def test_declined_is_refused(world, patient):
    signed(world, patient, tms=Choice("declined", note="patient prefers ketamine"))
    result = check_gate(patient, "tms")
    assert not result.allowed
    assert "declined" in result.reason and "patient prefers ketamine" in result.reason


def test_incomplete_accepted_is_refused_naming_what_is_missing(world, patient):
    doc = complete_doc()
    del doc["blood_pressure"]
    signed(world, patient, doc)
    result = check_gate(patient, "esketamine")
    assert not result.allowed
    assert "incomplete" in result.reason and "Blood pressure" in result.reason
    assert "blood_pressure" not in result.reason


def test_an_expired_screening_is_refused(world, patient):
    screening = signed(world, patient)
    signed_on = timezone.localdate(screening.signed_at)
    assert check_gate(patient, "tms", on=signed_on + timedelta(days=90)).allowed
    result = check_gate(patient, "tms", on=signed_on + timedelta(days=91))
    assert not result.allowed
    assert "expired" in result.reason


def test_the_validity_period_is_the_clinics_setting(world, patient):
    actions.update_settings(
        world.users["clinic_admin"],
        world.clinic,
        {
            "bp_systolic_limit": 140,
            "bp_diastolic_limit": 90,
            "benzodiazepine_high_dose_diazepam_mg": 20,
            "validity_days": 30,
        },
    )
    screening = signed(world, patient)
    signed_on = timezone.localdate(screening.signed_at)
    assert not check_gate(patient, "tms", on=signed_on + timedelta(days=31)).allowed


def test_no_screening_is_refused(world, patient):
    result = check_gate(patient, "tms")
    assert not result.allowed and result.screening is None
    assert "no signed screening" in result.reason


def test_a_draft_or_voided_screening_does_not_count(world, patient):
    draft(world, patient)
    assert not check_gate(patient, "tms").allowed
    screening = signed(world, patient)
    actions.void_screening(world.users["prescriber"], screening, "wrong patient")
    assert not check_gate(patient, "tms").allowed


def test_the_latest_signed_screening_decides(world, patient):
    signed(world, patient)
    signed(world, patient, SEIZURES, tms=Choice("declined"))
    assert not check_gate(patient, "tms").allowed


def test_an_unknown_modality_is_an_error(world, patient):
    with pytest.raises(ValueError):
        check_gate(patient, "ect")
