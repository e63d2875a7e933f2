"""Remit's own exported Questionnaires read back as their instrument (export and reader agree)."""

from __future__ import annotations

from remit.core.instruments.questionnaire import match_instrument
from remit.fhir.mapping import instrument_questionnaire


def test_our_own_questionnaire_maps_by_its_canonical_url_and_link_ids():
    match = match_instrument(instrument_questionnaire("cadss"))
    assert match is not None
    assert (match.code, match.matched_by) == ("cadss", "canonical_url")
    assert match.item_map == {f"q{n}": f"q{n}" for n in range(1, 24)}
    assert match.total_link_id == "total"


def test_our_questionnaire_under_another_url_maps_by_remits_instrument_code():
    questionnaire = instrument_questionnaire("gad7", canonical_base="https://other.example/Questionnaire")
    match = match_instrument(questionnaire)
    assert match is not None
    assert (match.code, match.matched_by) == ("gad7", "instrument_code")
