"""Clinic-level outcome figures: rates with confidence intervals, curves, Kaplan-Meier, correlation.

Input is plain values or :class:`remit.core.outcomes.CourseOutcome` records, so
the report view, the CLI and an independent recomputation from the durability
CSV all get the same numbers. No database here.

Every rate carries its n and a Wilson 95 % interval; below ``min_n`` it is not
reportable and shows as "too few to report".
"""

from __future__ import annotations

import math
import warnings
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

import numpy as np
from scipy import stats  # scipy ships no type information

from remit.core.outcomes import CourseOutcome, Durability

TOO_FEW = "too few to report"
DEFAULT_MIN_N = 10
Z95 = 1.959963984540054  # standard normal 97.5th percentile
KM_WEEKS = (4, 8, 12, 26)
KM_DAYS = tuple(7 * week for week in KM_WEEKS)  # 28, 56, 84, 182: the "still free at" figures
WILSON_SOURCE = "Wilson score interval (Wilson 1927)"
SPEARMAN_CI_SOURCE = "Fisher z with SE sqrt((1 + rho^2/2)/(n - 3)): Bonett & Wright 2000, Psychometrika 65:23"
KM_SOURCE = "Kaplan-Meier via scipy.stats.ecdf on CensoredData; exponential Greenwood ('log-log') bands"


@dataclass(frozen=True)
class Rate:
    k: int
    n: int
    value: float | None
    low: float | None
    high: float | None
    reportable: bool

    @property
    def display(self) -> str:
        if not self.reportable or self.value is None or self.low is None or self.high is None:
            return f"{TOO_FEW} (n={self.n})"
        return f"{self.value:.0%} (95% CI {self.low:.0%}-{self.high:.0%}; n={self.n})"


def wilson_interval(k: int, n: int, z: float = Z95) -> tuple[float, float]:
    """Wilson score interval for k successes in n trials."""
    p = k / n
    denom = 1 + z * z / n
    centre = (p + z * z / (2 * n)) / denom
    half = z / denom * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n))
    # At k = 0 and k = n the bound is exactly 0 or 1; rounding would leave a hair above or below.
    low = 0.0 if k == 0 else max(0.0, centre - half)
    high = 1.0 if k == n else min(1.0, centre + half)
    return low, high


def rate(k: int, n: int, min_n: int = DEFAULT_MIN_N) -> Rate:
    """k of n with a Wilson 95 % interval; not reportable below ``min_n``."""
    for name, v in (("k", k), ("n", n), ("min_n", min_n)):
        if isinstance(v, bool) or not isinstance(v, int) or v < 0:
            raise ValueError(f"{name}: must be a non-negative whole number")
    if k > n:
        raise ValueError("k: cannot exceed n")
    if n == 0 or n < min_n:
        return Rate(k, n, None, None, None, False)
    low, high = wilson_interval(k, n)
    return Rate(k, n, k / n, low, high, True)


def rate_of(flags: Iterable[bool | None], min_n: int = DEFAULT_MIN_N) -> Rate:
    """Share of True among the flags that are known; None (cannot be judged) is left out of n."""
    known = [f for f in flags if f is not None]
    return rate(sum(known), len(known), min_n)


@dataclass(frozen=True)
class ResponseRemission:
    response: Rate
    remission: Rate


def end_of_induction(outcomes: Sequence[CourseOutcome], min_n: int = DEFAULT_MIN_N) -> ResponseRemission:
    """Response and remission at each completed course's end-of-induction assessment."""
    points = [o.end_of_induction for o in outcomes if o.end_of_induction is not None]
    return ResponseRemission(
        rate_of((p.response for p in points), min_n), rate_of((p.remission for p in points), min_n)
    )


@dataclass(frozen=True)
class CurvePoint:
    session_number: int
    n: int
    response: Rate
    remission: Rate


def session_curve(outcomes: Sequence[CourseOutcome], min_n: int = DEFAULT_MIN_N) -> list[CurvePoint]:
    """Response and remission by number of sessions given before the assessment.

    Each course counts once per session number, by its last assessment at that number.
    """
    by_session: dict[int, dict[int, tuple[bool | None, bool]]] = {}
    for i, o in enumerate(outcomes):
        for p in o.points:
            if p.sessions_before >= 1:
                by_session.setdefault(p.sessions_before, {})[i] = (p.response, p.remission)
    curve = []
    for number in sorted(by_session):
        rows = list(by_session[number].values())
        curve.append(
            CurvePoint(
                number,
                len(rows),
                rate_of((r[0] for r in rows), min_n),
                rate_of((r[1] for r in rows), min_n),
            )
        )
    return curve


