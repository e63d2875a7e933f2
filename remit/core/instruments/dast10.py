"""DAST-10: drug use other than alcohol and tobacco, past 12 months (clinical-reference 1.9)."""

from __future__ import annotations

from remit.core.instruments.model import Band, Instrument, Item, Option
from remit.core.instruments.rules import sum_of_items

BANDS_SOURCE = "comorbidityguidelines.org.au; awell-health/awell-score dast_10/README.md; NIDA CDE [V]"

YES_NO = (Option(0, "No"), Option(1, "Yes"))
# Item 3 is reverse-scored: "No" earns the point (BANDS_SOURCE).
YES_NO_REVERSED = (Option(0, "No", points=1), Option(1, "Yes", points=0))

_LABELS = (
    "Drug use other than for medical reasons",
    "Use of more than one drug at a time",
    "Always able to stop using drugs when wanted (reverse-scored)",
    "Blackouts or flashbacks from drug use",
    "Feeling bad or guilty about drug use",
    "Spouse or parents complain about drug use",
    "Neglected family because of drug use",
    "Illegal activities to obtain drugs",
    "Withdrawal symptoms when stopping drugs",
    "Medical problems from drug use",
)

INSTRUMENT = Instrument(
    code="dast10",
    name="Drug Abuse Screening Test, 10 items (DAST-10)",
    version="1.0",
    respondent="patient",
    recall_period="past 12 months",
    items=tuple(
        Item(id=f"q{n}", label=label, options=YES_NO_REVERSED if n == 3 else YES_NO, yes_no=True)
        for n, label in enumerate(_LABELS, start=1)
    ),
    total_min=0,
    total_max=10,
    bands=(
        Band("none", 0, 0, BANDS_SOURCE),
        Band("low", 1, 2, BANDS_SOURCE),
        Band("moderate", 3, 5, BANDS_SOURCE),
        Band("substantial", 6, 8, BANDS_SOURCE),
        Band("severe", 9, 10, BANDS_SOURCE),
    ),
    loinc_panel=None,  # [UNVERIFIED]
    loinc_total="82667-7",  # confirmed (clinical-reference 8, LOINC)
    licence=(
        "© 1982 Harvey A. Skinner / CAMH. Non-commercial use (clinical, research, training) allowed "
        "with credit to the author; commercial embedding needs permission (CamCOPS tasks/dast.rst) "
        "[V]. Item wording is not shipped."
    ),
    wording_licensed=True,
    sources=(
        "10 yes/no items, 1 point per Yes, item 3 reverse-scored, total 0-10: " + BANDS_SOURCE,
        "LOINC total 82667-7: confirmed (clinical-reference 8)",
    ),
)

rule = sum_of_items
