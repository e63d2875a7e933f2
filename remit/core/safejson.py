"""JSON parsing with a nesting limit, for every document Remit reads from outside.

Python's ``json`` module recurses once per nested array or object, so a
document nested a few thousand deep raises ``RecursionError`` (a crash, not a
clear refusal), and one nested just under the interpreter's limit makes every
later recursive walk of it (copying, validating, scoring) fragile. ``loads``
measures the nesting first with a loop that does not recurse, and refuses a
document deeper than ``MAX_DEPTH`` with ``TooDeep`` (a ``ValueError`` whose
message names the limit) before ``json`` sees it. Real FHIR resources and API
bodies are a few levels deep; a Questionnaire with groups inside groups
rarely passes 20.

Plain Python, no Django: used by the FHIR importer, ``remit instruments
import``, the JSON API's body parser and the CLI commands that read JSON.
"""

from __future__ import annotations

import json
import re
from typing import Any

MAX_DEPTH = 100

__all__ = ["MAX_DEPTH", "TooDeep", "check_depth", "depth", "loads"]

# A string (skipped whole, escapes and all) or one bracket.
_TOKENS = re.compile(r'"(?:[^"\\]|\\.)*"?|[\[\]{}]', re.DOTALL)


class TooDeep(ValueError):
    """The document nests arrays and objects deeper than the limit."""

    def __init__(self, limit: int, where: str = "") -> None:
        self.limit = limit
        self.where = where
        super().__init__(
            f"the JSON document is nested more than {limit} levels deep (the depth limit is {limit}); "
            "it was not read"
        )


def depth(text: str | bytes | bytearray, *, stop_after: int | None = None) -> int:
    """The deepest nesting of arrays and objects in ``text`` (brackets inside strings do not count).

    Does not check that ``text`` is valid JSON; ``stop_after`` returns as soon as that depth is passed.
    """
    if isinstance(text, (bytes, bytearray)):
        text = bytes(text).decode("utf-8", errors="replace")
    deepest = level = 0
    for token in _TOKENS.finditer(text):
        char = token.group()
        if char in "[{":
            level += 1
            if level > deepest:
                deepest = level
                if stop_after is not None and deepest > stop_after:
                    return deepest
        elif char in "]}":
            level -= 1
    return deepest


def check_depth(text: str | bytes | bytearray, limit: int = MAX_DEPTH) -> None:
    """Raise ``TooDeep`` when ``text`` nests deeper than ``limit``."""
    if depth(text, stop_after=limit) > limit:
        raise TooDeep(limit)


def loads(text: str | bytes | bytearray, *, limit: int = MAX_DEPTH) -> Any:
    """``json.loads`` that refuses documents nested deeper than ``limit`` (``TooDeep``).

    Other problems raise ``json.JSONDecodeError`` as usual (a ``ValueError`` too).
    """
    check_depth(text, limit)
    return json.loads(text)
