"""Questionnaire per instrument: LOINC codes, ordinal values, wording only where allowed."""

from __future__ import annotations

import pytest

from remit.core.fhir_systems import INSTRUMENT_SYSTEM, LOINC, ORDINAL_VALUE
from remit.core.instruments import INSTRUMENTS, get_instrument
from remit.fhir.mapping import canonical_url, instrument_questionnaire, questionnaire_for_canonical
from remit.fhir.tests.helpers import validate_r4b


def ordinal(option):
    return next(e["valueDecimal"] for e in option.get("extension", []) if e["url"] == ORDINAL_VALUE)


@pytest.mark.parametrize("code", sorted(INSTRUMENTS))
def test_every_instruments_questionnaire_validates_against_r4b(code):
    questionnaire = instrument_questionnaire(code)
    validate_r4b(questionnaire)
    instrument = get_instrument(code)
    assert questionnaire["url"] == f"https://remit.invalid/fhir/Questionnaire/{code}"
    assert questionnaire["version"] == instrument.version
    assert questionnaire["status"] == "active"
    assert [item["linkId"] for item in questionnaire["item"]] == [*instrument.item_ids, "total"]
    assert {"system": INSTRUMENT_SYSTEM, "code": code, "display": instrument.name} in questionnaire["code"]


def test_phq9_carries_loinc_panel_item_answer_and_total_codes():
    questionnaire = instrument_questionnaire("phq9")
    assert questionnaire["code"][0] == {"system": LOINC, "code": "44249-1"}
    items = {item["linkId"]: item for item in questionnaire["item"]}
    assert items["q1"]["code"] == [{"system": LOINC, "code": "44250-9"}]
    assert items["q9"]["code"] == [{"system": LOINC, "code": "44260-8"}]
    assert items["q10"]["code"] == [{"system": LOINC, "code": "69722-7"}]
    options = items["q1"]["answerOption"]
    assert [o["valueCoding"]["code"] for o in options] == ["LA6568-5", "LA6569-3", "LA6570-1", "LA6571-9"]
    assert [ordinal(o) for o in options] == [0, 1, 2, 3]
    assert items["q1"]["required"] is True
    total = items["total"]
    assert total["code"] == [{"system": LOINC, "code": "44261-6"}]
    assert total["readOnly"] is True
    assert total["type"] == "integer"


def test_the_unscored_item_has_no_ordinal_values():
    items = {item["linkId"]: item for item in instrument_questionnaire("phq9")["item"]}
    assert items["q10"]["required"] is False
    assert all("extension" not in option for option in items["q10"]["answerOption"])


def test_reverse_scored_answers_carry_their_points_not_their_stored_value():
    dast = get_instrument("dast10")
    reversed_items = [item for item in dast.items if any(o.points is not None for o in item.options)]
    assert reversed_items, "DAST-10 has a reverse-scored item"
    item = reversed_items[0]
    entry = next(i for i in instrument_questionnaire("dast10")["item"] if i["linkId"] == item.id)
    assert [ordinal(o) for o in entry["answerOption"]] == [item.points_for(o.value) for o in item.options]


def test_free_wording_is_shipped():
    items = {item["linkId"]: item for item in instrument_questionnaire("phq9")["item"]}
    assert items["q1"]["text"] == get_instrument("phq9").item("q1").text


def test_licensed_wording_is_never_emitted_only_the_label():
    auditc = get_instrument("auditc")
    assert auditc.wording_licensed
    items = {item["linkId"]: item for item in instrument_questionnaire("auditc")["item"]}
    for item in auditc.items:
        assert items[item.id]["text"] == item.label


def test_wording_the_clinic_loaded_is_used():
    questionnaire = instrument_questionnaire("auditc", wording={"q2": "Clinic wording for item 2"})
    items = {item["linkId"]: item for item in questionnaire["item"]}
    assert items["q2"]["text"] == "Clinic wording for item 2"
    assert items["q3"]["text"] == get_instrument("auditc").item("q3").label


def test_instruments_without_loinc_codes_use_remits_code_only():
    questionnaire = instrument_questionnaire("cadss")
    assert questionnaire["code"] == [
        {"system": INSTRUMENT_SYSTEM, "code": "cadss", "display": get_instrument("cadss").name}
    ]
    total = questionnaire["item"][-1]
    assert "code" not in total


def test_ids_with_underscores_become_valid_fhir_ids():
    assert instrument_questionnaire("qids_sr16")["id"] == "qids-sr16"


def test_the_canonical_base_is_configurable():
    questionnaire = instrument_questionnaire(
        "gad7", canonical_base="https://clinic.example/fhir/Questionnaire"
    )
    assert questionnaire["url"] == "https://clinic.example/fhir/Questionnaire/gad7"


def test_our_canonical_url_resolves_to_our_questionnaire():
    assert questionnaire_for_canonical(canonical_url("phq9") + "|1.0") == instrument_questionnaire("phq9")
    assert questionnaire_for_canonical("https://remit.invalid/fhir/Questionnaire/nope") is None
    assert questionnaire_for_canonical("http://hl7.org/fhir/us/core/Questionnaire/phq-9-example") is None
