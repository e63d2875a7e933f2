"""Reading a FHIR QuestionnaireResponse as Remit answers, and scoring it with Remit's one scorer.

``answers_from_response`` reads a QuestionnaireResponse into Remit answers;
``score_response`` scores them with ``remit.core.instruments.score`` (built-in
instruments by their own rule, imported ones by sum) and reports a
``ScoreMismatch`` when the incoming total differs. The sender's total is only
ever compared, never trusted.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from remit.core.fhir_systems import CANONICAL_BASE
from remit.core.instruments.engine import score
from remit.core.instruments.errors import AnswerError
from remit.core.instruments.model import Instrument, Item
from remit.core.instruments.questionnaire.matching import InstrumentMatch, map_items, match_instrument
from remit.core.instruments.questionnaire.reading import (
    JSON,
    QItem,
    QuestionnaireError,
    bare_url,
    ordinal_of,
    questionnaire_items,
    require_resource,
    whole_number,
)
from remit.core.instruments.questionnaire.terms import option_coding
from remit.core.instruments.registry import INSTRUMENTS
from remit.core.instruments.result import ScoreResult
from remit.core.instruments.settings import DEFAULT_SETTINGS, ScoringSettings


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
            points = whole_number(ordinal, f"{path}.valueCoding")
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
            value = whole_number(Decimal(str(raw)), f"{path}.{key}")
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
    require_resource(questionnaire, "Questionnaire")
    require_resource(response, "QuestionnaireResponse")
    q_url, r_url = bare_url(questionnaire.get("url")), bare_url(response.get("questionnaire"))
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
        result = score(read.instrument, read.answers, sex=sex, settings=settings)
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
