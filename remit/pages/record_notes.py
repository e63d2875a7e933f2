"""Notes other apps attach to single records on the patient chart (e.g. "amended: see the amendment").

The registry app shows a record's notes beside it without knowing who wrote them: a provider
``provider(patient, user) -> {(model label, record id): [note, ...]}`` is registered in
``remit.wiring``; each note is a dict with ``text`` (plain words) and optionally ``url``. A provider
runs a fixed number of queries and returns nothing for a user whose role may not see its notes.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

Key = tuple[str, int]
Provider = Callable[[Any, Any], dict[Key, list[dict[str, Any]]]]

PROVIDERS: list[Provider] = []


def register(provider: Provider) -> None:
    if not any(existing is provider for existing in PROVIDERS):
        PROVIDERS.append(provider)


def collect(patient: Any, user: Any) -> dict[Key, list[dict[str, Any]]]:
    notes: dict[Key, list[dict[str, Any]]] = {}
    for provider in PROVIDERS:
        for key, found in provider(patient, user).items():
            notes.setdefault(key, []).extend(found)
    return notes


def attach(notes: dict[Key, list[dict[str, Any]]], label: str, records: list[Any]) -> None:
    """Set ``record.record_notes`` on each record (an empty list when it has none)."""
    for record in records:
        record.record_notes = notes.get((label, record.pk), [])
