"""Errors raised for bad instrument codes and bad answers."""

from __future__ import annotations


class UnknownInstrument(ValueError):
    def __init__(self, code: str, valid: tuple[str, ...]) -> None:
        self.code = code
        self.valid = valid
        super().__init__(f"unknown instrument {code!r}; valid codes: {', '.join(valid)}")


class AnswerError(ValueError):
    """An answer that cannot be scored: unknown item, wrong type, out of range, or skipped.

    ``item`` names the offending item id (or field, such as ``sex``), or is
    None when the answers as a whole are unreadable.
    """

    def __init__(self, item: str | None, message: str) -> None:
        self.item = item
        super().__init__(message)
