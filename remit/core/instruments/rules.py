"""What a scoring rule receives and returns, and the helpers most rules share.

A rule gets answers that the engine has already checked (every item id is a
key, every value is None or one of the item's option values) and returns an
``Outcome``. Rules never prorate: no published prorating rule exists for
these instruments (clinical-reference 8, "PHQ-9 missing items").
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass

from remit.core.instruments.model import Instrument
from remit.core.instruments.settings import ScoringSettings, Sex

Answers = Mapping[str, int | None]


@dataclass(frozen=True)
class Context:
    """Facts outside the answers that some rules need."""

    sex: Sex | None
    settings: ScoringSettings


@dataclass(frozen=True)
class Outcome:
    total: int | None
    band: str | None
    flags: tuple[str, ...]
    missing: tuple[str, ...]


Rule = Callable[[Instrument, Answers, Context], Outcome]


def unanswered(answers: Answers, item_ids: Iterable[str]) -> tuple[str, ...]:
    return tuple(item_id for item_id in item_ids if answers.get(item_id) is None)


def required_missing(instrument: Instrument, answers: Answers) -> tuple[str, ...]:
    """Scored, unconditional items left blank."""
    return unanswered(answers, (item.id for item in instrument.items if item.scored and not item.conditional))


def points(instrument: Instrument, answers: Answers, item_id: str) -> int | None:
    value = answers.get(item_id)
    return None if value is None else instrument.item(item_id).points_for(value)


def present_points(instrument: Instrument, answers: Answers, item_ids: Iterable[str]) -> int:
    """Points from the answered items only: a lower bound on the total.

    Used to raise threshold flags that the present answers already decide.
    """
    return sum(p for item_id in item_ids if (p := points(instrument, answers, item_id)) is not None)


def scored_ids(instrument: Instrument) -> tuple[str, ...]:
    return tuple(item.id for item in instrument.items if item.scored)


def band_for_total(instrument: Instrument, total: int | None) -> str | None:
    if total is None:
        return None
    for band in instrument.bands:
        if band.low is not None and band.high is not None and band.low <= total <= band.high:
            return band.name
    return None


def sum_of_items(instrument: Instrument, answers: Answers, _context: Context) -> Outcome:
    """Total = sum of the scored items' points; band by total; no flags."""
    missing = required_missing(instrument, answers)
    total = None if missing else present_points(instrument, answers, scored_ids(instrument))
    return Outcome(total=total, band=band_for_total(instrument, total), flags=(), missing=missing)


def flags_in_order(*candidates: tuple[str, bool]) -> tuple[str, ...]:
    return tuple(name for name, raised in candidates if raised)
