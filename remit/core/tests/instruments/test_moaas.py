"""MOAA/S (clinical-reference 8)."""

from __future__ import annotations

import pytest

from remit.core.instruments import AnswerError, get_instrument, score

MOAAS = get_instrument("moaas")


def test_0_is_loss_of_consciousness() -> None:
    """'0 is loss of consciousness' (Spravato label; BMC Anesthesiology 2022 Table 2)."""
    result = score("moaas", {"score": 0})
    assert result.flags == ("loss_of_consciousness",)
    assert result.total == 0


@pytest.mark.parametrize("value", [1, 2, 3, 4, 5])
def test_1_to_5_is_not_loss_of_consciousness(value: int) -> None:
    """Only 0, 'no response to painful trapezius squeeze', is loss of consciousness (BMC Anesthesiology 2022)."""
    result = score("moaas", {"score": value})
    assert result.flags == ()
    assert (result.total, result.band, result.max) == (value, None, 5)


def test_anchors_run_from_no_response_to_responds_readily() -> None:
    """0-5 anchors as in clinical-reference 8 (BMC Anesthesiology 2022 Table 2)."""
    labels = [option.label for option in MOAAS.item("score").options]
    assert labels[0].startswith("No response to painful trapezius squeeze")
    assert labels[5].startswith("Responds readily to name")
    assert len(labels) == 6


def test_6_is_refused_and_a_blank_is_missing() -> None:
    """MOAA/S is a 0-5 integer (clinical-reference 8)."""
    with pytest.raises(AnswerError, match="moaas score: 6 is out of range 0–5"):
        score("moaas", {"score": 6})
    result = score("moaas", {"score": None})
    assert (result.valid, result.missing, result.flags) == (False, ("score",), ())
