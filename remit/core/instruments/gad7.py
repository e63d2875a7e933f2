"""GAD-7: anxiety, self-report, last 2 weeks (clinical-reference 1.2)."""

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

SPITZER = "Spitzer 2006 via pacharanero/clincalc gad7.rs and cliot R docs [V]"

# Answer anchors as on the published GAD-7 form (public domain since 2010).
FREQUENCY = (
    Option(0, "Not at all"),
    Option(1, "Several days"),
    Option(2, "More than half the days"),
    Option(3, "Nearly every day"),
)

STEM = "Over the last 2 weeks, how often have you been bothered by the following problems?"

POSITIVE_SCREEN_AT = 10  # ">= 10 is the usual positive screen" (clincalc gad7.rs; Spitzer 2006) [V]

_ITEMS = (
    ("Nervous", "Feeling nervous, anxious, or on edge"),
    ("Uncontrolled worry", "Not being able to stop or control worrying"),
    ("Worrying too much", "Worrying too much about different things"),
    ("Trouble relaxing", "Trouble relaxing"),
    ("Restless", "Being so restless that it is hard to sit still"),
    ("Irritable", "Becoming easily annoyed or irritable"),
    ("Afraid", "Feeling afraid, as if something awful might happen"),
)

INSTRUMENT = Instrument(
    code="gad7",
    name="Generalized Anxiety Disorder-7 (GAD-7)",
    version="1.0",
    respondent="patient",
    recall_period="last 2 weeks",
    items=tuple(
        Item(id=f"q{n}", label=label, text=text, options=FREQUENCY)
        for n, (label, text) in enumerate(_ITEMS, start=1)
    ),
    total_min=0,
    total_max=21,
    bands=(
        Band("minimal", 0, 4, SPITZER),
        Band("mild", 5, 9, SPITZER),
        Band("moderate", 10, 14, SPITZER),
        Band("severe", 15, 21, SPITZER),
    ),
    loinc_panel="69737-5",
    loinc_total="70274-6",
    licence="Pfizer; public domain since 2010, no permission needed (clincalc gad7.rs) [V].",
    wording_licensed=False,
    sources=(
        SPITZER,
        "Positive screen at >= 10: clincalc gad7.rs [V]",
        "Item wording: Pfizer GAD-7 form, as reproduced in CamCOPS extra_strings/gad7.xml",
        "LOINC 70274-6 total: HL7 PHR IG ValueSet; 69737-5 panel: MII ObservationDefinition [V]",
    ),
)


def rule(instrument: Instrument, answers: Answers, _context: Context) -> Outcome:
    missing = required_missing(instrument, answers)
    items = scored_ids(instrument)
    total = None if missing else present_points(instrument, answers, items)
    # The answered items are a lower bound on the total, so a partial form can already be positive.
    positive = present_points(instrument, answers, items) >= POSITIVE_SCREEN_AT
    return Outcome(
        total=total,
        band=band_for_total(instrument, total),
        flags=flags_in_order(("positive_screen", positive)),
        missing=missing,
    )
