"""CADSS (23-item) and its CADSS-6 short form: clinician-administered dissociation (1.6, 8).

Only item numbers and ranges are shipped: item wording, the observer items'
wording and the licence were not found (ask the author, J. D. Bremner).
"""

from __future__ import annotations

from remit.core.instruments.model import Instrument, Item, Option
from remit.core.instruments.rules import sum_of_items

RANGE_CAVEAT = (
    "Items 0-4 (not at all ... extremely) and total 0-92 come from a registry copy only "
    "(clinical-reference 8) [UNVERIFIED]: confirm against the official form."
)
LICENCE = (
    "Licence not found [UNVERIFIED]; contact the author (J. D. Bremner) before reproducing item "
    "text. Item wording is not shipped. " + RANGE_CAVEAT
)

POINTS = (
    Option(0, "0 (not at all)"),
    Option(1, "1"),
    Option(2, "2"),
    Option(3, "3"),
    Option(4, "4 (extremely)"),
)

CADSS6_ITEM_NUMBERS = (1, 2, 6, 7, 15, 22)


def _item(number: int) -> Item:
    return Item(id=f"q{number}", label=f"CADSS item {number}", options=POINTS)


CADSS = Instrument(
    code="cadss",
    name="Clinician-Administered Dissociative States Scale, 23 items (CADSS)",
    version="1.0",
    respondent="clinician",
    recall_period="at the time of assessment",
    items=tuple(_item(number) for number in range(1, 24)),
    total_min=0,
    total_max=92,
    bands=(),
    loinc_panel=None,  # [UNVERIFIED]
    loinc_total=None,  # [UNVERIFIED]
    licence=LICENCE,
    wording_licensed=True,
    sources=(
        "23-item CADSS as used in ketamine/esketamine studies: Rodrigues 2021 (J Affect Disord "
        "282:160); Bremner 2024 (J Affect Disord) [V]",
        RANGE_CAVEAT,
        "Usually taken ~40 min after dosing (peak effect) [V2]",
    ),
)

CADSS6 = Instrument(
    code="cadss6",
    name="CADSS-6 short form (items 1, 2, 6, 7, 15, 22 of the 23-item CADSS)",
    version="1.0",
    respondent="clinician",
    recall_period="at the time of assessment",
    # Ids keep the 23-item numbering so a CADSS-6 can be read off a full CADSS.
    items=tuple(_item(number) for number in CADSS6_ITEM_NUMBERS),
    total_min=0,
    total_max=24,
    bands=(),
    loinc_panel=None,  # [UNVERIFIED]
    loinc_total=None,  # [UNVERIFIED]
    licence=LICENCE,
    wording_licensed=True,
    sources=(
        "CADSS-6 = items 1, 2, 6, 7, 15, 22 of the 23-item CADSS; rs = 0.91-0.95 with the full "
        "CADSS but NOT VALIDATED: Rodrigues 2021 (J Affect Disord 282:160) [V]",
        "Total 0-24 follows from items 0-4 [UNVERIFIED]; item 22's wording not seen [UNVERIFIED]",
        "Still clinician-administered; no patient-rated 6-item CADSS was found (clinical-reference 1.6)",
    ),
)

rule = sum_of_items
