"""Instrument definitions as data: items, answer options, bands, codes, licence.

Nothing here scores anything; the scoring rules live beside each instrument's
data and are applied by ``engine.score``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

Respondent = Literal["patient", "clinician"]
BandBasis = Literal["total", "rule", "none"]


@dataclass(frozen=True)
class Option:
    """One allowed answer to an item.

    ``value`` is what is stored. ``points`` is what the answer adds to the
    total when that differs from the stored value (DAST-10 item 3 is
    reverse-scored: the stored "No" (0) earns 1 point); None means the
    points equal the value.
    """

    value: int
    label: str
    loinc: str | None = None
    points: int | None = None


@dataclass(frozen=True)
class Item:
    """One question or rating.

    ``label`` is a short neutral name that may be shipped for every
    instrument. ``text`` is the full wording, present only for instruments
    whose wording is free to reproduce. ``scored`` is False for items that are
    stored but never counted (PHQ-9 item 10). ``conditional`` marks items
    asked only when an earlier answer calls for them (C-SSRS skip logic) or
    answered either-or on the form (QIDS-SR16 items 6/7 and 8/9), so a blank
    one is not automatically missing.
    """

    id: str
    label: str
    options: tuple[Option, ...]
    text: str | None = None
    scored: bool = True
    loinc: str | None = None
    yes_no: bool = False
    conditional: bool = False

    @property
    def min_value(self) -> int:
        return min(option.value for option in self.options)

    @property
    def max_value(self) -> int:
        return max(option.value for option in self.options)

    def option(self, value: int) -> Option | None:
        for option in self.options:
            if option.value == value:
                return option
        return None

    def points_for(self, value: int) -> int:
        option = self.option(value)
        if option is None:
            raise ValueError(f"{self.id}: {value} is not one of its options")
        return option.value if option.points is None else option.points


@dataclass(frozen=True)
class Band:
    """A named severity band, in severity order within its instrument.

    ``low``/``high`` are the inclusive total range. They are None when the
    band is decided by a rule rather than a total range (the C-SSRS risk
    ladder; AUDIT-C, whose cut-off depends on sex).
    """

    name: str
    low: int | None
    high: int | None
    source: str


@dataclass(frozen=True)
class Instrument:
    """A validated questionnaire or rating scale, as data.

    ``wording_licensed`` True means the item wording must not be shipped:
    ``Item.text`` is None and a clinic that holds the licence loads the
    wording itself (e.g. as a FHIR Questionnaire). ``version`` is the version
    of Remit's definition; it changes whenever items or scoring change, so a
    stored score says which definition produced it. LOINC codes are None
    wherever they have not been verified.
    """

    code: str
    name: str
    version: str
    respondent: Respondent
    recall_period: str | None
    items: tuple[Item, ...]
    total_min: int
    total_max: int
    bands: tuple[Band, ...]
    loinc_panel: str | None
    loinc_total: str | None
    licence: str
    wording_licensed: bool
    sources: tuple[str, ...]
    loinc_band: str | None = None

    @property
    def items_in_order(self) -> tuple[Item, ...]:
        return self.items

    @property
    def item_ids(self) -> tuple[str, ...]:
        return tuple(item.id for item in self.items)

    @property
    def show_wording(self) -> bool:
        return not self.wording_licensed

    @property
    def band_basis(self) -> BandBasis:
        if not self.bands:
            return "none"
        if all(band.low is not None and band.high is not None for band in self.bands):
            return "total"
        return "rule"

    @property
    def band_names(self) -> tuple[str, ...]:
        return tuple(band.name for band in self.bands)

    def item(self, item_id: str) -> Item:
        for item in self.items:
            if item.id == item_id:
                return item
        raise KeyError(f"{self.code} has no item {item_id!r}; items are {', '.join(self.item_ids)}")

    def band_rank(self, band_name: str) -> int:
        """Position of a band in severity order (0 = least severe)."""
        return self.band_names.index(band_name)
