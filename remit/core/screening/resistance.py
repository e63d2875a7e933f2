"""Treatment-resistance context shown beside a screening decision.

Two figures, both informational (no rule reads them):
- the number of adequate antidepressant trials that failed, from the registry;
- the Maudsley Staging Method score and stage (Fekadu et al. 2009, J Clin
  Psychiatry 70(2):177-184), where the data allow it. The method is not in
  clinical-reference.md: its scoring below is from the published paper and
  is flagged [UNVERIFIED] there until someone checks it against the PDF.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Literal

Outcome = Literal["no_response", "partial", "response", "not_tolerated"]
OUTCOMES: tuple[Outcome, ...] = ("no_response", "partial", "response", "not_tolerated")
FAILED_OUTCOMES: frozenset[Outcome] = frozenset({"no_response", "partial"})

Severity = Literal["subsyndromal", "mild", "moderate", "severe_without_psychosis", "severe_with_psychosis"]
Stage = Literal["mild", "moderate", "severe"]

MAUDSLEY_SOURCE = (
    "Maudsley Staging Method, Fekadu et al. 2009, J Clin Psychiatry 70(2):177-184 [UNVERIFIED: not in "
    "clinical-reference.md]"
)


@dataclass(frozen=True)
class Trial:
    """One antidepressant trial. ``adequate`` (dose and duration) is the prescriber's judgement, recorded."""

    drug: str
    max_daily_dose_mg: float | None
    weeks: float | None
    adequate: bool
    outcome: Outcome

    def __post_init__(self) -> None:
        if not self.drug.strip():
            raise ValueError("drug: a trial needs a drug name")
        if self.outcome not in OUTCOMES:
            raise ValueError(f"outcome: {self.outcome!r} is not one of {OUTCOMES}")
        if self.max_daily_dose_mg is not None and self.max_daily_dose_mg <= 0:
            raise ValueError(f"max_daily_dose_mg: {self.max_daily_dose_mg} must be above 0")
        if self.weeks is not None and self.weeks < 0:
            raise ValueError(f"weeks: {self.weeks} must not be negative")


def count_failed_adequate_trials(trials: Iterable[Trial]) -> int:
    """Adequate trials that ended without response (no response or partial response).

    A trial stopped because it was not tolerated is not a failure of efficacy, so it does not count.
    """
    return sum(1 for trial in trials if trial.adequate and trial.outcome in FAILED_OUTCOMES)


@dataclass(frozen=True)
class MaudsleyStage:
    score: int
    stage: Stage
    source: str = MAUDSLEY_SOURCE


# Dimension scores (Fekadu 2009, Table 1).
_SEVERITY_POINTS: dict[Severity, int] = {
    "subsyndromal": 1,
    "mild": 2,
    "moderate": 3,
    "severe_without_psychosis": 4,
    "severe_with_psychosis": 5,
}


def _duration_points(months: int) -> int:
    # acute <= 12 months 1; subacute 13-24 months 2; chronic > 24 months 3
    return 1 if months <= 12 else 2 if months <= 24 else 3


def _failure_points(failed: int) -> int:
    # level 1: 1-2 medications; 2: 3-4; 3: 5-6; 4: 7-10; 5: > 10
    return 1 if failed <= 2 else 2 if failed <= 4 else 3 if failed <= 6 else 4 if failed <= 10 else 5


def _stage(score: int) -> Stage:
    return "mild" if score <= 6 else "moderate" if score <= 10 else "severe"


def maudsley_stage(
    *,
    episode_duration_months: int | None,
    severity: Severity | None,
    failed_antidepressants: int | None,
    augmentation_used: bool | None,
    ect_used: bool | None,
) -> MaudsleyStage | None:
    """Score 3-15 (mild 3-6, moderate 7-10, severe 11-15), or None when the data do not allow it.

    Every dimension must be known, and at least one antidepressant must have
    failed: the method stages treatment resistance, which without a failed
    treatment does not exist.
    """
    if (
        episode_duration_months is None
        or severity is None
        or failed_antidepressants is None
        or augmentation_used is None
        or ect_used is None
    ):
        return None
    if episode_duration_months < 0:
        raise ValueError(f"episode_duration_months: {episode_duration_months} must not be negative")
    if severity not in _SEVERITY_POINTS:
        raise ValueError(f"severity: {severity!r} is not one of {tuple(_SEVERITY_POINTS)}")
    if failed_antidepressants < 0:
        raise ValueError(f"failed_antidepressants: {failed_antidepressants} must not be negative")
    if failed_antidepressants == 0:
        return None
    score = (
        _duration_points(episode_duration_months)
        + _SEVERITY_POINTS[severity]
        + _failure_points(failed_antidepressants)
        + int(augmentation_used)
        + int(ect_used)
    )
    return MaudsleyStage(score=score, stage=_stage(score))
