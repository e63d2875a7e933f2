"""Matching a FHIR Questionnaire onto a built-in instrument, item by item, and taking its wording.

``match_instrument`` maps an SDC-style Questionnaire onto a built-in
instrument (by Remit's canonical URL, Remit's instrument code, or the LOINC
panel code) and its items onto Remit item ids (by item LOINC code, by linkId
for Remit's own Questionnaires, then by order for scored items whose answer
scores fit). ``wording_from_questionnaire`` takes a licensed instrument's
wording from a clinic's Questionnaire.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Literal

from remit.core.fhir_systems import CANONICAL_BASE, INSTRUMENT_SYSTEM
from remit.core.instruments.model import Instrument, Item
from remit.core.instruments.questionnaire.reading import (
    JSON,
    QItem,
    QuestionnaireError,
    bare_url,
    codes_of,
    panel_codes,
    questionnaire_items,
    require_resource,
)
from remit.core.instruments.questionnaire.terms import TOTAL_LINK_ID
from remit.core.instruments.registry import INSTRUMENTS

MatchedBy = Literal["canonical_url", "instrument_code", "loinc_panel", "given"]


@dataclass(frozen=True)
class InstrumentMatch:
    """How a Questionnaire maps onto a Remit instrument.

    ``item_map`` is linkId -> Remit item id. ``unmapped_items`` are Remit
    items no Questionnaire item was found for; ``unrecognised_link_ids`` are
    Questionnaire items that map to nothing (other questions).
    """

    code: str
    matched_by: MatchedBy
    item_map: dict[str, str]
    total_link_id: str | None
    unmapped_items: tuple[str, ...]
    unrecognised_link_ids: tuple[str, ...]

    @property
    def link_ids(self) -> dict[str, str]:
        """Remit item id -> linkId."""
        return {item_id: link_id for link_id, item_id in self.item_map.items()}


def _points(item: Item) -> set[Decimal]:
    return {Decimal(item.points_for(option.value)) for option in item.options}


def _fits(qitem: QItem, item: Item) -> bool:
    """Whether a Questionnaire item's answers score like a Remit item's (for matching by order)."""
    if qitem.type != "choice" or qitem.loinc_codes:
        return False  # a LOINC-coded item that matched no Remit item is a different question
    ordinals = qitem.ordinals
    if ordinals is not None:
        return set(ordinals) == _points(item) and len(ordinals) == len(item.options)
    loinc_answers = {option.loinc for option in item.options if option.loinc}
    codes = {option.code for option in qitem.options}
    return bool(loinc_answers) and codes == loinc_answers


def map_items(
    questionnaire: JSON, instrument: Instrument, *, trust_link_ids: bool = False
) -> tuple[dict[str, str], str | None, tuple[str, ...], tuple[str, ...]]:
    """(item_map, total_link_id, unmapped_items, unrecognised_link_ids) for one instrument.

    Items map by LOINC item code; by linkId == Remit item id when
    ``trust_link_ids`` (Remit's own Questionnaires); then remaining scored
    items by order, to the next unmapped choice item whose answer scores fit.
    """
    qitems = questionnaire_items(questionnaire)
    by_loinc = {item.loinc: item.id for item in instrument.items if item.loinc}
    item_map: dict[str, str] = {}
    taken: set[str] = set()
    total_link_id: str | None = None

    for qitem in qitems:
        if instrument.loinc_total and instrument.loinc_total in qitem.loinc_codes:
            total_link_id = total_link_id or qitem.link_id
            continue
        if trust_link_ids and qitem.link_id == TOTAL_LINK_ID:
            total_link_id = total_link_id or qitem.link_id
            continue
        for code in qitem.loinc_codes:
            item_id = by_loinc.get(code)
            if item_id and item_id not in taken:
                item_map[qitem.link_id] = item_id
                taken.add(item_id)
                break
        else:
            if trust_link_ids and qitem.link_id in instrument.item_ids and qitem.link_id not in taken:
                item_map[qitem.link_id] = qitem.link_id
                taken.add(qitem.link_id)

    if total_link_id is None:
        for qitem in qitems:
            if qitem.link_id not in item_map and (qitem.read_only or qitem.calculated) and not qitem.options:
                total_link_id = qitem.link_id
                break

    remaining = [q for q in qitems if q.link_id not in item_map and q.link_id != total_link_id]
    cursor = 0
    for item in instrument.items:
        if item.id in taken or not item.scored:
            continue
        for position in range(cursor, len(remaining)):
            if _fits(remaining[position], item):
                item_map[remaining[position].link_id] = item.id
                taken.add(item.id)
                cursor = position + 1
                break

    unmapped = tuple(item.id for item in instrument.items if item.id not in taken)
    unrecognised = tuple(
        q.link_id for q in qitems if q.link_id not in item_map and q.link_id != total_link_id
    )
    return item_map, total_link_id, unmapped, unrecognised


def match_instrument(
    questionnaire: JSON,
    *,
    canonical_base: str = CANONICAL_BASE,
    instruments: Mapping[str, Instrument] = INSTRUMENTS,
) -> InstrumentMatch | None:
    """The built-in instrument a Questionnaire is, with its item map; None if it is none of them.

    Tried in order: Remit's canonical URL (``<canonical_base>/<code>``),
    Remit's instrument code in ``Questionnaire.code``, the LOINC panel code
    (in ``code`` or a LOINC ``identifier``, as LHC-Forms writes it).
    """
    require_resource(questionnaire, "Questionnaire")
    code: str | None = None
    matched_by: MatchedBy | None = None
    url = bare_url(questionnaire.get("url"))
    prefix = canonical_base.rstrip("/") + "/"
    if url.startswith(prefix) and url[len(prefix) :] in instruments:
        code, matched_by = url[len(prefix) :], "canonical_url"
    if code is None:
        for system, value in codes_of(questionnaire):
            if system == INSTRUMENT_SYSTEM and value in instruments:
                code, matched_by = value, "instrument_code"
                break
    if code is None:
        panels = panel_codes(questionnaire)
        for instrument in instruments.values():
            if instrument.loinc_panel and instrument.loinc_panel in panels:
                code, matched_by = instrument.code, "loinc_panel"
                break
    if code is None or matched_by is None:
        return None
    item_map, total, unmapped, unrecognised = map_items(
        questionnaire, instruments[code], trust_link_ids=matched_by in ("canonical_url", "instrument_code")
    )
    return InstrumentMatch(code, matched_by, item_map, total, unmapped, unrecognised)


def wording_from_questionnaire(questionnaire: JSON, match: InstrumentMatch | None = None) -> dict[str, str]:
    """Remit item id -> the Questionnaire's item text, for the items that map onto the instrument."""
    match = match or match_instrument(questionnaire)
    if match is None:
        raise QuestionnaireError(
            "Questionnaire", "matches no Remit instrument, so there is no wording to attach"
        )
    texts = {qitem.link_id: qitem.text for qitem in questionnaire_items(questionnaire)}
    return {item_id: text for link_id, item_id in match.item_map.items() if (text := texts.get(link_id))}
