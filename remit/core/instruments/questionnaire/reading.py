"""Reading a FHIR Questionnaire: its answerable items, their codes, answer options and ordinal values.

Errors are ``QuestionnaireError`` with a FHIRPath-like ``path`` naming the
element (for an OperationOutcome).
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from remit.core.fhir_systems import CALCULATED_EXPRESSION, LOINC, ORDINAL_VALUE_VARIANTS

JSON = dict[str, Any]


class QuestionnaireError(ValueError):
    """A Questionnaire or response Remit cannot read; ``path`` names the element."""

    def __init__(self, path: str, message: str) -> None:
        self.path = path
        self.message = message
        super().__init__(f"{path}: {message}")


@dataclass(frozen=True)
class QOption:
    """One answerOption: its coding (or integer) and its ordinal value, if any."""

    system: str | None
    code: str | None
    display: str | None
    ordinal: Decimal | None
    value_integer: int | None = None


@dataclass(frozen=True)
class QItem:
    """One answerable Questionnaire item, wherever it is nested."""

    link_id: str
    path: str
    type: str
    text: str | None
    codes: tuple[tuple[str | None, str], ...]
    required: bool
    read_only: bool
    calculated: bool
    conditional: bool
    options: tuple[QOption, ...]

    @property
    def loinc_codes(self) -> tuple[str, ...]:
        # LHC-Forms leaves ``system`` off some codings; a code in LOINC's shape is taken as LOINC.
        return tuple(code for system, code in self.codes if system == LOINC or system is None)

    @property
    def ordinals(self) -> tuple[Decimal, ...] | None:
        """The options' ordinal values, or None unless every option has one."""
        if not self.options or any(option.ordinal is None for option in self.options):
            return None
        return tuple(option.ordinal for option in self.options if option.ordinal is not None)

    def find_option(self, system: str | None, code: str | None) -> QOption | None:
        for option in self.options:
            if option.code is not None and option.code == code:
                if system is None or option.system is None or option.system == system:
                    return option
        return None


def require_resource(document: object, resource_type: str) -> JSON:
    if not isinstance(document, dict) or document.get("resourceType") != resource_type:
        found = document.get("resourceType") if isinstance(document, dict) else type(document).__name__
        raise QuestionnaireError(resource_type, f"expected a {resource_type}, got {found!r}")
    return document


def ordinal_of(element: JSON) -> Decimal | None:
    """The ordinal value an answerOption or Coding carries (ordinalValue or its older/newer names)."""
    places = [element]
    if isinstance(element.get("valueCoding"), dict):
        places.append(element["valueCoding"])
    for place in places:
        for extension in place.get("extension") or []:
            if isinstance(extension, dict) and extension.get("url") in ORDINAL_VALUE_VARIANTS:
                for key in ("valueDecimal", "valueInteger"):
                    value = extension.get(key)
                    if isinstance(value, (int, float, str)) and not isinstance(value, bool):
                        try:
                            return Decimal(str(value))
                        except InvalidOperation:
                            return None
    return None


def codes_of(element: JSON) -> tuple[tuple[str | None, str], ...]:
    return tuple(
        (c.get("system"), str(c["code"]))
        for c in element.get("code") or []
        if isinstance(c, dict) and c.get("code")
    )


def _options(item: JSON, path: str) -> tuple[QOption, ...]:
    options = []
    for index, option in enumerate(item.get("answerOption") or []):
        if not isinstance(option, dict):
            raise QuestionnaireError(f"{path}.answerOption[{index}]", "is not an object")
        coding = option.get("valueCoding")
        if isinstance(coding, dict):
            options.append(
                QOption(
                    system=coding.get("system"),
                    code=str(coding["code"]) if coding.get("code") is not None else None,
                    display=coding.get("display"),
                    ordinal=ordinal_of(option),
                )
            )
        elif isinstance(option.get("valueInteger"), int):
            value = option["valueInteger"]
            ordinal = ordinal_of(option)
            options.append(
                QOption(
                    None,
                    None,
                    str(value),
                    Decimal(value) if ordinal is None else ordinal,
                    value_integer=value,
                )
            )
        else:
            options.append(QOption(None, None, option.get("valueString"), ordinal_of(option)))
    return tuple(options)


def questionnaire_items(questionnaire: JSON) -> list[QItem]:
    """Every answerable item in document order (groups opened, display items left out)."""
    require_resource(questionnaire, "Questionnaire")
    found: list[QItem] = []

    def walk(items: object, path: str, conditional: bool) -> None:
        if items is None:
            return
        if not isinstance(items, list):
            raise QuestionnaireError(path, "item must be a list")
        for index, item in enumerate(items):
            here = f"{path}[{index}]"
            if not isinstance(item, dict) or not item.get("linkId"):
                raise QuestionnaireError(here, "every item needs a linkId")
            item_type = item.get("type", "")
            inner_conditional = conditional or bool(item.get("enableWhen"))
            if item_type not in ("group", "display"):
                found.append(
                    QItem(
                        link_id=str(item["linkId"]),
                        path=here,
                        type=item_type,
                        text=item.get("text"),
                        codes=codes_of(item),
                        required=bool(item.get("required")),
                        read_only=bool(item.get("readOnly")),
                        calculated=any(
                            isinstance(e, dict) and e.get("url") == CALCULATED_EXPRESSION
                            for e in item.get("extension") or []
                        ),
                        conditional=inner_conditional,
                        options=_options(item, here),
                    )
                )
            walk(item.get("item"), f"{here}.item", inner_conditional)

    walk(questionnaire.get("item"), "Questionnaire.item", False)
    seen: set[str] = set()
    for qitem in found:
        if qitem.link_id in seen:
            raise QuestionnaireError(qitem.path, f"linkId {qitem.link_id!r} is used twice")
        seen.add(qitem.link_id)
    return found


def bare_url(url: object) -> str:
    return str(url or "").split("|", 1)[0].rstrip("/")


def panel_codes(questionnaire: JSON) -> set[str]:
    codes = {code for system, code in codes_of(questionnaire) if system in (LOINC, None)}
    for identifier in questionnaire.get("identifier") or []:
        if isinstance(identifier, dict) and identifier.get("system") == LOINC and identifier.get("value"):
            codes.add(str(identifier["value"]))
    return codes


def whole_number(value: Decimal, path: str) -> int:
    if value != value.to_integral_value():
        raise QuestionnaireError(path, f"{value} is not a whole number")
    return int(value)
