"""Shared helpers for the instrument tests."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from remit.core.instruments import Instrument, get_instrument

REPO_ROOT = Path(__file__).resolve().parents[4]


def shared_dir() -> Path:
    """The repo's copy of the shared test material (``tests/fhir-samples`` and its README)."""
    return REPO_ROOT / "tests"


def load_shared_json(relative: str) -> Any:
    return json.loads((shared_dir() / relative).read_text(encoding="utf-8"))


def spread(
    instrument: Instrument, total: int, item_ids: tuple[str, ...] | None = None
) -> dict[str, int | None]:
    """Answers for a plain-sum instrument whose total is ``total``, filling items in order."""
    ids = item_ids if item_ids is not None else tuple(item.id for item in instrument.items if item.scored)
    answers: dict[str, int | None] = {}
    remaining = total
    for item_id in ids:
        value = min(remaining, instrument.item(item_id).max_value)
        answers[item_id] = value
        remaining -= value
    assert remaining == 0, f"{total} does not fit {instrument.code}"
    return answers


def all_at(code: str, value: int) -> dict[str, int | None]:
    return {item.id: value for item in get_instrument(code).items}


def load_fhir_sample(name: str) -> Any:
    """One of the shared FHIR sample files (``tests/fhir-samples``)."""
    return load_shared_json(f"fhir-samples/{name}")
