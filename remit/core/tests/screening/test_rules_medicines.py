"""Allergy and concomitant-medicine rules."""

from __future__ import annotations

import pytest

from remit.core.screening import ScreeningSettings
from remit.core.screening.medications import diazepam_equivalent_mg, in_class
from remit.core.tests.screening.intakes import decisions, eligible_doc, expect, fired, results, with_


def meds(*medications: dict[str, object]) -> dict[str, object]:
    return {"medications": [{"name": "sertraline", "daily_dose_mg": 100}, *medications]}


@pytest.mark.parametrize("allergy", ["ketamine", "Esketamine (anaphylaxis)", "KETAMINE - rash"])
def test_a_ketamine_allergy_contraindicates_ketamine_and_esketamine(allergy: str) -> None:
    """Spravato contraindication: hypersensitivity to esketamine or ketamine [V] (clinical-reference 4)."""
    doc = with_(allergies=["penicillin", allergy], hypersensitivity_ketamine=None)
    assert decisions(doc) == expect("contraindicated")
    assert fired(doc)["esketamine"] == {"hypersensitivity_ketamine"}


def test_an_explicit_hypersensitivity_answer_contraindicates_even_without_an_allergy_list() -> None:
    """Spravato contraindication [V] (clinical-reference 4): a known contraindication stands."""
    doc = with_(hypersensitivity_ketamine=True)
    del doc["allergies"]
    assert decisions(doc) == expect("contraindicated")


def test_hypersensitivity_is_unknown_only_when_neither_allergies_nor_the_answer_is_given() -> None:
    """Screening fail-safe."""
    doc = eligible_doc()
    del doc["hypersensitivity_ketamine"]
    assert decisions(doc) == expect("eligible")
    del doc["allergies"]
    result = results(doc)
    assert result["esketamine"].decision == "incomplete"
    assert result["esketamine"].missing == ("hypersensitivity_ketamine",)


@pytest.mark.parametrize(
    "name", ["phenelzine", "tranylcypromine", "isocarboxazid", "selegiline", "Emsam patch"]
)
def test_an_maoi_is_a_caution_for_ketamine_and_esketamine(name: str) -> None:
    """Spravato interactions: MAOIs raise BP [V] (clinical-reference 4); trial exclusion (PMC6884875,
    PMC10812090) [V] (clinical-reference 3)."""
    doc = with_(**meds({"name": name, "daily_dose_mg": 15}))
    assert decisions(doc) == expect("caution")
    assert fired(doc)["esketamine"] == {"maoi"}


@pytest.mark.parametrize("name", ["methylphenidate", "lisdexamfetamine", "Adderall XR", "modafinil"])
def test_a_psychostimulant_is_a_caution_for_ketamine_and_esketamine(name: str) -> None:
    """Spravato interactions: psychostimulants raise BP [V] (clinical-reference 4)."""
    doc = with_(**meds({"name": name, "daily_dose_mg": 20}))
    assert decisions(doc) == expect("caution")
    assert fired(doc)["esketamine"] == {"psychostimulant"}


def test_benzodiazepines_above_the_high_dose_limit_are_a_caution() -> None:
    """Trial exclusion: benzodiazepines > ~2-3 mg lorazepam-equivalent/day (PMC6884875, PMC10812090) [V]
    (clinical-reference 3); limit is a clinic setting, example 20 mg diazepam."""
    doc = with_(**meds({"name": "lorazepam", "daily_dose_mg": 3}))
    assert decisions(doc) == expect("caution")
    assert fired(doc)["ketamine_iv"] == {"benzodiazepine_high_dose"}
    assert decisions(doc, ScreeningSettings(benzodiazepine_high_dose_diazepam_mg=40)) == expect("eligible")


def test_benzodiazepine_doses_add_up_in_diazepam_equivalents() -> None:
    """PMC6884875, PMC10812090 limit the daily total [V]; equivalents after Ashton 2002 [UNVERIFIED]."""
    at_limit = meds({"name": "clonazepam", "daily_dose_mg": 0.5}, {"name": "lorazepam", "daily_dose_mg": 1})
    assert decisions(with_(**at_limit)) == expect("eligible")
    above = meds({"name": "clonazepam", "daily_dose_mg": 0.5}, {"name": "lorazepam", "daily_dose_mg": 1.5})
    assert decisions(with_(**above)) == expect("caution")
    assert diazepam_equivalent_mg("lorazepam", 1) == pytest.approx(10)
    assert diazepam_equivalent_mg("sertraline", 100) is None


def test_a_benzodiazepine_without_a_dose_leaves_ketamine_incomplete() -> None:
    """Screening fail-safe: the high-dose rule (PMC6884875) cannot be ruled out without the dose."""
    result = results(with_(**meds({"name": "alprazolam"})))
    assert result["ketamine_iv"].decision == "incomplete"
    assert result["ketamine_iv"].missing == ("medications.daily_dose_mg",)
    assert result["tms"].decision == "eligible"


@pytest.mark.parametrize(
    "name", ["naltrexone", "naltrexone ER injection", "nalmefene", "olanzapine/samidorphan"]
)
def test_an_opioid_antagonist_is_a_caution_because_it_may_block_ketamines_effect(name: str) -> None:
    """Williams 2018, AJP: naltrexone blocked IV ketamine's antidepressant effect [V] (clinical-reference 3)."""
    doc = with_(**meds({"name": name, "daily_dose_mg": 50}))
    assert decisions(doc) == expect("caution")
    assert fired(doc)["ketamine_iv"] == {"opioid_antagonist"}


def test_medicine_names_match_whole_words_only() -> None:
    """The class tables match a generic or brand name as a word, so similar names do not match."""
    assert in_class("Naltrexone 50 mg", "opioid_antagonist")
    assert not in_class("naloxone", "opioid_antagonist")
    assert not in_class("amphetamines-free", "psychostimulant")


def test_unknown_medications_leave_ketamine_incomplete() -> None:
    """Screening fail-safe."""
    doc = eligible_doc()
    del doc["medications"]
    result = results(doc)
    assert result["esketamine"].decision == "incomplete"
    assert result["esketamine"].missing == ("medications",)
