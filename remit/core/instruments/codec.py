"""An instrument definition as a JSON document and back (how a clinic's imported instruments are stored)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from remit.core.instruments.model import Band, Instrument, Item, Option

JSON = dict[str, Any]


def instrument_to_json(instrument: Instrument) -> JSON:
    """A JSON document that ``instrument_from_json`` turns back into the same Instrument."""
    return {
        "code": instrument.code,
        "name": instrument.name,
        "version": instrument.version,
        "respondent": instrument.respondent,
        "recall_period": instrument.recall_period,
        "items": [
            {
                "id": item.id,
                "label": item.label,
                "text": item.text,
                "scored": item.scored,
                "loinc": item.loinc,
                "yes_no": item.yes_no,
                "conditional": item.conditional,
                "options": [
                    {"value": o.value, "label": o.label, "loinc": o.loinc, "points": o.points}
                    for o in item.options
                ],
            }
            for item in instrument.items
        ],
        "total_min": instrument.total_min,
        "total_max": instrument.total_max,
        "bands": [
            {"name": b.name, "low": b.low, "high": b.high, "source": b.source} for b in instrument.bands
        ],
        "loinc_panel": instrument.loinc_panel,
        "loinc_total": instrument.loinc_total,
        "loinc_band": instrument.loinc_band,
        "licence": instrument.licence,
        "wording_licensed": instrument.wording_licensed,
        "sources": list(instrument.sources),
    }


def instrument_from_json(document: Mapping[str, Any]) -> Instrument:
    return Instrument(
        code=document["code"],
        name=document["name"],
        version=document["version"],
        respondent=document["respondent"],
        recall_period=document.get("recall_period"),
        items=tuple(
            Item(
                id=item["id"],
                label=item["label"],
                text=item.get("text"),
                scored=item.get("scored", True),
                loinc=item.get("loinc"),
                yes_no=item.get("yes_no", False),
                conditional=item.get("conditional", False),
                options=tuple(
                    Option(value=o["value"], label=o["label"], loinc=o.get("loinc"), points=o.get("points"))
                    for o in item["options"]
                ),
            )
            for item in document["items"]
        ),
        total_min=document["total_min"],
        total_max=document["total_max"],
        bands=tuple(
            Band(b["name"], b.get("low"), b.get("high"), b.get("source", ""))
            for b in document.get("bands", [])
        ),
        loinc_panel=document.get("loinc_panel"),
        loinc_total=document.get("loinc_total"),
        loinc_band=document.get("loinc_band"),
        licence=document.get("licence", ""),
        wording_licensed=document.get("wording_licensed", False),
        sources=tuple(document.get("sources", ())),
    )
