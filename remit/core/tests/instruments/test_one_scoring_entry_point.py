"""Everything is scored by ``remit.core.instruments.score``: built-in instruments by code or definition,
imported ones by sum. No second scoring entry point exists anywhere else."""

from __future__ import annotations

import re
from pathlib import Path

from remit.core.instruments import get_instrument, score
from remit.core.instruments.questionnaire import questionnaire_to_instrument
from remit.core.tests.instruments.questionnaire_samples import sleep_questionnaire

REMIT = Path(__file__).resolve().parents[3]
PHQ9_ANSWERS: dict[str, int | None] = {**{f"q{n}": 2 for n in range(1, 10)}, "q10": 1}


def test_a_built_in_definition_scores_exactly_as_its_code() -> None:
    assert score(get_instrument("phq9"), PHQ9_ANSWERS) == score("phq9", PHQ9_ANSWERS)
    assert score("phq9", PHQ9_ANSWERS).band == "moderately_severe"


def test_an_imported_instrument_scores_by_sum_with_no_band_and_no_flags() -> None:
    result = score(questionnaire_to_instrument(sleep_questionnaire()), {"q1": 2, "q2": 3, "q3": 1})
    assert (result.valid, result.total, result.band, result.flags) == (True, 6, None, ())


def test_no_module_outside_the_instrument_engine_applies_a_scoring_rule_itself() -> None:
    engine = REMIT / "core" / "instruments"
    own_rule = re.compile(r"\bsum_of_items\b|instruments\.rules\b|\bget_rule\(|\bRULES\[")
    offenders = [
        str(path.relative_to(REMIT))
        for path in REMIT.rglob("*.py")
        if "tests" not in path.parts
        and engine not in path.parents
        and own_rule.search(path.read_text(encoding="utf-8"))
    ]
    assert offenders == [], "score through remit.core.instruments.score, not a rule of your own"
