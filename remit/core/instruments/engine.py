"""Score one set of answers: check every answer, apply the instrument's rule."""

from __future__ import annotations

from collections.abc import Mapping

from remit.core.instruments.errors import AnswerError
from remit.core.instruments.model import Instrument, Item
from remit.core.instruments.registry import INSTRUMENTS, get_instrument, get_rule
from remit.core.instruments.result import ScoreResult
from remit.core.instruments.rules import Context, Rule, sum_of_items
from remit.core.instruments.settings import DEFAULT_SETTINGS, SEXES, ScoringSettings, Sex


def describe_range(item: Item) -> str:
    text = f"{item.min_value}–{item.max_value}"
    if item.yes_no:
        text += " (0 = No, 1 = Yes)"
    return text


def check_answer(instrument: Instrument, item: Item, value: object) -> int | None:
    """Return the answer as stored, or raise AnswerError naming the item and its range."""
    if value is None:
        return None
    # bool is an int subclass; True/False is not a rating, so refuse it here (parse_answers
    # turns JSON true/false into 1/0 for yes/no items).
    if isinstance(value, bool) or not isinstance(value, int):
        raise AnswerError(
            item.id,
            f"{instrument.code} {item.id}: expected a whole number {describe_range(item)} or empty, "
            f"got {value!r}",
        )
    if item.option(value) is None:
        raise AnswerError(
            item.id, f"{instrument.code} {item.id}: {value} is out of range {describe_range(item)}"
        )
    return value


def check_answers(instrument: Instrument, answers: Mapping[str, object]) -> dict[str, int | None]:
    """Every item id as a key (unanswered ones None); unknown ids and bad values refused."""
    known = set(instrument.item_ids)
    for key in answers:
        if key not in known:
            raise AnswerError(
                str(key),
                f"{instrument.code}: unknown item {key!r}; items are {', '.join(instrument.item_ids)}",
            )
    return {item.id: check_answer(instrument, item, answers.get(item.id)) for item in instrument.items}


def check_sex(sex: object) -> Sex | None:
    if sex is None:
        return None
    for allowed in SEXES:
        if sex == allowed:
            return allowed
    raise AnswerError("sex", f"sex: {sex!r} is not one of {', '.join(SEXES)} (or empty)")


def is_builtin(instrument: Instrument) -> bool:
    """Whether ``instrument`` is one of Remit's own definitions (not one a clinic imported)."""
    return INSTRUMENTS.get(instrument.code) is instrument


def rule_for(instrument: Instrument) -> Rule:
    """A built-in instrument's own rule; an imported one is the sum of its scored items' points
    (imported definitions carry no bands and raise no flags)."""
    return get_rule(instrument.code) if is_builtin(instrument) else sum_of_items


def score(
    instrument: str | Instrument,
    answers: Mapping[str, object],  # checked here: a value of the wrong type is an AnswerError
    *,
    sex: str | None = None,
    settings: ScoringSettings = DEFAULT_SETTINGS,
) -> ScoreResult:
    """Score ``answers`` (keyed by item id) on an instrument: the one way anything is scored.

    ``instrument`` is a built-in's code, a built-in definition, or an
    instrument a clinic imported from a FHIR Questionnaire (scored by sum:
    valid when every required scored item is answered, no bands, no flags).

    Raises UnknownInstrument for an unknown code and AnswerError for an
    unknown item id, a value of the wrong type or out of range, a bad
    ``sex``, or an answer to an item the form skips.
    """
    definition = get_instrument(instrument) if isinstance(instrument, str) else instrument
    checked = check_answers(definition, answers)
    outcome = rule_for(definition)(definition, checked, Context(sex=check_sex(sex), settings=settings))
    valid = not outcome.missing
    return ScoreResult(
        instrument=definition.code,
        version=definition.version,
        valid=valid,
        total=outcome.total if valid else None,
        max=definition.total_max,
        band=outcome.band if valid else None,
        flags=outcome.flags,
        missing=outcome.missing,
        loinc=definition.loinc_total,
        answers=checked,
    )
