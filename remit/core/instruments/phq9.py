"""PHQ-9: depression, self-report, last 2 weeks (clinical-reference 1.1)."""

from __future__ import annotations

from remit.core.instruments.model import Band, Instrument, Item, Option
from remit.core.instruments.rules import (
    Answers,
    Context,
    Outcome,
    band_for_total,
    flags_in_order,
    present_points,
    required_missing,
    scored_ids,
)

KROENKE = "Kroenke 2001 via pacharanero/clincalc src/calculators/phq9.rs [V]"
US_CORE = "HL7 US Core Questionnaire phq-9-example (item and answer LOINC codes) [V]"

# Answer list and LOINC answer codes as in the US Core PHQ-9 Questionnaire example.
FREQUENCY = (
    Option(0, "Not at all", loinc="LA6568-5"),
    Option(1, "Several days", loinc="LA6569-3"),
    Option(2, "More than half the days", loinc="LA6570-1"),
    Option(3, "Nearly every day", loinc="LA6571-9"),
)

DIFFICULTY = (
    Option(0, "Not difficult at all", loinc="LA6572-7"),
    Option(1, "Somewhat difficult", loinc="LA6573-5"),
    Option(2, "Very difficult", loinc="LA6575-0"),
    Option(3, "Extremely difficult", loinc="LA6574-3"),
)

STEM = "Over the last 2 weeks, how often have you been bothered by any of the following problems?"


def _item(number: int, label: str, text: str, loinc: str) -> Item:
    return Item(id=f"q{number}", label=label, text=text, options=FREQUENCY, loinc=loinc)


INSTRUMENT = Instrument(
    code="phq9",
    name="Patient Health Questionnaire-9 (PHQ-9)",
    version="1.0",
    respondent="patient",
    recall_period="last 2 weeks",
    items=(
        _item(1, "Little interest or pleasure", "Little interest or pleasure in doing things", "44250-9"),
        _item(2, "Feeling down", "Feeling down, depressed, or hopeless", "44255-8"),
        _item(3, "Sleep", "Trouble falling or staying asleep, or sleeping too much", "44259-0"),
        _item(4, "Tiredness", "Feeling tired or having little energy", "44254-1"),
        _item(5, "Appetite", "Poor appetite or overeating", "44251-7"),
        _item(
            6,
            "Feeling bad about yourself",
            "Feeling bad about yourself — or that you are a failure or have let yourself or your family down",
            "44258-2",
        ),
        _item(
            7,
            "Concentration",
            "Trouble concentrating on things, such as reading the newspaper or watching television",
            "44252-5",
        ),
        _item(
            8,
            "Moving or speaking slowly, or restless",
            "Moving or speaking so slowly that other people could have noticed? Or the opposite — "
            "being so fidgety or restless that you have been moving around a lot more than usual",
            "44253-3",
        ),
        _item(
            9,
            "Thoughts of death or self-harm",
            "Thoughts that you would be better off dead or of hurting yourself in some way",
            "44260-8",
        ),
        Item(
            id="q10",
            label="Functional difficulty",
            text=(
                "If you checked off any problems, how difficult have these problems made it for you "
                "to do your work, take care of things at home, or get along with other people?"
            ),
            options=DIFFICULTY,
            scored=False,  # "The tenth functional-difficulty question is NOT scored" (clincalc phq9.rs)
            loinc="69722-7",
        ),
    ),
    total_min=0,
    total_max=27,
    bands=(
        Band("minimal", 0, 4, KROENKE),
        Band("mild", 5, 9, KROENKE),
        Band("moderate", 10, 14, KROENKE),
        Band("moderately_severe", 15, 19, KROENKE),
        Band("severe", 20, 27, KROENKE),
    ),
    loinc_panel="44249-1",
    loinc_total="44261-6",
    licence=(
        "© Pfizer Inc. No permission required to reproduce, translate, display or distribute "
        "(phqscreeners.com; US Core Questionnaire phq-9-example copyright text) [V]."
    ),
    wording_licensed=False,
    sources=(
        KROENKE,
        US_CORE,
        "Item 9 safety flag at >= 1: clincalc phq9.rs; SPiER suicide-safer-care-pathway-spec [V]",
        "LOINC 44261-6 total: HL7 PHR IG observation-scored-assessment-score-codes [V]",
        "LOINC 69722-7 item 10: German MII FSH (PHQ.10) [V]",
    ),
)

SUICIDE_ITEM = "q9"


def rule(instrument: Instrument, answers: Answers, _context: Context) -> Outcome:
    missing = required_missing(instrument, answers)
    total = None if missing else present_points(instrument, answers, scored_ids(instrument))
    item9 = answers.get(SUICIDE_ITEM)
    # Any response >= 1 on item 9 needs a suicide-risk assessment whatever the total
    # (clincalc phq9.rs; SPiER: "Positive is defined as score of 1-3").
    flags = flags_in_order(("suicidal_ideation", item9 is not None and item9 >= 1))
    return Outcome(total=total, band=band_for_total(instrument, total), flags=flags, missing=missing)
