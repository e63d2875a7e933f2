"""HAM-D17 (clinical-reference 1.5)."""

from __future__ import annotations

import pytest

from remit.core.instruments import AnswerError, get_instrument, score
from remit.core.tests.instruments.helpers import all_at, spread

HAMD = get_instrument("hamd17")
WIDE = (1, 2, 3, 7, 8, 9, 10, 11, 15)


def test_item_ranges_follow_the_published_split() -> None:
    """Items 1-3, 7-11, 15 are 0-4; 4-6, 12-14, 16-17 are 0-2; total 0-52 (cliot R docs)."""
    for n in range(1, 18):
        assert HAMD.item(f"q{n}").max_value == (4 if n in WIDE else 2)
    assert (
        score("hamd17", all_at("hamd17", 0) | {f"q{n}": (4 if n in WIDE else 2) for n in range(1, 18)}).total
        == 52
    )


def test_a_narrow_item_refuses_3() -> None:
    """Item 4 (early insomnia) is rated 0-2 (cliot R docs)."""
    with pytest.raises(AnswerError, match="hamd17 q4: 3 is out of range 0–2"):
        score("hamd17", {"q4": 3})


@pytest.mark.parametrize(
    ("total", "band"),
    [
        (0, "none"),
        (7, "none"),
        (8, "mild"),
        (16, "mild"),
        (17, "moderate"),
        (23, "moderate"),
        (24, "severe"),
        (52, "severe"),
    ],
)
def test_band_edges_follow_zimmerman_2013(total: int, band: str) -> None:
    """Mild/moderate cut 17, moderate/severe cut 24, <= 7 none (Zimmerman 2013, PubMed 23759278)."""
    result = score("hamd17", spread(HAMD, total))
    assert (result.total, result.band, result.max) == (total, band, 52)


def test_wording_is_shipped_because_it_is_public_domain() -> None:
    """Public domain (NINDS CDE, via CamCOPS tasks/hamd.rst)."""
    assert HAMD.show_wording
    assert all(item.text and all(option.label for option in item.options) for item in HAMD.items)
