"""Validated instruments as data, and the engine that scores them.

Other modules import from here only: ``score(code, answers)`` returns a
``ScoreResult``; ``INSTRUMENTS`` / ``get_instrument`` give the definitions.
"""

from remit.core.instruments.engine import score
from remit.core.instruments.errors import AnswerError, UnknownInstrument
from remit.core.instruments.model import Band, Instrument, Item, Option
from remit.core.instruments.parsing import parse_answers
from remit.core.instruments.registry import INSTRUMENTS, get_instrument
from remit.core.instruments.result import ScoreResult
from remit.core.instruments.settings import DEFAULT_SETTINGS, ScoringSettings

__all__ = [
    "DEFAULT_SETTINGS",
    "INSTRUMENTS",
    "AnswerError",
    "Band",
    "Instrument",
    "Item",
    "Option",
    "ScoreResult",
    "ScoringSettings",
    "UnknownInstrument",
    "get_instrument",
    "parse_answers",
    "score",
]
