"""How Remit names an instrument's parts in FHIR: its Questionnaire's total item, its answers' codings.

Both the FHIR export (``remit.fhir.mapping``) and the Questionnaire reader
(``reading``/``responses``) use these, so an answer Remit writes reads back
as the same answer.
"""

from __future__ import annotations

from typing import Any

from remit.core.fhir_systems import ANSWER_SYSTEM, LOINC
from remit.core.instruments.model import Instrument, Item, Option

TOTAL_LINK_ID = "total"


def answer_system(instrument: Instrument) -> str:
    """The code system of an instrument's answers that have no LOINC answer code."""
    return f"{ANSWER_SYSTEM}/{instrument.code}"


def option_coding(instrument: Instrument, item: Item, option: Option) -> dict[str, Any]:
    """The Coding for one answer: its LOINC answer code (LA...) where known, else Remit's."""
    if option.loinc:
        system, code = LOINC, option.loinc
    else:
        system, code = answer_system(instrument), f"{item.id}-{option.value}"
    result: dict[str, Any] = {"system": system, "code": code}
    if option.label:
        result["display"] = option.label
    return result
