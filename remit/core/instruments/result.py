"""The outcome of scoring one set of answers."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class ScoreResult:
    """A scored assessment.

    ``valid`` is False when a required scored item is unanswered; then
    ``total`` and ``band`` are None and ``missing`` names the items. Safety
    flags that the present answers already decide are raised even when the
    result is invalid. ``max`` is the instrument's highest possible total and
    ``loinc`` the LOINC code of the total (None where unverified).
    """

    instrument: str
    version: str
    valid: bool
    total: int | None
    max: int
    band: str | None
    flags: tuple[str, ...]
    missing: tuple[str, ...]
    loinc: str | None
    answers: dict[str, int | None] = field(default_factory=dict, hash=False)

    def to_dict(self) -> dict[str, Any]:
        return {
            "instrument": self.instrument,
            "version": self.version,
            "valid": self.valid,
            "total": self.total,
            "max": self.max,
            "band": self.band,
            "flags": list(self.flags),
            "missing": list(self.missing),
            "loinc": self.loinc,
        }
