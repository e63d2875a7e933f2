"""Treatment-resistance context: failed adequate trials and the Maudsley Staging Method."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from remit.core.screening.resistance import (
    MAUDSLEY_SOURCE,
    Trial,
    count_failed_adequate_trials,
    maudsley_stage,
)


def trial(adequate: bool, outcome: str) -> Trial:
    return Trial(drug="sertraline", max_daily_dose_mg=200, weeks=8, adequate=adequate, outcome=outcome)  # type: ignore[arg-type]


def test_only_adequate_trials_without_response_count_as_failed() -> None:
    """Treatment resistance counts adequate trials that did not work."""
    trials = [
        trial(True, "no_response"),
        trial(True, "partial"),
        trial(True, "response"),
        trial(True, "not_tolerated"),
        trial(False, "no_response"),
    ]
    assert count_failed_adequate_trials(trials) == 2
    assert count_failed_adequate_trials([]) == 0


def test_a_bad_trial_is_refused_naming_the_field() -> None:
    with pytest.raises(ValueError, match="outcome"):
        trial(True, "better")
    with pytest.raises(ValueError, match="max_daily_dose_mg"):
        Trial(drug="x", max_daily_dose_mg=0, weeks=6, adequate=True, outcome="response")


def test_a_worked_maudsley_example() -> None:
    """Fekadu 2009: duration 13-24 months 2 + severe without psychosis 4 + 3-4 failures 2 + augmentation 1
    + no ECT 0 = 9, moderate (7-10)."""
    stage = maudsley_stage(
        episode_duration_months=18,
        severity="severe_without_psychosis",
        failed_antidepressants=3,
        augmentation_used=True,
        ect_used=False,
    )
    assert stage is not None
    assert (stage.score, stage.stage) == (9, "moderate")
    assert stage.source == MAUDSLEY_SOURCE and "Fekadu" in stage.source


@pytest.mark.parametrize(
    ("months", "failed", "score"),
    [
        (12, 2, 3),
        (13, 2, 4),
        (24, 2, 4),
        (25, 2, 5),
        (12, 3, 4),
        (12, 5, 5),
        (12, 7, 6),
        (12, 10, 6),
        (12, 11, 7),
    ],
)
def test_maudsley_duration_and_failure_levels_change_at_the_published_boundaries(
    months: int, failed: int, score: int
) -> None:
    """Fekadu 2009: duration <=12 / 13-24 / >24 months; failures 1-2 / 3-4 / 5-6 / 7-10 / >10."""
    stage = maudsley_stage(
        episode_duration_months=months,
        severity="subsyndromal",
        failed_antidepressants=failed,
        augmentation_used=False,
        ect_used=False,
    )
    assert stage is not None and stage.score == score


def test_maudsley_extremes_are_3_mild_and_15_severe() -> None:
    """Fekadu 2009: total 3-15; mild 3-6, moderate 7-10, severe 11-15."""
    low = maudsley_stage(
        episode_duration_months=1,
        severity="subsyndromal",
        failed_antidepressants=1,
        augmentation_used=False,
        ect_used=False,
    )
    high = maudsley_stage(
        episode_duration_months=60,
        severity="severe_with_psychosis",
        failed_antidepressants=12,
        augmentation_used=True,
        ect_used=True,
    )
    assert low is not None and (low.score, low.stage) == (3, "mild")
    assert high is not None and (high.score, high.stage) == (15, "severe")


@pytest.mark.parametrize(
    "missing",
    ["episode_duration_months", "severity", "failed_antidepressants", "augmentation_used", "ect_used"],
)
def test_maudsley_stage_is_none_when_a_dimension_is_unknown(missing: str) -> None:
    """The stage is shown only "where the data allow"."""
    values: dict[str, object] = {
        "episode_duration_months": 30,
        "severity": "moderate",
        "failed_antidepressants": 4,
        "augmentation_used": False,
        "ect_used": False,
    }
    values[missing] = None
    assert maudsley_stage(**values) is None  # type: ignore[arg-type]


def test_maudsley_stage_is_none_without_a_failed_treatment() -> None:
    """Fekadu 2009 stages resistance from the first failed treatment (level 1 = 1-2 medications)."""
    assert (
        maudsley_stage(
            episode_duration_months=30,
            severity="moderate",
            failed_antidepressants=0,
            augmentation_used=False,
            ect_used=False,
        )
        is None
    )


@settings(max_examples=60, deadline=None)
@given(
    st.integers(0, 240),
    st.sampled_from(
        ["subsyndromal", "mild", "moderate", "severe_without_psychosis", "severe_with_psychosis"]
    ),
    st.integers(1, 30),
    st.booleans(),
    st.booleans(),
)
def test_maudsley_score_is_within_3_to_15_and_never_falls_as_failures_grow(
    months: int, severity: str, failed: int, augmentation: bool, ect: bool
) -> None:
    """Fekadu 2009: total 3-15, each dimension non-decreasing."""
    stage = maudsley_stage(
        episode_duration_months=months,
        severity=severity,  # type: ignore[arg-type]
        failed_antidepressants=failed,
        augmentation_used=augmentation,
        ect_used=ect,
    )
    more = maudsley_stage(
        episode_duration_months=months,
        severity=severity,  # type: ignore[arg-type]
        failed_antidepressants=failed + 1,
        augmentation_used=augmentation,
        ect_used=ect,
    )
    assert stage is not None and more is not None
    assert 3 <= stage.score <= 15
    assert more.score >= stage.score
    assert stage.stage == ("mild" if stage.score <= 6 else "moderate" if stage.score <= 10 else "severe")
