"""One page of answers, as a patient sends it: check each answer, apply skip logic, say what is missing.

The portal shows one instrument per page.  ``check_page`` takes the answers
kept so far and the raw values posted for the items shown, and returns the
answers to keep, a plain message per item that is wrong or still missing,
and whether the answers called for more questions on the same page (the
C-SSRS screen asks Q3-Q5 only when Q2 is yes).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from remit.core.instruments.cssrs_screen import applicable_items
from remit.core.instruments.engine import check_answer, score
from remit.core.instruments.errors import AnswerError
from remit.core.instruments.model import Instrument

Answers = dict[str, int | None]


def item_message(code: str, error: AnswerError) -> str:
    """The engine's message without its "code item: " prefix (the page already names the item)."""
    text = str(error)
    for prefix in (f"{code} {error.item}: ", f"{code}: ", f"{error.item}: "):
        if text.startswith(prefix):
            return text[len(prefix) :]
    return text


def shown_items(instrument: Instrument, answers: Mapping[str, int | None]) -> list[str]:
    """The items a page shows for these answers (skip logic: C-SSRS Q3-Q5 only after a yes to Q2)."""
    if instrument.code == "cssrs_screen":
        return list(applicable_items(answers))
    return list(instrument.item_ids)


@dataclass(frozen=True)
class PageCheck:
    """The answers to keep, the message per item (key "" for the page as a whole), and whether more
    questions were revealed on the same page."""

    answers: Answers
    errors: dict[str, str] = field(default_factory=dict)
    revealed: bool = False


def check_page(
    instrument: Instrument,
    kept: Mapping[str, int | None],
    posted: Mapping[str, str],
    sex: str | None = None,
) -> PageCheck:
    """Check the raw values ``posted`` (item id -> text, for the items that were shown) on top of ``kept``.

    An empty value is unanswered; an item that no longer applies is dropped,
    not kept hidden.  A shown item still unanswered is "Please answer this
    question."; an item the answers now call for but that was not shown sets
    ``revealed``.
    """
    answers: Answers = dict(kept)
    errors: dict[str, str] = {}
    shown_now = [item_id for item_id in posted if item_id in instrument.item_ids]
    for item_id in shown_now:
        raw = posted[item_id].strip()
        if raw == "":
            answers[item_id] = None
            continue
        value: object
        try:
            value = int(raw)
        except ValueError:
            value = raw
        try:
            answers[item_id] = check_answer(instrument, instrument.item(item_id), value)
        except AnswerError as error:
            errors[item_id] = item_message(instrument.code, error)
            answers[item_id] = None
    shown = shown_items(instrument, answers)
    answers = {item_id: value for item_id, value in answers.items() if item_id in shown}
    try:
        missing: tuple[str, ...] = score(instrument.code, answers, sex=sex).missing
    except AnswerError as error:
        missing = ()
        errors.setdefault(error.item or "", item_message(instrument.code, error))
    revealed = False
    for item_id in missing:
        if item_id in shown_now:
            errors.setdefault(item_id, "Please answer this question.")
        else:
            revealed = True
    return PageCheck(answers, errors, revealed)
