"""Psychotic and bipolar disorder rules."""

from __future__ import annotations

import pytest

from remit.core.tests.screening.intakes import decisions, eligible_doc, expect, fired, results, with_


def dx(code: str, status: str = "active") -> dict[str, object]:
    return {"diagnoses": [{"code": "F33.2", "status": "active"}, {"code": code, "status": status}]}


@pytest.mark.parametrize("code", ["F20.9", "F20.0", "F21", "F25.1", "F28", "F29"])
def test_schizophrenia_spectrum_f20_f29_contraindicates_ketamine_but_not_tms(code: str) -> None:
    """Psychosis/schizophrenia: exclusion in trial protocols (PMC10812090; PMC6884875) [V]; Spravato label
    "carefully assess patients with psychosis" [V] (clinical-reference 3)."""
    doc = with_(**dx(code))
    assert decisions(doc) == expect("contraindicated")
    assert fired(doc)["ketamine_iv"] == {"psychotic_disorder_f20_f29"}


def test_schizophrenia_in_remission_still_contraindicates_ketamine() -> None:
    """PMC10812090; PMC6884875 exclude psychotic disorders, not only acute psychosis (clinical-reference 3)."""
    assert decisions(with_(**dx("F20.9", "in_remission"))) == expect("contraindicated")


def test_a_resolved_psychotic_episode_is_a_caution() -> None:
    """Spravato label: carefully assess patients with psychosis [V] (clinical-reference 3)."""
    doc = with_(**dx("F23", "resolved"))
    assert decisions(doc) == expect("caution")
    assert fired(doc)["esketamine"] == {"psychotic_disorder_history_f20_f29"}


@pytest.mark.parametrize("code", ["F19.10", "F30.9", "F32.2", "F41.1"])
def test_codes_next_to_f20_f29_are_not_psychotic_disorders(code: str) -> None:
    """The F20-F29 block is exact (ICD-10-CM; clinical-reference 3)."""
    assert "psychotic_disorder_f20_f29" not in fired(with_(**dx(code)))["ketamine_iv"]


@pytest.mark.parametrize("code", ["F30.10", "F31.0", "F31.13", "F31.2", "F31.5", "F31.64"])
def test_bipolar_with_current_mania_or_psychotic_features_contraindicates_ketamine(code: str) -> None:
    """Current mania: exclusion in trial protocols (PMC10812090; PMC6884875) [V] (clinical-reference 3)."""
    doc = with_(**dx(code))
    assert decisions(doc) == expect("contraindicated")
    assert "bipolar_current_mania_or_psychosis" in fired(doc)["esketamine"]


@pytest.mark.parametrize("code", ["F31.32", "F31.4", "F31.75"])
def test_bipolar_depression_without_psychotic_features_is_not_flagged(code: str) -> None:
    """Only current mania or psychosis is the trial exclusion (PMC10812090; PMC6884875) [V]."""
    assert decisions(with_(**dx(code))) == expect("eligible")


def test_bipolar_code_that_does_not_state_the_episode_needs_the_explicit_answer() -> None:
    """Screening fail-safe: F31.9 cannot rule out current mania (PMC10812090; PMC6884875)."""
    doc = with_(**dx("F31.9"))
    del doc["bipolar_current_mania_or_psychosis"]
    result = results(doc)
    assert result["ketamine_iv"].decision == "incomplete"
    assert result["ketamine_iv"].missing == ("bipolar_current_mania_or_psychosis",)
    assert result["tms"].decision == "eligible"
    answered = with_(**dx("F31.81"), bipolar_current_mania_or_psychosis=False)
    assert decisions(answered) == expect("eligible")


def test_an_explicit_current_mania_answer_contraindicates_ketamine() -> None:
    """Current mania: trial exclusion (PMC10812090; PMC6884875) [V] (clinical-reference 3)."""
    assert decisions(with_(bipolar_current_mania_or_psychosis=True)) == expect("contraindicated")


def test_depression_with_psychotic_features_is_a_ketamine_caution() -> None:
    """Spravato label: carefully assess patients with psychosis [V] (clinical-reference 3)."""
    doc = with_(diagnoses=[{"code": "F33.3", "status": "active"}])
    assert decisions(doc) == expect("caution")
    assert fired(doc)["ketamine_im"] == {"depression_with_psychotic_features"}


def test_unknown_diagnoses_leave_every_ketamine_modality_incomplete() -> None:
    """Screening fail-safe: without the diagnosis list no psychiatric rule can be ruled out."""
    doc = eligible_doc()
    del doc["diagnoses"]
    result = results(doc)
    assert result["esketamine"].decision == "incomplete"
    assert "diagnoses" in result["esketamine"].missing
    assert result["tms"].decision == "eligible"


def test_without_a_diagnosis_list_only_the_list_is_reported_missing() -> None:
    """Screening fail-safe: the current-episode question is asked once the diagnoses are known."""
    doc = eligible_doc()
    del doc["diagnoses"], doc["bipolar_current_mania_or_psychosis"]
    assert results(doc)["ketamine_iv"].missing == ("diagnoses",)