def onset_shares(outcomes: Sequence[CourseOutcome], min_n: int = DEFAULT_MIN_N) -> dict[int, Rate]:
    """Share responding on each onset day, among courses assessed (with a baseline) on that day."""
    days = sorted({c.day for o in outcomes for c in o.onset})
    return {
        day: rate_of((c.responded for o in outcomes for c in o.onset if c.day == day), min_n) for day in days
    }


def by_stratum(
    labels: Sequence[str], outcomes: Sequence[CourseOutcome], min_n: int = DEFAULT_MIN_N
) -> dict[str, ResponseRemission]:
    """End-of-induction response and remission per stratum (baseline band, failed trials...)."""
    if len(labels) != len(outcomes):
        raise ValueError("labels: must have one label per outcome")
    groups: dict[str, list[CourseOutcome]] = {}
    for label, o in zip(labels, outcomes, strict=True):
        groups.setdefault(label, []).append(o)
    return {label: end_of_induction(groups[label], min_n) for label in sorted(groups)}


def failed_trials_stratum(failed_trials: int) -> str:
    """Reporting strata for failed adequate antidepressant trials; >= 2 is the usual TRD definition."""
    if failed_trials < 0:
        raise ValueError("failed_trials: must not be negative")
    if failed_trials <= 1:
        return "0-1"
    return "4+" if failed_trials >= 4 else str(failed_trials)


@dataclass(frozen=True)
class CourseCounts:
    started: int
    completed: int
    discontinued: int
    ongoing: int
    discontinued_reasons: Mapping[str, int]
    completion: Rate
    """Completed among finished courses (completed + discontinued); ongoing ones are left out."""


def course_counts(
    statuses: Sequence[str], discontinue_reasons: Sequence[str | None], min_n: int = DEFAULT_MIN_N
) -> CourseCounts:
    """Counts by status (``completed``, ``discontinued``; anything else is ongoing)."""
    if len(statuses) != len(discontinue_reasons):
        raise ValueError("discontinue_reasons: must have one entry per course")
    completed = sum(1 for s in statuses if s == "completed")
    discontinued = sum(1 for s in statuses if s == "discontinued")
    reasons = Counter(
        (r or "not recorded")
        for s, r in zip(statuses, discontinue_reasons, strict=True)
        if s == "discontinued"
    )
    return CourseCounts(
        started=len(statuses),
        completed=completed,
        discontinued=discontinued,
        ongoing=len(statuses) - completed - discontinued,
        discontinued_reasons=dict(sorted(reasons.items())),
        completion=rate(completed, completed + discontinued, min_n),
    )


@dataclass(frozen=True)
class SurvivalAt:
    day: int
    survival: float | None
    low: float | None
    high: float | None


@dataclass(frozen=True)
class DurabilityCurve:
    """Kaplan-Meier estimate of staying free of retreatment or relapse after a course."""

    n: int
    events: int
    times: tuple[float, ...]
    survival: tuple[float, ...]
    low: tuple[float, ...]
    high: tuple[float, ...]
    median_days: float | None
    median_low: float | None
    median_high: float | None
    free_at: tuple[SurvivalAt, ...]
    reportable: bool
    source: str = KM_SOURCE


def _first_at_or_below_half(times: np.ndarray, probs: np.ndarray) -> float | None:
    # A product that should be exactly 0.5 can land a rounding error above it.
    hit = np.nonzero(probs <= 0.5 + 1e-12)[0]
    return float(times[hit[0]]) if hit.size else None


