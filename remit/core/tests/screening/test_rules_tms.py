"""TMS safety screening rules (IFCN questionnaire)."""

from __future__ import annotations

import pytest

from remit.core.tests.screening.intakes import decisions, eligible_doc, expect, fired, results, with_


@pytest.mark.parametrize(
    "item",
    ["metal_in_head", "cochlear_implant", "implanted_stimulator", "cardiac_device"],
)
def test_absolute_tms_items_contraindicate_tms_only(item: str) -> None:
    """IFCN summary: metal in the head, intracardiac lines [V2]; VERIFY checklist: cochlear implant, DBS,
    cortical stimulator absolute [V2] (clinical-reference 5)."""
    doc = with_(tms_safety={item: True})
    assert decisions(doc) == expect("eligible", tms="contraindicated")
    assert fired(doc)["tms"] == {f"tms_{item}"}


@pytest.mark.parametrize(
    "item",
    [
        "medication_pump",
        "seizure_history",
        "epilepsy_family_history",
        "head_injury_loss_of_consciousness",
        "seizure_threshold_medication",
        "sleep_deprivation",
    ],
)
def test_relative_tms_items_need_the_physicians_call(item: str) -> None:
    """Rossi 2009/2011: a Yes to Q1-13 is not an absolute contraindication but needs a physician's
    risk/benefit call [V] (clinical-reference 5, 8); seizure risk factors (Dobek 2015; Stultz 2020) [V2]."""
    doc = with_(tms_safety={item: True})
    assert decisions(doc) == expect("eligible", tms="caution")
    assert fired(doc)["tms"] == {f"tms_{item}"}


@pytest.mark.parametrize("name", ["bupropion", "clozapine", "Wellbutrin XL"])
def test_a_listed_seizure_threshold_medicine_counts_even_if_the_patient_said_no(name: str) -> None:
    """Seizure-threshold-lowering drugs, e.g. bupropion, clozapine (Dobek 2015; Stultz 2020) [V2]
    (clinical-reference 5)."""
    doc = with_(medications=[{"name": name, "daily_dose_mg": 300}])
    assert decisions(doc)["tms"] == "caution"
    assert fired(doc)["tms"] == {"tms_seizure_threshold_medication"}


def test_an_active_alcohol_use_disorder_is_a_tms_caution() -> None:
    """Alcohol use/withdrawal as a TMS seizure risk factor (Dobek 2015; Stultz 2020) [V2] (clinical-reference 5)."""
    doc = with_(diagnoses=[{"code": "F10.20", "status": "active"}])
    assert decisions(doc)["tms"] == "caution"
    assert fired(doc)["tms"] == {"tms_alcohol_misuse"}


@pytest.mark.parametrize(
    "item",
    [
        "metal_in_head",
        "cochlear_implant",
        "implanted_stimulator",
        "cardiac_device",
        "medication_pump",
        "seizure_history",
        "epilepsy_family_history",
        "head_injury_loss_of_consciousness",
        "seizure_threshold_medication",
        "sleep_deprivation",
    ],
)
def test_an_unanswered_tms_item_makes_tms_incomplete_and_leaves_ketamine_alone(item: str) -> None:
    """Screening fail-safe; the IFCN questionnaire must be answered (Rossi 2009) (clinical-reference 5)."""
    doc = eligible_doc()
    del doc["tms_safety"][item]
    result = results(doc)
    assert result["tms"].decision == "incomplete"
    assert result["tms"].missing == (f"tms_safety.{item}",)
    assert result["ketamine_iv"].decision == "eligible"


def test_a_known_tms_contraindication_stands_when_other_answers_are_missing() -> None:
    """Precedence: absolute beats incomplete; the missing answers are still listed."""
    doc = eligible_doc()
    doc["tms_safety"] = {"cochlear_implant": True}
    result = results(doc)
    assert result["tms"].decision == "contraindicated"
    assert "tms_safety.metal_in_head" in result["tms"].missing
