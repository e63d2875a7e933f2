"""Reading other teams' FHIR Questionnaires and QuestionnaireResponses. No Django here.

- ``match_instrument`` maps an SDC-style Questionnaire onto a built-in
  instrument (by Remit's canonical URL, Remit's instrument code, or the LOINC
  panel code) and its items onto Remit item ids (by item LOINC code, by
  linkId for Remit's own Questionnaires, then by order for scored items whose
  answer scores fit).
- ``answers_from_response`` reads a QuestionnaireResponse into Remit answers;
  ``score_response`` scores them with Remit's engine and reports a
  ``ScoreMismatch`` when the incoming total differs.
- ``questionnaire_to_instrument`` turns a Questionnaire that matches nothing
  into a new sum-scored ``Instrument``; ``score_imported`` scores it.
- ``wording_from_questionnaire`` takes a licensed instrument's wording from a
  clinic's Questionnaire.

Errors are ``QuestionnaireError`` with a FHIRPath-like ``path`` naming the
element (for an OperationOutcome).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any, Literal

from remit.core.instruments import (
    DEFAULT_SETTINGS,
    INSTRUMENTS,
    AnswerError,
    Band,
    Instrument,
    Item,
    Option,
    ScoreResult,
    ScoringSettings,
    score,
)
from remit.core.instruments.engine import check_answers
from remit.core.instruments.rules import Context as RuleContext
from remit.core.instruments.rules import sum_of_items
from remit.fhir.mapping.instruments import TOTAL_LINK_ID, option_coding
from remit.fhir.mapping.systems import (
    CALCULATED_EXPRESSION,
    CANONICAL_BASE,
    INSTRUMENT_SYSTEM,
    LOINC,
    ORDINAL_VALUE_VARIANTS,
)

JSON = dict[str, Any]
MatchedBy = Literal["canonical_url", "instrument_code", "loinc_panel", "given"]


class QuestionnaireError(ValueError):
    """A Questionnaire or response Remit cannot read; ``path`` names the element."""

    def __init__(self, path: str, message: str) -> None:
        self.path = path
        self.message = message
        super().__init__(f"{path}: {message}")


# --- Reading a Questionnaire ---------------------------------------------------------------------


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


def _require_resource(document: object, resource_type: str) -> JSON:
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


def _codes(element: JSON) -> tuple[tuple[str | None, str], ...]:
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
    _require_resource(questionnaire, "Questionnaire")
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
                        codes=_codes(item),
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


def _bare_url(url: object) -> str:
    return str(url or "").split("|", 1)[0].rstrip("/")


# --- Matching a Questionnaire onto an instrument -------------------------------------------------


@dataclass(frozen=True)
class InstrumentMatch:
    """How a Questionnaire maps onto a Remit instrument.

    ``item_map`` is linkId -> Remit item id. ``unmapped_items`` are Remit
    items no Questionnaire item was found for; ``unrecognised_link_ids`` are
    Questionnaire items that map to nothing (other questions).
    """

    code: str
    matched_by: MatchedBy
    item_map: dict[str, str]
    total_link_id: str | None
    unmapped_items: tuple[str, ...]
    unrecognised_link_ids: tuple[str, ...]

    @property
    def link_ids(self) -> dict[str, str]:
        """Remit item id -> linkId."""
        return {item_id: link_id for link_id, item_id in self.item_map.items()}


def _points(item: Item) -> set[Decimal]:
    return {Decimal(item.points_for(option.value)) for option in item.options}


def _fits(qitem: QItem, item: Item) -> bool:
    """Whether a Questionnaire item's answers score like a Remit item's (for matching by order)."""
    if qitem.type != "choice" or qitem.loinc_codes:
        return False  # a LOINC-coded item that matched no Remit item is a different question
    ordinals = qitem.ordinals
    if ordinals is not None:
        return set(ordinals) == _points(item) and len(ordinals) == len(item.options)
    loinc_answers = {option.loinc for option in item.options if option.loinc}
    codes = {option.code for option in qitem.options}
    return bool(loinc_answers) and codes == loinc_answers


def map_items(
    questionnaire: JSON, instrument: Instrument, *, trust_link_ids: bool = False
) -> tuple[dict[str, str], str | None, tuple[str, ...], tuple[str, ...]]:
    """(item_map, total_link_id, unmapped_items, unrecognised_link_ids) for one instrument.

    Items map by LOINC item code; by linkId == Remit item id when
    ``trust_link_ids`` (Remit's own Questionnaires); then remaining scored
    items by order, to the next unmapped choice item whose answer scores fit.
    """
    qitems = questionnaire_items(questionnaire)
    by_loinc = {item.loinc: item.id for item in instrument.items if item.loinc}
    item_map: dict[str, str] = {}
    taken: set[str] = set()
    total_link_id: str | None = None

    for qitem in qitems:
        if instrument.loinc_total and instrument.loinc_total in qitem.loinc_codes:
            total_link_id = total_link_id or qitem.link_id
            continue
        if trust_link_ids and qitem.link_id == TOTAL_LINK_ID:
            total_link_id = total_link_id or qitem.link_id
            continue
        for code in qitem.loinc_codes:
            item_id = by_loinc.get(code)
            if item_id and item_id not in taken:
                item_map[qitem.link_id] = item_id
                taken.add(item_id)
                break
        else:
            if trust_link_ids and qitem.link_id in instrument.item_ids and qitem.link_id not in taken:
                item_map[qitem.link_id] = qitem.link_id
                taken.add(qitem.link_id)

    if total_link_id is None:
        for qitem in qitems:
            if qitem.link_id not in item_map and (qitem.read_only or qitem.calculated) and not qitem.options:
                total_link_id = qitem.link_id
                break

    remaining = [q for q in qitems if q.link_id not in item_map and q.link_id != total_link_id]
    cursor = 0
    for item in instrument.items:
        if item.id in taken or not item.scored:
            continue
        for position in range(cursor, len(remaining)):
            if _fits(remaining[position], item):
                item_map[remaining[position].link_id] = item.id
                taken.add(item.id)
                cursor = position + 1
                break

    unmapped = tuple(item.id for item in instrument.items if item.id not in taken)
    unrecognised = tuple(
        q.link_id for q in qitems if q.link_id not in item_map and q.link_id != total_link_id
    )
    return item_map, total_link_id, unmapped, unrecognised


def _panel_codes(questionnaire: JSON) -> set[str]:
    codes = {code for system, code in _codes(questionnaire) if system in (LOINC, None)}
    for identifier in questionnaire.get("identifier") or []:
        if isinstance(identifier, dict) and identifier.get("system") == LOINC and identifier.get("value"):
            codes.add(str(identifier["value"]))
    return codes


def match_instrument(
    questionnaire: JSON,
    *,
    canonical_base: str = CANONICAL_BASE,
    instruments: Mapping[str, Instrument] = INSTRUMENTS,
) -> InstrumentMatch | None:
    """The built-in instrument a Questionnaire is, with its item map; None if it is none of them.

    Tried in order: Remit's canonical URL (``<canonical_base>/<code>``),
    Remit's instrument code in ``Questionnaire.code``, the LOINC panel code
    (in ``code`` or a LOINC ``identifier``, as LHC-Forms writes it).
    """
    _require_resource(questionnaire, "Questionnaire")
    code: str | None = None
    matched_by: MatchedBy | None = None
    url = _bare_url(questionnaire.get("url"))
    prefix = canonical_base.rstrip("/") + "/"
    if url.startswith(prefix) and url[len(prefix) :] in instruments:
        code, matched_by = url[len(prefix) :], "canonical_url"
    if code is None:
        for system, value in _codes(questionnaire):
            if system == INSTRUMENT_SYSTEM and value in instruments:
                code, matched_by = value, "instrument_code"
                break
    if code is None:
        panels = _panel_codes(questionnaire)
        for instrument in instruments.values():
            if instrument.loinc_panel and instrument.loinc_panel in panels:
                code, matched_by = instrument.code, "loinc_panel"
                break
    if code is None or matched_by is None:
        return None
    item_map, total, unmapped, unrecognised = map_items(
        questionnaire, instruments[code], trust_link_ids=matched_by in ("canonical_url", "instrument_code")
    )
    return InstrumentMatch(code, matched_by, item_map, total, unmapped, unrecognised)


# --- Reading a response --------------------------------------------------------------------------


@dataclass(frozen=True)
class ResponseAnswers:
    """A response read into Remit's terms.

    ``answers`` has every item id of the instrument (unanswered ones None);
    ``incoming_total`` is the total the sender wrote, if any (kept for
    comparison, never trusted); ``ignored_link_ids`` are answered items that
    map to no Remit item.
    """

    instrument: Instrument
    match: InstrumentMatch
    answers: dict[str, int | None]
    incoming_total: int | Decimal | None
    response_id: str | None
    ignored_link_ids: tuple[str, ...] = ()

    @property
    def instrument_code(self) -> str:
        return self.instrument.code


def _response_items(response: JSON) -> dict[str, tuple[list[JSON], str]]:
    found: dict[str, tuple[list[JSON], str]] = {}

    def walk(items: object, path: str) -> None:
        if items is None:
            return
        if not isinstance(items, list):
            raise QuestionnaireError(path, "item must be a list")
        for index, item in enumerate(items):
            here = f"{path}[{index}]"
            if not isinstance(item, dict) or not item.get("linkId"):
                raise QuestionnaireError(here, "every item needs a linkId")
            link_id = str(item["linkId"])
            answers = item.get("answer") or []
            if not isinstance(answers, list):
                raise QuestionnaireError(f"{here}.answer", "must be a list")
            if link_id in found and (answers or found[link_id][0]):
                raise QuestionnaireError(here, f"linkId {link_id!r} is answered twice")
            if link_id not in found or answers:
                found[link_id] = (answers, here)
            walk(item.get("item"), f"{here}.item")
            for a_index, answer in enumerate(answers):
                if isinstance(answer, dict):
                    walk(answer.get("item"), f"{here}.answer[{a_index}].item")

    walk(response.get("item"), "QuestionnaireResponse.item")
    return found


def _whole(value: Decimal, path: str) -> int:
    if value != value.to_integral_value():
        raise QuestionnaireError(path, f"{value} is not a whole number")
    return int(value)


def _resolve(instrument: Instrument, item: Item, qitem: QItem | None, answer: JSON, path: str) -> int:
    """The stored Remit value of one answer."""
    coding = answer.get("valueCoding")
    if isinstance(coding, dict):
        system, code = coding.get("system"), coding.get("code")
        # 1. The answer's own code (LOINC LA code, or Remit's answer code).
        for option in item.options:
            known = option_coding(instrument, item, option)
            if (
                code is not None
                and known["code"] == str(code)
                and (system is None or known["system"] == system)
            ):
                return option.value
        # 2. Its ordinal value: on the Coding itself, or on the Questionnaire's matching answerOption.
        ordinal = ordinal_of(coding)
        if ordinal is None and qitem is not None:
            qoption = qitem.find_option(system, None if code is None else str(code))
            ordinal = qoption.ordinal if qoption else None
        if ordinal is not None:
            points = _whole(ordinal, f"{path}.valueCoding")
            fitting = [o.value for o in item.options if item.points_for(o.value) == points]
            if len(fitting) == 1:
                return fitting[0]
            raise QuestionnaireError(
                f"{path}.valueCoding",
                f"ordinal value {points} fits {len(fitting)} of {instrument.code} {item.id}'s options",
            )
        raise QuestionnaireError(
            f"{path}.valueCoding",
            f"code {code!r} is not one of {instrument.code} {item.id}'s answers and carries no ordinal value",
        )
    for key in ("valueInteger", "valueDecimal"):
        if key in answer:
            raw = answer[key]
            if isinstance(raw, bool) or not isinstance(raw, (int, float)):
                raise QuestionnaireError(f"{path}.{key}", f"{raw!r} is not a number")
            value = _whole(Decimal(str(raw)), f"{path}.{key}")
            if item.option(value) is None:
                raise QuestionnaireError(
                    f"{path}.{key}",
                    f"{value} is out of range {item.min_value}-{item.max_value} for {item.id}",
                )
            return value
    kinds = ", ".join(sorted(k for k in answer if k.startswith("value"))) or "nothing"
    raise QuestionnaireError(path, f"{item.id} needs a coded or whole-number answer, got {kinds}")


def _incoming_total(answers: list[JSON], path: str) -> int | Decimal | None:
    if not answers:
        return None
    answer = answers[0]
    for key in ("valueInteger", "valueDecimal", "valueString"):
        if key in answer:
            try:
                value = Decimal(str(answer[key]))
            except InvalidOperation:
                raise QuestionnaireError(
                    f"{path}.answer[0].{key}", f"{answer[key]!r} is not a number"
                ) from None
            return int(value) if value == value.to_integral_value() else value
    if isinstance(answer.get("valueQuantity"), dict) and "value" in answer["valueQuantity"]:
        value = Decimal(str(answer["valueQuantity"]["value"]))
        return int(value) if value == value.to_integral_value() else value
    return None


def answers_from_response(
    questionnaire: JSON,
    response: JSON,
    *,
    instrument: Instrument | None = None,
    canonical_base: str = CANONICAL_BASE,
) -> ResponseAnswers:
    """Read ``response`` (to ``questionnaire``) as Remit answers.

    The instrument is the built-in the Questionnaire matches, or
    ``instrument`` when given (an imported one). Answers resolve by answer
    code, then ordinal value (on the Coding or the Questionnaire's
    answerOption), or from valueInteger/valueDecimal; the total item is read
    as ``incoming_total`` and never used as an answer.
    """
    _require_resource(questionnaire, "Questionnaire")
    _require_resource(response, "QuestionnaireResponse")
    q_url, r_url = _bare_url(questionnaire.get("url")), _bare_url(response.get("questionnaire"))
    if q_url and r_url and q_url != r_url:
        raise QuestionnaireError(
            "QuestionnaireResponse.questionnaire", f"answers {r_url}, not this Questionnaire ({q_url})"
        )
    if instrument is None:
        match = match_instrument(questionnaire, canonical_base=canonical_base)
        if match is None:
            raise QuestionnaireError(
                "Questionnaire", "matches no Remit instrument (by canonical URL or LOINC panel code)"
            )
        instrument = INSTRUMENTS[match.code]
    else:
        item_map, total, unmapped, unrecognised = map_items(questionnaire, instrument)
        match = InstrumentMatch(instrument.code, "given", item_map, total, unmapped, unrecognised)
    qitems = {qitem.link_id: qitem for qitem in questionnaire_items(questionnaire)}
    given = _response_items(response)
    answers: dict[str, int | None] = {item.id: None for item in instrument.items}
    ignored: list[str] = []
    incoming_total: int | Decimal | None = None
    for link_id, (entries, path) in given.items():
        if link_id == match.total_link_id:
            incoming_total = _incoming_total(entries, path)
            continue
        item_id = match.item_map.get(link_id)
        if item_id is None:
            if entries:
                ignored.append(link_id)
            continue
        if not entries:
            continue
        if len(entries) > 1:
            raise QuestionnaireError(f"{path}.answer", f"{item_id} takes one answer, got {len(entries)}")
        answers[item_id] = _resolve(
            instrument, instrument.item(item_id), qitems.get(link_id), entries[0], f"{path}.answer[0]"
        )
    response_id = response.get("id")
    return ResponseAnswers(
        instrument=instrument,
        match=match,
        answers=answers,
        incoming_total=incoming_total,
        response_id=str(response_id) if response_id is not None else None,
        ignored_link_ids=tuple(ignored),
    )


# --- Scoring -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ScoreMismatch:
    """The sender's total differs from Remit's (or Remit could not score the answers)."""

    instrument_code: str
    response_id: str | None
    incoming_total: int | Decimal
    remit_total: int | None
    reason: str

    def to_dict(self) -> JSON:
        return {
            "instrument": self.instrument_code,
            "response_id": self.response_id,
            "incoming_total": self.incoming_total
            if isinstance(self.incoming_total, int)
            else str(self.incoming_total),
            "remit_total": self.remit_total,
            "reason": self.reason,
        }


@dataclass(frozen=True)
class ScoredResponse:
    read: ResponseAnswers
    result: ScoreResult
    mismatch: ScoreMismatch | None = None


def is_builtin(instrument: Instrument) -> bool:
    return INSTRUMENTS.get(instrument.code) is instrument


def score_imported(instrument: Instrument, answers: Mapping[str, int | None]) -> ScoreResult:
    """Score an imported instrument: sum of the answers' points, valid iff every required item is
    answered (items not required in the Questionnaire are ``conditional``); no bands, no flags."""
    checked = check_answers(instrument, answers)
    outcome = sum_of_items(instrument, checked, RuleContext(sex=None, settings=DEFAULT_SETTINGS))
    valid = not outcome.missing
    return ScoreResult(
        instrument=instrument.code,
        version=instrument.version,
        valid=valid,
        total=outcome.total if valid else None,
        max=instrument.total_max,
        band=None,
        flags=(),
        missing=outcome.missing,
        loinc=instrument.loinc_total,
        answers=checked,
    )


def score_answers(
    instrument: Instrument,
    answers: Mapping[str, int | None],
    *,
    sex: str | None = None,
    settings: ScoringSettings = DEFAULT_SETTINGS,
) -> ScoreResult:
    """Built-in instruments by Remit's engine; imported ones by ``score_imported``."""
    if is_builtin(instrument):
        return score(instrument.code, answers, sex=sex, settings=settings)
    return score_imported(instrument, answers)


def score_response(
    questionnaire: JSON,
    response: JSON,
    *,
    instrument: Instrument | None = None,
    sex: str | None = None,
    settings: ScoringSettings = DEFAULT_SETTINGS,
    canonical_base: str = CANONICAL_BASE,
) -> ScoredResponse:
    """Read and score a response with Remit's scorer; compare with the incoming total."""
    read = answers_from_response(
        questionnaire, response, instrument=instrument, canonical_base=canonical_base
    )
    try:
        result = score_answers(read.instrument, read.answers, sex=sex, settings=settings)
    except AnswerError as error:
        link_id = read.match.link_ids.get(error.item or "", "")
        raise QuestionnaireError(
            f"QuestionnaireResponse.item(linkId={link_id or error.item})", str(error)
        ) from None
    mismatch = None
    if read.incoming_total is not None:
        if result.total is None:
            reason = (
                f"the sender's total is {read.incoming_total}, but Remit cannot score these answers: "
                f"{', '.join(result.missing)} unanswered"
            )
            mismatch = ScoreMismatch(
                read.instrument.code, read.response_id, read.incoming_total, None, reason
            )
        elif Decimal(result.total) != Decimal(read.incoming_total):
            reason = f"the sender's total is {read.incoming_total}; Remit scores {result.total}"
            mismatch = ScoreMismatch(
                read.instrument.code, read.response_id, read.incoming_total, result.total, reason
            )
    return ScoredResponse(read=read, result=result, mismatch=mismatch)


# --- New instruments from a Questionnaire --------------------------------------------------------

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
    _require_resource(questionnaire, "Questionnaire")
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
                value = _whole(qoption.ordinal, f"{qitem.path}.answerOption[{index}]")
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
    panel = sorted(_panel_codes(questionnaire))
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


# --- Wording -------------------------------------------------------------------------------------


def wording_from_questionnaire(questionnaire: JSON, match: InstrumentMatch | None = None) -> dict[str, str]:
    """Remit item id -> the Questionnaire's item text, for the items that map onto the instrument."""
    match = match or match_instrument(questionnaire)
    if match is None:
        raise QuestionnaireError(
            "Questionnaire", "matches no Remit instrument, so there is no wording to attach"
        )
    texts = {qitem.link_id: qitem.text for qitem in questionnaire_items(questionnaire)}
    return {item_id: text for link_id, item_id in match.item_map.items() if (text := texts.get(link_id))}


# --- Stored definitions --------------------------------------------------------------------------


def instrument_to_json(instrument: Instrument) -> JSON:
    """A JSON document that ``instrument_from_json`` turns back into the same Instrument."""
    return {
        "code": instrument.code,
        "name": instrument.name,
        "version": instrument.version,
        "respondent": instrument.respondent,
        "recall_period": instrument.recall_period,
        "items": [
            {
                "id": item.id,
                "label": item.label,
                "text": item.text,
                "scored": item.scored,
                "loinc": item.loinc,
                "yes_no": item.yes_no,
                "conditional": item.conditional,
                "options": [
                    {"value": o.value, "label": o.label, "loinc": o.loinc, "points": o.points}
                    for o in item.options
                ],
            }
            for item in instrument.items
        ],
        "total_min": instrument.total_min,
        "total_max": instrument.total_max,
        "bands": [
            {"name": b.name, "low": b.low, "high": b.high, "source": b.source} for b in instrument.bands
        ],
        "loinc_panel": instrument.loinc_panel,
        "loinc_total": instrument.loinc_total,
        "loinc_band": instrument.loinc_band,
        "licence": instrument.licence,
        "wording_licensed": instrument.wording_licensed,
        "sources": list(instrument.sources),
    }


def instrument_from_json(document: Mapping[str, Any]) -> Instrument:
    return Instrument(
        code=document["code"],
        name=document["name"],
        version=document["version"],
        respondent=document["respondent"],
        recall_period=document.get("recall_period"),
        items=tuple(
            Item(
                id=item["id"],
                label=item["label"],
                text=item.get("text"),
                scored=item.get("scored", True),
                loinc=item.get("loinc"),
                yes_no=item.get("yes_no", False),
                conditional=item.get("conditional", False),
                options=tuple(
                    Option(value=o["value"], label=o["label"], loinc=o.get("loinc"), points=o.get("points"))
                    for o in item["options"]
                ),
            )
            for item in document["items"]
        ),
        total_min=document["total_min"],
        total_max=document["total_max"],
        bands=tuple(
            Band(b["name"], b.get("low"), b.get("high"), b.get("source", ""))
            for b in document.get("bands", [])
        ),
        loinc_panel=document.get("loinc_panel"),
        loinc_total=document.get("loinc_total"),
        loinc_band=document.get("loinc_band"),
        licence=document.get("licence", ""),
        wording_licensed=document.get("wording_licensed", False),
        sources=tuple(document.get("sources", ())),
    )


__all__ = [
    "InstrumentMatch",
    "QItem",
    "QOption",
    "QuestionnaireError",
    "ResponseAnswers",
    "ScoreMismatch",
    "ScoredResponse",
    "answers_from_response",
    "instrument_from_json",
    "instrument_to_json",
    "is_builtin",
    "map_items",
    "match_instrument",
    "ordinal_of",
    "questionnaire_items",
    "questionnaire_to_instrument",
    "score_answers",
    "score_imported",
    "score_response",
    "wording_from_questionnaire",
]
