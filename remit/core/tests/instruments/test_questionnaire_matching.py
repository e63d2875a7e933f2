"""Mapping other teams' Questionnaires onto Remit's instruments and items."""

from __future__ import annotations

import copy

from remit.core.instruments.questionnaire import match_instrument
from remit.core.tests.instruments.helpers import load_fhir_sample
from remit.core.tests.instruments.questionnaire_samples import sleep_questionnaire

PHQ9_ITEMS = {
    "/44250-9": "q1",
    "/44255-8": "q2",
    "/44259-0": "q3",
    "/44254-1": "q4",
    "/44251-7": "q5",
    "/44258-2": "q6",
    "/44252-5": "q7",
    "/44253-3": "q8",
    "/44260-8": "q9",
    "/69722-7": "q10",
}


def test_the_us_core_phq9_maps_onto_phq9_by_its_loinc_panel() -> None:
    match = match_instrument(load_fhir_sample("us-core-Questionnaire-phq-9-example.json"))
    assert match is not None
    assert (match.code, match.matched_by) == ("phq9", "loinc_panel")
    assert match.item_map == PHQ9_ITEMS
    assert match.total_link_id == "/44261-6"
    assert match.unmapped_items == ()
    assert match.unrecognised_link_ids == ()


def test_the_lhc_forms_phq9_maps_onto_phq9_all_nine_scored_items_and_item_10() -> None:
    questionnaire = load_fhir_sample("lhc-forms-phq9-questionnaire.json")
    assert "url" not in questionnaire  # LHC-Forms writes no canonical URL: the LOINC panel decides
    match = match_instrument(questionnaire)
    assert match is not None
    assert (match.code, match.matched_by) == ("phq9", "loinc_panel")
    assert sorted(match.item_map.values(), key=lambda i: int(i[1:])) == [f"q{n}" for n in range(1, 11)]
    assert match.item_map == PHQ9_ITEMS
    assert match.total_link_id == "/44261-6"  # its calculatedExpression item is the total, not an answer


def test_items_without_codes_fall_back_to_order_when_their_answer_scores_fit() -> None:
    questionnaire = load_fhir_sample("lhc-forms-phq9-questionnaire.json")
    stripped = copy.deepcopy(questionnaire)
    for number, item in enumerate(stripped["item"], start=1):
        item["linkId"] = f"item-{number}"
        if item["code"][0]["code"] != "44261-6":
            del item["code"]
    match = match_instrument(stripped)
    assert match is not None
    # Items 1-9 carry ordinals 0-3 and map by order; item 10 has no ordinals and no code, so stays unmapped.
    assert match.item_map == {f"item-{n}": f"q{n}" for n in range(1, 10)}
    assert match.unmapped_items == ("q10",)
    assert match.total_link_id == "item-10"


def test_the_audit_c_sample_maps_onto_auditc_without_claiming_its_different_first_question() -> None:
    match = match_instrument(load_fhir_sample("us-core-Questionnaire-AUDIT-C.json"))
    assert match is not None
    assert (match.code, match.matched_by) == ("auditc", "loinc_panel")
    assert match.item_map == {"/68519-8": "q2", "/68520-6": "q3"}
    assert match.total_link_id == "/75626-2"
    # US Core's 68517-2 ("X or more drinks in a day") is not AUDIT-C question 1 (frequency of drinking).
    assert match.unmapped_items == ("q1",)
    assert match.unrecognised_link_ids == ("/68517-2",)


def test_a_questionnaire_that_is_no_instrument_matches_nothing() -> None:
    assert match_instrument(sleep_questionnaire()) is None
