"""MADRS: clinician-rated depression (clinical-reference 1.4).

Item wording is © Royal College of Psychiatrists and is not shipped; the
labels below are the item names only. No item-10 threshold is flagged: none
was found in the sources consulted.
"""

from __future__ import annotations

from remit.core.instruments.model import Band, Instrument, Item, Option
from remit.core.instruments.rules import sum_of_items

SNAITH = "Snaith bands via Wikipedia MADRS page; Canvas phq9-madrs-workflow README [V2]"

# Anchors are defined at 0/2/4/6; 1/3/5 are the in-between ratings.
POINTS = tuple(Option(value, str(value)) for value in range(7))

_LABELS = (
    "Apparent sadness",
    "Reported sadness",
    "Inner tension",
    "Reduced sleep",
    "Reduced appetite",
    "Concentration difficulties",
    "Lassitude",
    "Inability to feel",
    "Pessimistic thoughts",
    "Suicidal thoughts",
)

INSTRUMENT = Instrument(
    code="madrs",
    name="Montgomery–Åsberg Depression Rating Scale (MADRS)",
    version="1.0",
    respondent="clinician",
    recall_period=None,  # not stated in the clinical reference
    items=tuple(Item(id=f"q{n}", label=label, options=POINTS) for n, label in enumerate(_LABELS, start=1)),
    total_min=0,
    total_max=60,
    bands=(
        Band("normal", 0, 6, SNAITH),
        Band("mild", 7, 19, SNAITH),
        Band("moderate", 20, 34, SNAITH),
        Band("severe", 35, 60, SNAITH),
    ),
    loinc_panel=None,  # [UNVERIFIED]
    loinc_total=None,  # none found (clinical-reference 8, LOINC)
    licence=(
        "© Royal College of Psychiatrists. CamCOPS: 'Permission refused (RCPsych to R. Cardinal, "
        "2013)' [V]. Do not ship item text without a licence; item scores without wording only."
    ),
    wording_licensed=True,
    sources=(
        "10 items 0-6, total 0-60: Montgomery & Åsberg 1979; Wikipedia MADRS; cliot R docs [V]",
        SNAITH,
        "Alternative cut-offs (not used here): severe >= 35 Müller 2000; >= 31 Müller 2003 [V]",
    ),
)

rule = sum_of_items
