"""DAST-10 (clinical-reference 1.9)."""

from __future__ import annotations

import pytest

from remit.core.instruments import get_instrument, score

DAST = get_instrument("dast10")


def answers_with_points(points: int) -> dict[str, int | None]:
    """Yes to the first ``points`` of items 1, 2, 4..10 and 'No' to item 3 for the tenth point."""
    plain = [f"q{n}" for n in (1, 2, 4, 5, 6, 7, 8, 9, 10)]
    answers: dict[str, int | None] = {item_id: int(i < points) for i, item_id in enumerate(plain)}
    answers["q3"] = 0 if points == 10 else 1
    return answers


def test_item_3_is_reverse_scored() -> None:
    """'Item 3 ... is reverse-scored: No = 1' (comorbidityguidelines.org.au; awell-score dast_10)."""
    all_no = {f"q{n}": 0 for n in range(1, 11)}
    assert score("dast10", all_no).total == 1
    assert score("dast10", all_no | {"q3": 1}).total == 0


@pytest.mark.parametrize(
    ("total", "band"),
    [
        (0, "none"),
        (1, "low"),
        (2, "low"),
        (3, "moderate"),
        (5, "moderate"),
        (6, "substantial"),
        (8, "substantial"),
        (9, "severe"),
        (10, "severe"),
    ],
)
def test_band_edges(total: int, band: str) -> None:
    """0 none; 1-2 low; 3-5 moderate; 6-8 substantial; 9-10 severe (comorbidityguidelines.org.au; NIDA CDE)."""
    result = score("dast10", answers_with_points(total))
    assert (result.total, result.band, result.max) == (total, band, 10)


def test_loinc_total_and_yes_no_items() -> None:
    """LOINC total 82667-7 (clinical-reference 8); 10 yes/no items."""
    assert DAST.loinc_total == "82667-7"
    assert all(item.yes_no and item.max_value == 1 for item in DAST.items)
    assert all(item.text is None for item in DAST.items)
