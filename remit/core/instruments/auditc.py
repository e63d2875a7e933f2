"""AUDIT-C: alcohol consumption screen (clinical-reference 1.8).

The positive-screen cut-off depends on sex, so the band is decided by a rule:
>= 4 for men, >= 3 for women (Bush 1998; Bradley 2007). When sex is unknown
the lower, more sensitive cut-off is used and flagged.
"""

from __future__ import annotations

from remit.core.instruments.model import Band, Instrument, Item, Option
from remit.core.instruments.rules import (
    Answers,
    Context,
    Outcome,
    flags_in_order,
    present_points,
    required_missing,
    scored_ids,
)
from remit.core.instruments.settings import Sex

CUTOFFS_SOURCE = "Bush 1998; Bradley 2007 via pacharanero/clincalc auditc.rs; US Core AUDIT-C note [V]"
ANCHORS_SOURCE = (
    "Item anchors: clincalc auditc.rs schema [V]; answer LOINC codes: US Core AUDIT-C Questionnaire [V]"
)

POSITIVE_AT: dict[Sex, int] = {"male": 4, "female": 3}
POSITIVE_AT_SEX_UNKNOWN = min(POSITIVE_AT.values())

INSTRUMENT = Instrument(
    code="auditc",
    name="Alcohol Use Disorders Identification Test – Consumption (AUDIT-C)",
    version="1.0",
    respondent="patient",
    recall_period=None,  # not stated in the clinical reference
    items=(
        Item(
            id="q1",
            label="Frequency of drinking",
            options=(
                Option(0, "Never"),
                Option(1, "Monthly or less"),
                Option(2, "2–4 times a month"),
                Option(3, "2–3 times a week"),
                Option(4, "4 or more times a week"),
            ),
            # US Core's first item (68517-2) is a different question, so no code is claimed here.
            loinc=None,
        ),
        Item(
            id="q2",
            label="Drinks on a typical day",
            options=(
                Option(0, "1 or 2", loinc="LA15694-5"),
                Option(1, "3 or 4", loinc="LA15695-2"),
                Option(2, "5 or 6", loinc="LA18930-0"),
                Option(3, "7 to 9", loinc="LA18931-8"),
                Option(4, "10 or more", loinc="LA18932-6"),
            ),
            loinc="68519-8",
        ),
        Item(
            id="q3",
            label="Six or more drinks on one occasion",
            options=(
                Option(0, "Never", loinc="LA6270-8"),
                Option(1, "Less than monthly", loinc="LA18933-4"),
                Option(2, "Monthly", loinc="LA18876-5"),
                Option(3, "Weekly", loinc="LA18891-4"),
                Option(4, "Daily or almost daily", loinc="LA18934-2"),
            ),
            loinc="68520-6",
        ),
    ),
    total_min=0,
    total_max=12,
    bands=(
        Band("negative", None, None, CUTOFFS_SOURCE),
        Band("positive", None, None, CUTOFFS_SOURCE),
    ),
    loinc_panel="72109-2",
    loinc_total="75626-2",
    licence=(
        "WHO instrument: may be reproduced and translated but 'not for sale or for use in conjunction "
        "with commercial purposes' (WHO manual, quoted in clincalc auditc.rs) [V]; US Core calls it "
        "public domain. Commercial embedding needs legal review; item wording is not shipped."
    ),
    wording_licensed=True,
    sources=(
        "3 items 0-4, total 0-12; positive >= 4 men, >= 3 women: " + CUTOFFS_SOURCE,
        "Unisex >= 5 used by some services (VA/DoD) is not applied here [V]",
        "All points from Q1 (Q2 = Q3 = 0): probably within limits, review intake: US Core AUDIT-C note [V]",
        ANCHORS_SOURCE,
    ),
)


def rule(instrument: Instrument, answers: Answers, context: Context) -> Outcome:
    missing = required_missing(instrument, answers)
    total = None if missing else present_points(instrument, answers, scored_ids(instrument))
    cutoff = POSITIVE_AT_SEX_UNKNOWN if context.sex is None else POSITIVE_AT[context.sex]
    band = None if total is None else ("positive" if total >= cutoff else "negative")
    only_q1 = total is not None and total > 0 and answers.get("q2") == 0 and answers.get("q3") == 0
    flags = flags_in_order(
        ("sex_unknown_used_lower_cutoff", total is not None and context.sex is None),
        ("points_only_from_q1", only_q1),
    )
    return Outcome(total=total, band=band, flags=flags, missing=missing)
