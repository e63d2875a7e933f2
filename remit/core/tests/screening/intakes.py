"""Hand-built intake documents for the screening tests."""

from __future__ import annotations

import copy
from typing import Any

from remit.core.screening import ScreeningSettings, evaluate, parse_intake
from remit.core.screening.settings import DEFAULT_SETTINGS


def eligible_doc() -> dict[str, Any]:
    """A complete intake with nothing that any rule flags: every modality is eligible.

    It carries a low-dose benzodiazepine (clonazepam 0.5 mg = diazepam 10 mg)
    so that the benzodiazepine dose is a fact that can go missing.
    """
    return {
        "age": 45,
        "sex": "female",
        "pregnant": False,
        "breastfeeding": False,
        "weight_kg": 70.0,
        "blood_pressure": {"systolic": 128, "diastolic": 80},
        "diagnoses": [{"code": "F33.2", "status": "active"}, {"code": "F41.1", "status": "active"}],
        "medications": [
            {"name": "sertraline", "daily_dose_mg": 100},
            {"name": "clonazepam", "daily_dose_mg": 0.5},
        ],
        "allergies": ["penicillin"],
        "hypersensitivity_ketamine": False,
        "bipolar_current_mania_or_psychosis": False,
        "vascular": {
            "aneurysmal_vascular_disease": False,
            "arteriovenous_malformation": False,
            "intracerebral_haemorrhage_history": False,
            "raised_intracranial_pressure": False,
        },
        "screens": {"auditc": [1, 1, 0], "dast10": [0, 0, 1, 0, 0, 0, 0, 0, 0, 0]},
        "tms_safety": {
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
        },
    }


def merged(base: dict[str, Any], changes: dict[str, Any]) -> dict[str, Any]:
    """``base`` with ``changes`` laid over it; nested objects merge, everything else is replaced."""
    out = copy.deepcopy(base)
    for key, value in changes.items():
        if isinstance(value, dict) and isinstance(out.get(key), dict):
            out[key] = merged(out[key], value)
        else:
            out[key] = copy.deepcopy(value)
    return out


def with_(**changes: Any) -> dict[str, Any]:
    return merged(eligible_doc(), changes)


def without(doc: dict[str, Any], *paths: str) -> dict[str, Any]:
    """``doc`` with the dotted key paths removed."""
    out = copy.deepcopy(doc)
    for path in paths:
        *parents, last = path.split(".")
        node = out
        for part in parents:
            node = node[part]
        node.pop(last, None)
    return out


def results(doc: dict[str, Any], settings: ScreeningSettings = DEFAULT_SETTINGS) -> dict[str, Any]:
    return evaluate(parse_intake(doc), settings)


def decisions(doc: dict[str, Any], settings: ScreeningSettings = DEFAULT_SETTINGS) -> dict[str, str]:
    return {modality: result.decision for modality, result in results(doc, settings).items()}


def fired(doc: dict[str, Any], settings: ScreeningSettings = DEFAULT_SETTINGS) -> dict[str, set[str]]:
    return {
        modality: {reason.rule for reason in result.reasons}
        for modality, result in results(doc, settings).items()
    }


def expect(ketamine: str, esketamine: str | None = None, tms: str = "eligible") -> dict[str, str]:
    """Expected decisions; IV and IM ketamine always share one."""
    return {
        "ketamine_iv": ketamine,
        "ketamine_im": ketamine,
        "esketamine": ketamine if esketamine is None else esketamine,
        "tms": tms,
    }
