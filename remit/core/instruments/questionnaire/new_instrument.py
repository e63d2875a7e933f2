"""A new sum-scored instrument from a FHIR Questionnaire that matches no built-in one.

``questionnaire_to_instrument`` keeps the choice items whose every answer
carries a whole ordinal value (scored by that value); ``remit.core.instruments.score``
scores the result by sum.
"""

from __future__ import annotations

import re
from typing import Literal

from remit.core.fhir_systems import LOINC
from remit.core.instruments.model import Instrument, Item, Option
from remit.core.instruments.questionnaire.reading import (
    JSON,
    QuestionnaireError,
    panel_codes,
    questionnaire_items,
    require_resource,
    whole_number,
)
from remit.core.instruments.registry import INSTRUMENTS

CODE_SHAPE = re.compile(r"^[a-z][a-z0-9_]{1,39}$")


def _derive_code(questionnaire: JSON) -> str:
    source = str(questionnaire.get("name") or questionnaire.get("id") or questionnaire.get("title") or "")
    code = re.sub(r"[^a-z0-9]+", "_", source.lower()).strip("_")[:40]
    if not code:
        raise QuestionnaireError("Questionnaire.name", "has no name or id to make an instrument code from")
    if not code[0].isalpha():
        code = ("q_" + code)[:40]
    return code


def questionnaire_to_instrument(
    questionnaire: JSON,
    *,
    code: str | None = None,
    respondent: Literal["patient", "clinician"] = "patient",
    existing_codes: frozenset[str] | set[str] = frozenset(INSTRUMENTS),
) -> Instrument:
    """A new Remit instrument from an SDC Questionnaire whose answers carry ordinal values.

    Choice items whose every option has a whole ordinal value are scored
    (points = the ordinal); other choice items are kept unscored; free-text
    and numeric items are left out, except a read-only/calculated numeric item
    whose LOINC code becomes the total code. Items not required in the
    Questionnaire (or shown only by enableWhen) are ``conditional``: leaving
    them blank does not invalidate the score. Sum scoring, no bands.
    """
    require_resource(questionnaire, "Questionnaire")
    code = code or _derive_code(questionnaire)
    if not CODE_SHAPE.match(code):
        raise QuestionnaireError(
            "code", f"{code!r}: use 2-40 lower-case letters, digits or _, starting with a letter"
        )
    if code in existing_codes:
        raise QuestionnaireError("code", f"{code!r} is already an instrument; choose another code")
    items: list[Item] = []
    loinc_total: str | None = None
    for qitem in questionnaire_items(questionnaire):
        if not qitem.options:
            if (qitem.read_only or qitem.calculated) and qitem.loinc_codes and loinc_total is None:
                loinc_total = qitem.loinc_codes[0]
            continue
        if qitem.type not in ("choice", "open-choice", "integer"):
            continue
        ordinals = qitem.ordinals
        scored = ordinals is not None
        options: list[Option] = []
        for index, qoption in enumerate(qitem.options):
            if scored and qoption.ordinal is not None:
                value = whole_number(qoption.ordinal, f"{qitem.path}.answerOption[{index}]")
            else:
                value = index
            is_loinc = qoption.code and (
                qoption.system == LOINC or (qoption.system is None and qoption.code.startswith("LA"))
            )
            options.append(
                Option(
                    value=value,
                    label=qoption.display or qoption.code or str(value),
                    loinc=qoption.code if is_loinc else None,
                )
            )
        values = [option.value for option in options]
        if len(set(values)) != len(values):
            raise QuestionnaireError(
                f"{qitem.path}.answerOption",
                f"two answers of {qitem.link_id!r} share the ordinal value "
                f"{next(v for v in values if values.count(v) > 1)}; Remit stores one value per answer",
            )
        text = qitem.text or qitem.link_id
        items.append(
            Item(
                id=f"q{len(items) + 1}",
                label=text if len(text) <= 80 else text[:79] + "…",
                text=qitem.text,
                options=tuple(options),
                scored=scored,
                loinc=qitem.loinc_codes[0] if qitem.loinc_codes else None,
                conditional=qitem.conditional or not qitem.required,
            )
        )
    scored_items = [item for item in items if item.scored]
    if not scored_items:
        raise QuestionnaireError(
            "Questionnaire.item",
            "no item has answer options that all carry ordinal values (ordinalValue extension); "
            "Remit can only import sum-scored questionnaires",
        )
    panel = sorted(panel_codes(questionnaire))
    source = questionnaire.get("url") or f"Questionnaire/{questionnaire.get('id', '?')}"
    return Instrument(
        code=code,
        name=str(questionnaire.get("title") or questionnaire.get("name") or code),
        version=str(questionnaire.get("version") or "1"),
        respondent=respondent,
        recall_period=None,
        items=tuple(items),
        total_min=sum(min(item.points_for(o.value) for o in item.options) for item in scored_items),
        total_max=sum(max(item.points_for(o.value) for o in item.options) for item in scored_items),
        bands=(),
        loinc_panel=panel[0] if panel else None,
        loinc_total=loinc_total,
        licence=str(
            questionnaire.get("copyright") or "Imported by the clinic; licence not stated in the file."
        ),
        wording_licensed=False,
        sources=(f"Imported from FHIR Questionnaire {source}",),
    )
