"""Helpers for the screening app's tests: a complete intake, screenings in each state."""

from __future__ import annotations

import copy
from typing import Any

import pytest

from remit.screening import actions
from remit.screening.actions import Choice

TMS_NO = {
    "metal_in_head": False,
    "cochlear_implant": False,
    "implanted_stimulator": False,
    "cardiac_device": False,
    "medication_pump": False,
    "seizure_history": False,
    "epilepsy_family_history": False,
    "head_injury_loss_of_consciousness": False,
    "seizure_threshold_medication": False,
    "sleep_deprivation": False,
}
VASCULAR_NO = {
    "aneurysmal_vascular_disease": False,
    "arteriovenous_malformation": False,
    "intracerebral_haemorrhage_history": False,
    "raised_intracranial_pressure": False,
}


def complete_doc(**changes: Any) -> dict[str, Any]:
    """An intake document with every fact known and nothing that a rule flags."""
    doc: dict[str, Any] = {
        "age": 45,
        "sex": "female",
        "pregnant": False,
        "breastfeeding": False,
        "weight_kg": 70.0,
        "blood_pressure": {"systolic": 128, "diastolic": 80},
        "diagnoses": [{"code": "F33.2", "status": "active"}],
        "medications": [{"name": "sertraline", "daily_dose_mg": 100}],
        "allergies": [],
        "hypersensitivity_ketamine": False,
        "bipolar_current_mania_or_psychosis": False,
        "vascular": dict(VASCULAR_NO),
        "screens": {"auditc": [1, 1, 0], "dast10": [0, 0, 1, 0, 0, 0, 0, 0, 0, 0]},
        "tms_safety": dict(TMS_NO),
    }
    doc.update(copy.deepcopy(changes))
    return doc


def complete_post(**changes: str) -> dict[str, str]:
    """The intake form filled in to give ``complete_doc()``."""
    data = {
        "age": "45",
        "sex": "female",
        "weight_kg": "70",
        "bp_systolic": "128",
        "bp_diastolic": "80",
        "diagnoses": "F33.2 active",
        "diagnoses_known": "complete",
        "medications": "sertraline 100 mg",
        "medications_known": "complete",
        "allergies": "",
        "allergies_known": "complete",
        "pregnant": "no",
        "breastfeeding": "no",
        "hypersensitivity_ketamine": "no",
        "bipolar_current_mania_or_psychosis": "no",
        "auditc_q1": "1",
        "auditc_q2": "1",
        "auditc_q3": "0",
        "augmentation_used": "unknown",
        "ect_used": "unknown",
    }
    for name in VASCULAR_NO:
        data[f"vascular_{name}"] = "no"
    for name in TMS_NO:
        data[f"tms_{name}"] = "no"
    for i, v in enumerate([0, 0, 1, 0, 0, 0, 0, 0, 0, 0], start=1):
        data[f"dast10_q{i}"] = str(v)
    data.update(changes)
    return data


def draft(world: Any, patient: Any, doc: dict[str, Any] | None = None, **facts: Any) -> Any:
    return actions.create_screening(
        actor=world.users["nurse"], patient=patient, intake=doc or complete_doc(), resistance_facts=facts
    )


def accept_all(screening: Any, **special: Choice) -> dict[str, Choice]:
    choices = {m: Choice("accepted") for m in screening.result}
    choices.update(special)
    return choices


def signed(world: Any, patient: Any, doc: dict[str, Any] | None = None, **special: Choice) -> Any:
    screening = draft(world, patient, doc)
    return actions.sign_screening(
        actor=world.users["prescriber"], screening=screening, choices=accept_all(screening, **special)
    )


def sign_post(screening: Any, **changes: str) -> dict[str, str]:
    data = {f"{m}_decision": "accepted" for m in screening.result}
    data.update(changes)
    return data


@pytest.fixture
def patient(world):
    from remit.testing import make_patient

    return make_patient(world.clinic)
