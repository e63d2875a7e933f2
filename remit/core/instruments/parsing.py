"""Read answers typed on a command line or posted as text.

Two forms: a JSON object keyed by item id (``{"q1": 2, "q2": null}``), or a
comma list in item order where an empty place is an unanswered item
(``2,1,,0``). Trailing places may be left off only for items that are
unscored or conditional (PHQ-9 item 10, C-SSRS Q6-recent).
"""

from __future__ import annotations

import json

from remit.core import safejson
from remit.core.instruments.engine import check_answers
from remit.core.instruments.errors import AnswerError
from remit.core.instruments.model import Instrument, Item

_YES_WORDS = {"y": 1, "yes": 1, "n": 0, "no": 0}


def parse_answers(instrument: Instrument, text: str) -> dict[str, int | None]:
    stripped = text.strip()
    raw = _parse_json(instrument, stripped) if stripped.startswith("{") else _parse_list(instrument, stripped)
    return check_answers(instrument, raw)


def _parse_json(instrument: Instrument, text: str) -> dict[str, object]:
    try:
        document = safejson.loads(text)
    except safejson.TooDeep as error:
        raise AnswerError(None, f"{instrument.code} answers: {error}") from None
    except json.JSONDecodeError as error:
        raise AnswerError(None, f"{instrument.code} answers: not valid JSON ({error.msg})") from None
    if not isinstance(document, dict):
        raise AnswerError(None, f"{instrument.code} answers: expected a JSON object keyed by item id")
    parsed: dict[str, object] = {}
    for key, value in document.items():
        item = _known_item(instrument, key)
        if isinstance(value, bool) and item.yes_no:
            parsed[key] = int(value)
        else:
            parsed[key] = value
    return parsed


def _parse_list(instrument: Instrument, text: str) -> dict[str, object]:
    places = [place.strip() for place in text.split(",")]
    items = instrument.items_in_order
    fewest = len(items)
    while fewest > 0 and (not items[fewest - 1].scored or items[fewest - 1].conditional):
        fewest -= 1
    if not fewest <= len(places) <= len(items):
        expected = str(len(items)) if fewest == len(items) else f"{fewest}–{len(items)}"
        raise AnswerError(
            None,
            f"{instrument.code} answers: {len(places)} places given, expected {expected} "
            f"in the order {', '.join(instrument.item_ids)}",
        )
    return {
        item.id: _parse_place(instrument, item, place) for item, place in zip(items, places, strict=False)
    }


def _parse_place(instrument: Instrument, item: Item, place: str) -> object:
    if place == "":
        return None
    if item.yes_no and place.lower() in _YES_WORDS:
        return _YES_WORDS[place.lower()]
    try:
        return int(place)
    except ValueError:
        raise AnswerError(item.id, f"{instrument.code} {item.id}: {place!r} is not a whole number") from None


def _known_item(instrument: Instrument, key: str) -> Item:
    try:
        return instrument.item(key)
    except KeyError:
        raise AnswerError(
            key, f"{instrument.code}: unknown item {key!r}; items are {', '.join(instrument.item_ids)}"
        ) from None