def durability_curve(
    days: Sequence[float],
    events: Sequence[bool],
    min_n: int = DEFAULT_MIN_N,
    at_days: Sequence[int] = KM_DAYS,
) -> DurabilityCurve:
    """Kaplan-Meier of time from course end to retreatment or relapse (event) or last follow-up (censored).

    The survival function and its pointwise 95 % bands come from ``scipy.stats.ecdf``; the bands use the
    exponential Greenwood ("log-log") method, which stays inside [0, 1]. The median is the first time
    the estimate is at or below 0.5, None if it never gets there. Its interval is read off the bands
    (the times at which the lower and the upper band first reach 0.5), the approach lifelines takes;
    an upper limit of None means "not reached". Survival at a day beyond the longest follow-up is None
    (unknown), unless the curve has already fallen to 0.
    """
    if len(days) != len(events):
        raise ValueError("events: must have one entry per duration")
    for i, d in enumerate(days):
        if not d >= 0:
            raise ValueError(f"days[{i}]: must be a non-negative number")
    n = len(days)
    if n == 0:
        return DurabilityCurve(0, 0, (), (), (), (), None, None, None, (), False)
    uncensored = [float(d) for d, e in zip(days, events, strict=True) if e]
    right = [float(d) for d, e in zip(days, events, strict=True) if not e]
    result = stats.ecdf(stats.CensoredData(uncensored=uncensored, right=right))
    sf = result.sf
    times = np.asarray(sf.quantiles, dtype=float)
    probs = np.asarray(sf.probabilities, dtype=float)
    with warnings.catch_warnings():
        # scipy warns where the band is undefined (survival exactly 0 or 1); filled in below.
        warnings.simplefilter("ignore", RuntimeWarning)
        ci = sf.confidence_interval(0.95, method="log-log")
        low = np.asarray(ci.low.probabilities, dtype=float)
        high = np.asarray(ci.high.probabilities, dtype=float)
    # Where the band is undefined the estimate is 0 or 1 and has no spread: the band is the estimate.
    low = np.where(np.isnan(low), probs, low)
    high = np.where(np.isnan(high), probs, high)

    longest = max(float(d) for d in days)
    free_at = []
    for day in at_days:
        if day > longest and probs[-1] > 0:
            free_at.append(SurvivalAt(day, None, None, None))
            continue
        idx = int(np.searchsorted(times, day, side="right")) - 1
        if idx < 0:
            free_at.append(SurvivalAt(day, 1.0, 1.0, 1.0))
        else:
            free_at.append(SurvivalAt(day, float(probs[idx]), float(low[idx]), float(high[idx])))

    return DurabilityCurve(
        n=n,
        events=len(uncensored),
        times=tuple(float(t) for t in times),
        survival=tuple(float(p) for p in probs),
        low=tuple(float(p) for p in low),
        high=tuple(float(p) for p in high),
        median_days=_first_at_or_below_half(times, probs),
        median_low=_first_at_or_below_half(times, low),
        median_high=_first_at_or_below_half(times, high),
        free_at=tuple(free_at),
        reportable=n >= min_n,
    )


def durability_of(outcomes: Sequence[CourseOutcome], min_n: int = DEFAULT_MIN_N) -> DurabilityCurve:
    """The Kaplan-Meier curve over the completed courses among ``outcomes``."""
    records: list[Durability] = [o.durability for o in outcomes if o.durability is not None]
    return durability_curve([r.days for r in records], [r.event != "censored" for r in records], min_n)


@dataclass(frozen=True)
class Correlation:
    rho: float | None
    low: float | None
    high: float | None
    n: int
    p_value: float | None
    reportable: bool
    source: str = SPEARMAN_CI_SOURCE


def spearman_ci(rho: float, n: int, z: float = Z95) -> tuple[float, float]:
    """95 % interval for Spearman's rho: Fisher z with the Bonett & Wright (2000) standard error."""
    if n <= 3:
        raise ValueError("n: needs at least 4 pairs")
    if abs(rho) >= 1:
        return rho, rho
    se = math.sqrt((1 + rho * rho / 2) / (n - 3))
    centre = math.atanh(rho)
    return math.tanh(centre - z * se), math.tanh(centre + z * se)


def dissociation_vs_benefit(
    peak_cadss: Sequence[float], pct_change: Sequence[float], min_n: int = DEFAULT_MIN_N
) -> Correlation:
    """Spearman correlation of peak CADSS during induction with % improvement at its end."""
    if len(peak_cadss) != len(pct_change):
        raise ValueError("pct_change: must have one value per peak_cadss value")
    pairs = [
        (float(a), float(b))
        for a, b in zip(peak_cadss, pct_change, strict=True)
        if not (math.isnan(a) or math.isnan(b))
    ]
    n = len(pairs)
    xs = [a for a, _ in pairs]
    ys = [b for _, b in pairs]
    if n < 4 or len(set(xs)) < 2 or len(set(ys)) < 2:
        # Too few pairs, or a constant variable: rho is undefined.
        return Correlation(None, None, None, n, None, False)
    res = stats.spearmanr(xs, ys)
    rho = float(res.statistic)
    low, high = spearman_ci(rho, n)
    return Correlation(rho, low, high, n, float(res.pvalue), n >= min_n)
