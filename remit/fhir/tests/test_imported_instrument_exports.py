"""An instrument imported from a Questionnaire is stored as JSON and exported as valid FHIR that reads back."""

from __future__ import annotations

from remit.core.instruments.codec import instrument_from_json, instrument_to_json
from remit.core.instruments.questionnaire import questionnaire_to_instrument, score_response
from remit.core.tests.instruments.questionnaire_samples import sleep_questionnaire
from remit.fhir.mapping import instrument_questionnaire, questionnaire_response
from remit.fhir.mapping.data import AssessmentData
from remit.fhir.tests.helpers import AT, validate_r4b


def test_the_definition_survives_json_and_exports_as_a_valid_questionnaire():
    instrument = questionnaire_to_instrument(sleep_questionnaire())
    assert instrument_from_json(instrument_to_json(instrument)) == instrument
    questionnaire = instrument_questionnaire(instrument)
    validate_r4b(questionnaire)
    response = questionnaire_response(
        AssessmentData(
            id=1,
            patient_id=2,
            instrument_code=instrument.code,
            answers={"q1": 1, "q2": 0},
            taken_at=AT,
            total=1,
        ),
        instrument=instrument,
    )
    validate_r4b(response)
    scored = score_response(questionnaire, response, instrument=instrument)
    assert scored.read.answers == {"q1": 1, "q2": 0, "q3": None}
    assert scored.result.total == 1
