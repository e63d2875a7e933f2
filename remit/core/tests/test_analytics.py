"""Clinic outcome figures."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import stats

from remit.core import analytics as an
from remit.core.outcomes import CourseOutcome, evaluate_course

D0 = dt.date(2026, 1, 5)


def day(n: int) -> dt.date:
    return D0 + dt.timedelta(days=n)


SESSION_DAYS = [day(0), day(2), day(4), day(7), day(9), day(11)]


def phq9_course(totals: list[tuple[int, int]], course_end: int | None = 11) -> CourseOutcome:
    return evaluate_course(
        "phq9",
        SESSION_DAYS,
        [(day(n), t) for n, t in totals],
        None if course_end is None else day(course_end),
        [],
    )


# --- rates ------------------------------------------------------------------------------------


def test_a_rate_carries_a_wilson_95_percent_interval() -> None:
    """Wilson 1927 score interval; 5/10 is symmetric about 0.5 at 0.2366-0.7634."""
    r = an.rate(5, 10)
    assert r.reportable and r.value == 0.5
    assert r.low == pytest.approx(0.236593, abs=1e-6)
    assert r.high == pytest.approx(0.763407, abs=1e-6)


@settings(max_examples=100, deadline=None)
@given(n=st.integers(min_value=1, max_value=500), data=st.data())
def test_the_wilson_interval_matches_scipys_independent_implementation(n: int, data: st.DataObject) -> None:
    """Scipy.stats.binomtest(...).proportion_ci(method='wilson') computes the same Wilson interval."""
    k = data.draw(st.integers(min_value=0, max_value=n))
    low, high = an.wilson_interval(k, n)
    ref = stats.binomtest(k, n).proportion_ci(confidence_level=0.95, method="wilson")
    assert low == pytest.approx(ref.low, abs=1e-9)
    assert high == pytest.approx(ref.high, abs=1e-9)
    assert 0 <= low <= k / n <= high <= 1


def test_below_the_minimum_n_a_rate_says_too_few_to_report() -> None:
    """Below a minimum n (default 10) say "too few to report" instead of a number."""
    r = an.rate(6, 9)
    assert (r.reportable, r.value, r.low, r.high) == (False, None, None, None)
    assert r.display.startswith("too few to report")
    assert "n=10" in an.rate(6, 10).display


def test_a_rate_refuses_more_successes_than_trials() -> None:
    with pytest.raises(ValueError, match="k"):
        an.rate(4, 3)


def test_unknown_flags_are_left_out_of_n() -> None:
    """A point without a baseline cannot be judged (outcomes) and must not count as a non-response."""
    r = an.rate_of([True, None, False, True], min_n=1)
    assert (r.k, r.n) == (2, 3)


# --- response and remission -------------------------------------------------------------------


def test_end_of_induction_rates_use_each_courses_last_assessment() -> None:
    """Response >= 50% (McInnes 2022), remission PHQ-9 < 5, measured at the end of induction."""
    outs = [
        phq9_course([(-1, 20), (11, 4)]),  # response + remission
        phq9_course([(-1, 20), (11, 9)]),  # response only
        phq9_course([(-1, 20), (11, 16)]),  # neither
        phq9_course([(-1, 20), (7, 4)], course_end=None),  # still running: left out
    ]
    rr = an.end_of_induction(outs, min_n=1)
    assert (rr.response.k, rr.response.n) == (2, 3)
    assert (rr.remission.k, rr.remission.n) == (1, 3)


def test_the_session_curve_shows_n_at_each_session_number() -> None:
    """Curve by session number with n per point; Oliver 2022 reports by infusion count."""
    outs = [
        phq9_course([(-1, 20), (2, 15), (11, 8)]),
        phq9_course([(-1, 20), (2, 9)]),
    ]
    curve = an.session_curve(outs, min_n=1)
    assert [(c.session_number, c.n) for c in curve] == [(1, 2), (5, 1)]
    assert (curve[0].response.k, curve[0].response.n) == (1, 2)
    assert curve[1].response.k == 1


def test_onset_shares_count_courses_assessed_on_day_1_3_and_7() -> None:
    """Response on post-dose days 1 and 3 (Williams 2018) and 7."""
    outs = [phq9_course([(-1, 20), (1, 9), (3, 8)]), phq9_course([(-1, 20), (1, 15), (7, 9)])]
    shares = an.onset_shares(outs, min_n=1)
    assert {d: (r.k, r.n) for d, r in shares.items()} == {1: (1, 2), 3: (1, 1), 7: (1, 1)}


def test_rates_by_stratum_group_courses_by_their_label() -> None:
    """By number of failed trials; >= 2 failed adequate trials is the usual TRD definition."""
    outs = [
        phq9_course([(-1, 20), (11, 4)]),
        phq9_course([(-1, 20), (11, 16)]),
        phq9_course([(-1, 20), (11, 9)]),
    ]
    labels = [an.failed_trials_stratum(n) for n in (1, 5, 0)]
    assert labels == ["0-1", "4+", "0-1"]
    strata = an.by_stratum(labels, outs, min_n=1)
    assert (strata["0-1"].response.k, strata["0-1"].response.n) == (2, 2)
    assert (strata["4+"].response.k, strata["4+"].response.n) == (0, 1)


def test_course_counts_give_completion_among_finished_courses_with_reasons() -> None:
    statuses = ["completed", "completed", "discontinued", "discontinued", "active"]
    reasons = [None, None, "adverse event", None, None]
    c = an.course_counts(statuses, reasons, min_n=1)
    assert (c.started, c.completed, c.discontinued, c.ongoing) == (5, 2, 2, 1)
    assert c.discontinued_reasons == {"adverse event": 1, "not recorded": 1}
    assert (c.completion.k, c.completion.n) == (2, 4)


# --- Kaplan-Meier -----------------------------------------------------------------------------

KM_DAYS = [10, 14, 18, 18, 25, 30, 40]
KM_EVENTS = [True, False, True, True, False, True, False]


def test_kaplan_meier_matches_a_hand_product_limit() -> None:
    """Product-limit by hand (Kaplan & Meier 1958) on 7 courses, '+' censored: 10, 14+, 18, 18, 25+, 30, 40+.

    t=10: 7 at risk, 1 event -> S = 6/7.  14+ leaves 5 at risk.
    t=18: 5 at risk, 2 events -> S = 6/7 * 3/5 = 18/35.  25+ leaves 2 at risk.
    t=30: 2 at risk, 1 event -> S = 18/35 * 1/2 = 9/35.  Median: first S <= 0.5 -> day 30.
    Band at t=18 (exponential Greenwood): Greenwood sum 1/(7*6) + 2/(5*3) = 0.157143;
    v = 0.157143 / ln(18/35)^2 = 0.355372; S^exp(+-1.96*sqrt v) = 0.11776 and 0.81325.
    Still free at 28 days = 18/35; at 56 days the longest follow-up (40) is passed -> unknown.
    """
    km = an.durability_curve(KM_DAYS, KM_EVENTS, min_n=1)
    at = dict(zip(km.times, km.survival, strict=True))
    assert at[10] == pytest.approx(6 / 7)
    assert at[18] == pytest.approx(18 / 35)
    assert at[30] == pytest.approx(9 / 35)
    assert (km.n, km.events) == (7, 4)
    assert km.median_days == 30
    i18 = km.times.index(18)
    assert km.low[i18] == pytest.approx(0.11776, abs=1e-5)
    assert km.high[i18] == pytest.approx(0.81325, abs=1e-5)
    free = {f.day: f.survival for f in km.free_at}
    assert free[28] == pytest.approx(18 / 35)
    assert free[56] is None
    assert km.median_low is not None and km.median_low <= 30
    assert km.median_high is None  # the upper band (0.656 at day 30) never reaches 0.5


def test_the_median_is_none_when_survival_never_drops_to_half() -> None:
    """One event in six courses: S = 5/6 after day 5 and never reaches 0.5 (median 'not reached')."""
    km = an.durability_curve([5, 20, 30, 40, 50, 60], [True, False, False, False, False, False], min_n=1)
    assert km.survival[0] == pytest.approx(5 / 6)
    assert km.median_days is None
    assert km.median_high is None


def test_no_events_at_all_keeps_everyone_free() -> None:
    km = an.durability_curve([30, 60, 90], [False, False, False], min_n=1)
    assert set(km.survival) == {1.0}
    assert km.median_days is None
    assert {f.day: f.survival for f in km.free_at}[84] == 1.0


def test_when_everyone_is_retreated_the_curve_ends_at_zero() -> None:
    """Murrough 2013-like cohort: all relapse; median at the middle event (18 days)."""
    km = an.durability_curve([12, 18, 25], [True, True, True], min_n=1)
    assert km.median_days == 18
    assert km.survival[-1] == 0
    assert {f.day: f.survival for f in km.free_at}[56] == 0


def test_durability_of_takes_completed_courses_from_course_outcomes() -> None:
    """Relapse or retreatment is an event; censored otherwise."""
    relapsing = phq9_course([(-1, 20), (11, 6), (29, 14), (35, 15)])
    holding = phq9_course([(-1, 20), (11, 6), (39, 5)])
    running = phq9_course([(-1, 20), (7, 6)], course_end=None)
    km = an.durability_of([relapsing, holding, running], min_n=1)
    assert (km.n, km.events) == (2, 1)
    assert km.times[0] == 18


def test_a_small_cohort_is_not_reportable() -> None:
    assert an.durability_curve(KM_DAYS, KM_EVENTS).reportable is False


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(st.integers(min_value=0, max_value=400), st.booleans()), min_size=1, max_size=40))
def test_kaplan_meier_survival_is_non_increasing_and_within_0_and_1(rows: list[tuple[int, bool]]) -> None:
    km = an.durability_curve([d for d, _ in rows], [e for _, e in rows], min_n=1)
    s = km.survival
    assert all(0 <= v <= 1 for v in s)
    assert all(b <= a + 1e-12 for a, b in zip(s, s[1:], strict=False))
    assert all(lo <= v + 1e-12 and v <= hi + 1e-12 for lo, v, hi in zip(km.low, s, km.high, strict=True))


# --- dissociation vs benefit ------------------------------------------------------------------


def test_the_spearman_interval_uses_the_bonett_wright_standard_error() -> None:
    """Bonett & Wright 2000: SE = sqrt((1 + rho^2/2)/(n - 3)). rho 0.5, n 28: SE = sqrt(1.125/25) = 0.21213,
    atanh(0.5) = 0.54931, interval tanh(0.54931 -+ 1.96 * 0.21213) = 0.1327 to 0.7465."""
    low, high = an.spearman_ci(0.5, 28)
    assert low == pytest.approx(0.13275, abs=1e-5)
    assert high == pytest.approx(0.74653, abs=1e-5)


def test_dissociation_vs_benefit_reports_rho_its_interval_and_n() -> None:
    """Some patients improve without dissociation: a monotone but noisy example, ranks by hand.

    CADSS ranks 1..6, improvement ranks 2,1,3,4,6,5: sum d^2 = 1+1+0+0+1+1 = 4,
    rho = 1 - 6*4/(6*35) = 1 - 24/210 = 0.885714.
    """
    cadss = [0, 3, 8, 12, 20, 31]
    gain = [0.2, 0.1, 0.4, 0.5, 0.8, 0.7]
    c = an.dissociation_vs_benefit(cadss, gain, min_n=1)
    assert c.n == 6
    assert c.rho == pytest.approx(1 - 24 / 210)
    assert c.low is not None and c.high is not None and c.rho is not None
    assert c.low < c.rho < c.high <= 1
    assert "Bonett" in c.source


def test_a_correlation_needs_four_pairs_and_some_variation() -> None:
    assert an.dissociation_vs_benefit([1, 2, 3], [0.1, 0.2, 0.3]).rho is None
    assert an.dissociation_vs_benefit([5, 5, 5, 5], [0.1, 0.2, 0.3, 0.4]).rho is None
    nan = float("nan")
    assert an.dissociation_vs_benefit([1, 2, 3, 4, nan], [0.1, 0.2, 0.3, 0.4, 0.5], min_n=1).n == 4
    perfect = an.dissociation_vs_benefit([1, 2, 3, 4], [0.4, 0.3, 0.2, 0.1], min_n=1)
    assert (perfect.rho, perfect.low, perfect.high) == (-1.0, -1.0, -1.0)
