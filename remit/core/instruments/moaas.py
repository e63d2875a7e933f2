"""MOAA/S: Modified Observer's Assessment of Alertness/Sedation (clinical-reference 8).

A single observer rating, 0-5. Whether a rating counts as sedation depends on
the patient's pre-dose value and is decided by the session module; this rule
only flags 0, which is loss of consciousness.
"""

from __future__ import annotations

from remit.core.instruments.model import Instrument, Item, Option
from remit.core.instruments.rules import (
    Answers,
    Context,
    Outcome,
    flags_in_order,
    required_missing,
)

SOURCE = (
    "Spravato label (adverse reactions; 5.1); BMC Anesthesiology 2022, s12871-022-01788-1, "
    "Table 2 (clinical-reference 8) [V]"
)

INSTRUMENT = Instrument(
    code="moaas",
    name="Modified Observer's Assessment of Alertness/Sedation (MOAA/S)",
    version="1.0",
    respondent="clinician",
    recall_period="at the time of assessment",
    items=(
        Item(
            id="score",
            label="Responsiveness",
            options=(
                Option(0, "No response to painful trapezius squeeze"),
                Option(1, "Responds only after painful trapezius squeeze"),
                Option(2, "Responds only after mild prodding or shaking"),
                Option(3, "Responds only after name is called loudly and/or repeatedly"),
                Option(4, "Lethargic response to name spoken in normal tone"),
                Option(5, "Responds readily to name spoken in normal tone"),
            ),
        ),
    ),
    total_min=0,
    total_max=5,
    bands=(),
    loinc_panel=None,
    loinc_total=None,  # [UNVERIFIED]
    licence="Observer rating; anchors as published in the Spravato label and BMC Anesthesiology 2022.",
    wording_licensed=False,
    sources=(
        SOURCE,
        "Any fall from the pre-dose value is sedation (decided by the session module); 0 is loss of "
        "consciousness: " + SOURCE,
    ),
)

LOSS_OF_CONSCIOUSNESS = 0


def rule(instrument: Instrument, answers: Answers, _context: Context) -> Outcome:
    missing = required_missing(instrument, answers)
    value = answers.get("score")
    flags = flags_in_order(("loss_of_consciousness", value == LOSS_OF_CONSCIOUSNESS))
    return Outcome(total=value, band=None, flags=flags, missing=missing)
