"""Screening results in plain words for people: modality and decision names, missing facts, sources.

Rule ids, fact names and the reference's evidence markers ([V], [V2],
[UNVERIFIED]) are for machines and maintainers; a page, a PDF or the
command's plain output uses these words instead.
"""

from __future__ import annotations

import re
from typing import Any

from remit.core.modality import LABELS
from remit.core.screening.intake import intake_schema

MODALITY_WORDS: dict[str, str] = {modality: text for modality, text in LABELS.items()}
DECISION_WORDS: dict[str, str] = {
    "eligible": "eligible",
    "caution": "caution: a prescriber must review",
    "contraindicated": "not eligible (contraindicated)",
    "incomplete": "incomplete: facts are missing",
}
LEVEL_WORDS: dict[str, str] = {"absolute": "Absolute", "relative": "Relative"}

_FACT_WORDS: dict[str, str] = {
    "age": "Age",
    "sex": "Sex",
    "pregnant": "Currently pregnant",
    "breastfeeding": "Currently breastfeeding",
    "blood_pressure": "Blood pressure",
    "diagnoses": "The complete diagnosis list",
    "medications": "The complete medication list",
    "medications.daily_dose_mg": "The daily dose of each benzodiazepine",
    "weight_kg": "Weight (kg)",
    "allergies": "Allergies and hypersensitivities",
    "hypersensitivity_ketamine": "Hypersensitivity to ketamine or esketamine (or the allergy list)",
    "bipolar_current_mania_or_psychosis": (
        "Bipolar disorder with a current manic, hypomanic or mixed episode, or psychotic features"
    ),
    "screens.auditc": "AUDIT-C (alcohol) answers",
    "screens.dast10": "DAST-10 (drugs) answers",
}

_MARKERS = (
    (re.compile(r"\[V\]"), "(verified)"),
    (re.compile(r"\[V2\]"), "(secondary source)"),
    (re.compile(r"\[UNVERIFIED(?::\s*([^\]]*))?\]"), None),
)


def fact_words(fact: str) -> str:
    """A fact name such as ``vascular.arteriovenous_malformation`` as the intake form asks it."""
    if fact in _FACT_WORDS:
        return _FACT_WORDS[fact]
    node: Any = intake_schema()
    try:
        for part in fact.split("."):
            node = node["properties"][part]
    except KeyError:
        return fact.replace("_", " ").replace(".", ": ")
    # The description's first sentence is the question as the intake form asks it.
    return str(node.get("description", fact)).split(". ", 1)[0].rstrip(".")


def plain_source(text: str) -> str:
    """A source line with the reference's evidence markers said in words."""
    for pattern, words in _MARKERS:
        if words is not None:
            text = pattern.sub(words, text)
        else:
            text = pattern.sub(
                lambda m: f"(not verified: {m.group(1).strip()})" if m.group(1) else "(not verified)", text
            )
    return text
