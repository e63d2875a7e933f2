"""QIDS-SR16: depression, self-report, last 7 days (clinical-reference 1.3).

The 16 items collapse into 9 DSM domains; the total is the sum of the domain
scores. Wording is not shipped: the licence terms are unconfirmed.
"""

from __future__ import annotations

from remit.core.instruments.model import Band, Instrument, Item, Option
from remit.core.instruments.rules import (
    Answers,
    Context,
    Outcome,
    band_for_total,
    flags_in_order,
    unanswered,
)

IDS_QIDS = "ids-qids.org/interpretation.html severity table; Millisecond QIDS-SR16 manual [V]"

POINTS = tuple(Option(value, str(value)) for value in range(4))

_LABELS = (
    "Falling asleep",
    "Sleep during the night",
    "Waking up too early",
    "Sleeping too much",
    "Feeling sad",
    "Decreased appetite",
    "Increased appetite",
    "Decreased weight",
    "Increased weight",
    "Concentration and decision making",
    "View of myself",
    "Thoughts of death or suicide",
    "General interest",
    "Energy level",
    "Feeling slowed down",
    "Feeling restless",
)

# Patients answer either item 6 or 7 (appetite) and either 8 or 9 (weight)
# (reproduced form, scales.arabpsychology [V2]); all other items are asked.
EITHER_OR = (("q6", "q7"), ("q8", "q9"))
_EITHER_OR_IDS = frozenset(item_id for pair in EITHER_OR for item_id in pair)

SLEEP = ("q1", "q2", "q3", "q4")
WEIGHT = ("q6", "q7", "q8", "q9")
PSYCHOMOTOR = ("q15", "q16")
SINGLE_DOMAINS = ("q5", "q10", "q11", "q12", "q13", "q14")
SUICIDE_ITEM = "q12"

INSTRUMENT = Instrument(
    code="qids_sr16",
    name="Quick Inventory of Depressive Symptomatology, Self-Report (QIDS-SR16)",
    version="1.0",
    respondent="patient",
    recall_period="last 7 days",
    items=tuple(
        Item(id=f"q{n}", label=label, options=POINTS, conditional=f"q{n}" in _EITHER_OR_IDS)
        for n, label in enumerate(_LABELS, start=1)
    ),
    total_min=0,
    total_max=27,
    bands=(
        Band("none", 0, 5, IDS_QIDS),
        Band("mild", 6, 10, IDS_QIDS),
        Band("moderate", 11, 15, IDS_QIDS),
        Band("severe", 16, 20, IDS_QIDS),
        Band("very_severe", 21, 27, IDS_QIDS),
    ),
    loinc_panel=None,  # none found [UNVERIFIED]
    loinc_total=None,  # none found (clinical-reference 8, LOINC)
    licence=(
        "Distributed via ids-qids.org; terms not retrieved [UNVERIFIED]. Treated as copyrighted "
        "until confirmed with the authors / UT Southwestern: item wording is not shipped."
    ),
    wording_licensed=True,
    sources=(
        "Items 0-3, 7-day window, 9 domains summed to 0-27: Millisecond QIDS-SR16 manual; "
        "ids-qids.org/administration.html [V]",
        IDS_QIDS,
        "Either item 6 or 7, either 8 or 9: reproduced form (scales.arabpsychology) [V2]",
        "Item 12 >= 1 treated like PHQ-9 item 9: clinic policy (clinical-reference 1.3)",
    ),
)


def _domain_max(answers: Answers, item_ids: tuple[str, ...]) -> int:
    return max((value for item_id in item_ids if (value := answers.get(item_id)) is not None), default=0)


def _missing(answers: Answers) -> tuple[str, ...]:
    missing = list(unanswered(answers, (*SLEEP, *SINGLE_DOMAINS, *PSYCHOMOTOR)))
    for pair in EITHER_OR:
        # One answered item of a pair is what the form asks for; only both blank is missing.
        if all(answers.get(item_id) is None for item_id in pair):
            missing.extend(pair)
    order = {item.id: index for index, item in enumerate(INSTRUMENT.items)}
    return tuple(sorted(missing, key=order.__getitem__))


def rule(instrument: Instrument, answers: Answers, _context: Context) -> Outcome:
    missing = _missing(answers)
    total = None
    if not missing:
        # max() over a domain also gives the right total if both of a pair are filled (1.3).
        total = (
            _domain_max(answers, SLEEP)
            + _domain_max(answers, WEIGHT)
            + _domain_max(answers, PSYCHOMOTOR)
            + sum(_domain_max(answers, (item_id,)) for item_id in SINGLE_DOMAINS)
        )
    item12 = answers.get(SUICIDE_ITEM)
    flags = flags_in_order(("suicidal_ideation", item12 is not None and item12 >= 1))
    return Outcome(total=total, band=band_for_total(instrument, total), flags=flags, missing=missing)
