"""A Questionnaire that matches no built-in becomes a new sum-scored instrument."""

from __future__ import annotations

import pytest

from remit.core.instruments import AnswerError, score
from remit.core.instruments.questionnaire import (
    QuestionnaireError,
    questionnaire_to_instrument,
    score_response,
)
from remit.core.tests.instruments.questionnaire_samples import ORDINAL, sleep_questionnaire, sleep_response


def test_it_keeps_the_scored_items_their_ordinals_and_codes() -> None:
    instrument = questionnaire_to_instrument(sleep_questionnaire())
    assert instrument.code == "sleepmini"
    assert instrument.name == "Sleep mini scale (made up for tests)"
    assert instrument.version == "2.1"
    assert [item.id for item in instrument.items] == ["q1", "q2", "q3"]
    assert [item.text for item in instrument.items] == [
        "Trouble falling asleep",
        "Waking at night",
        "Daytime naps",
    ]
    assert [[o.value for o in item.options] for item in instrument.items] == [[0, 1, 2], [0, 1, 2, 3], [0, 1]]
    assert [item.conditional for item in instrument.items] == [False, False, True]
    assert (instrument.total_min, instrument.total_max) == (0, 6)
    assert instrument.bands == ()
    assert instrument.sources == (
        "Imported from FHIR Questionnaire http://example.org/fhir/Questionnaire/sleep-mini",
    )


def test_it_scores_by_sum_and_is_valid_when_every_required_item_is_answered() -> None:
    instrument = questionnaire_to_instrument(sleep_questionnaire())
    result = score(instrument, {"q1": 2, "q2": 3, "q3": None})
    assert (result.valid, result.total, result.band) == (True, 5, None)
    missing = score(instrument, {"q1": 2, "q2": None, "q3": 1})
    assert (missing.valid, missing.total, missing.missing) == (False, None, ("q2",))
    with pytest.raises(AnswerError):
        score(instrument, {"q1": 9})


def test_a_response_to_it_scores_with_remits_sum_and_compares_the_incoming_total() -> None:
    questionnaire = sleep_questionnaire()
    instrument = questionnaire_to_instrument(questionnaire)
    scored = score_response(questionnaire, sleep_response(1, 2, 1, total=4), instrument=instrument)
    assert scored.read.answers == {"q1": 1, "q2": 2, "q3": 1}
    assert scored.read.ignored_link_ids == ("comment",)
    assert scored.result.total == 4
    assert scored.mismatch is None
    wrong = score_response(questionnaire, sleep_response(1, 2, 1, total=5), instrument=instrument)
    assert wrong.mismatch is not None and wrong.mismatch.remit_total == 4


def test_a_questionnaire_without_ordinal_values_is_refused() -> None:
    questionnaire = sleep_questionnaire()
    for item in [
        questionnaire["item"][1]["item"][0],
        questionnaire["item"][1]["item"][1],
        questionnaire["item"][2],
    ]:
        for option in item["answerOption"]:
            option.pop("extension")
    with pytest.raises(QuestionnaireError, match="ordinal"):
        questionnaire_to_instrument(questionnaire)


def test_two_answers_with_the_same_ordinal_are_refused() -> None:
    questionnaire = sleep_questionnaire()
    questionnaire["item"][2]["answerOption"][1]["extension"] = [{"url": ORDINAL, "valueDecimal": 0}]
    with pytest.raises(QuestionnaireError) as error:
        questionnaire_to_instrument(questionnaire)
    assert error.value.path == "Questionnaire.item[2].answerOption"


def test_a_built_in_code_cannot_be_taken() -> None:
    with pytest.raises(QuestionnaireError, match="already an instrument"):
        questionnaire_to_instrument(sleep_questionnaire(), code="phq9")


def test_an_explicit_code_must_have_remits_shape() -> None:
    with pytest.raises(QuestionnaireError, match="lower-case"):
        questionnaire_to_instrument(sleep_questionnaire(), code="Sleep Scale")
