"""Per-course outcome engine, on hand-built trajectories (clinical-reference §2, §6, §8)."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from remit.core.outcomes import (
    DEFAULT_INSTRUMENT_RULES,
    CourseOutcome,
    OutcomeInputError,
    OutcomeSettings,
    classify,
    evaluate_course,
)

D0 = dt.date(2026, 1, 5)


def day(n: int) -> dt.date:
    return D0 + dt.timedelta(days=n)


# Six infusions over 12 days, 3 a week (Murrough 2013).
SESSION_DAYS = [day(0), day(2), day(4), day(7), day(9), day(11)]


def course(
    totals: list[tuple[int, int]],
    instrument: str = "phq9",
    course_end: dt.date | None = None,
    retreatments: list[dt.date] | None = None,
    settings_: OutcomeSettings | None = None,
) -> CourseOutcome:
    return evaluate_course(
        instrument, SESSION_DAYS, [(day(n), t) for n, t in totals], course_end, retreatments or [], settings_
    )


def test_a_fifty_percent_drop_is_a_response_and_not_a_partial_response() -> None:
    """Response = >= 50% drop from baseline (Trivedi 2006; McInnes 2022)."""
    out = course([(-1, 20), (7, 10)])
    p = out.points[0]
    assert p.pct_change == 0.5
    assert p.response is True
    assert p.partial_response is False


def test_a_drop_just_short_of_half_is_a_partial_response() -> None:
    """Partial response is the 25-50% band (clinical-reference §2, a common convention)."""
    out = course([(-1, 20), (7, 11), (9, 15), (11, 16)])
    assert [(p.response, p.partial_response) for p in out.points] == [
        (False, True),  # 45 %
        (False, True),  # exactly 25 %
        (False, False),  # 20 %
    ]


def test_phq9_remission_is_a_total_below_5() -> None:
    """PHQ-9 remission = total < 5 (McInnes 2022; SUSTAIN-3, PMC10439056)."""
    out = course([(-1, 20), (7, 5), (9, 4)])
    assert [p.remission for p in out.points] == [False, True]


@pytest.mark.parametrize(("instrument", "edge"), [("qids_sr16", 5), ("hamd17", 7), ("madrs", 10)])
def test_remission_thresholds_are_at_or_below_the_published_cut(instrument: str, edge: int) -> None:
    """QIDS-SR16 <= 5 and HAM-D17 <= 7 (Trivedi 2006, STAR*D); MADRS <= 10 (Ekstrand 2022, KetECT)."""
    out = course([(-1, 20), (7, edge), (9, edge + 1)], instrument=instrument)
    assert [p.remission for p in out.points] == [True, False]


def test_a_protocol_can_use_sustain3_madrs_remission_of_12() -> None:
    """SUSTAIN-3 reported remission as MADRS <= 12 (PMC10439056 Table 3); a protocol setting."""
    s = OutcomeSettings().with_remission("madrs", 12, "SUSTAIN-3")
    out = course([(-1, 30), (7, 12)], instrument="madrs", settings_=s)
    assert out.points[0].remission is True
    assert OutcomeSettings().instruments["madrs"].remission_at_or_below == 10


def test_phq9_worsening_needs_the_5_point_minimal_important_difference() -> None:
    """PHQ-9 individual MCID 5 points (Löwe et al. 2004, Med Care)."""
    out = course([(-1, 10), (7, 14), (9, 15)])
    assert [p.worsened for p in out.points] == [False, True]
    assert [p.change for p in out.points] == [4, 5]


def test_worsening_is_not_judged_where_no_source_gives_a_minimal_important_difference() -> None:
    """Only the PHQ-9 MCID is sourced (Löwe 2004); QIDS-SR16 has none in clinical-reference §2."""
    out = course([(-1, 10), (7, 27)], instrument="qids_sr16")
    assert out.points[0].worsened is None


def test_the_baseline_is_the_last_assessment_before_the_first_session_within_30_days() -> None:
    """Baseline = last valid score before the first session, window 30 days."""
    out = course([(-30, 22), (-2, 18), (-1, 20), (3, 10)])
    assert out.baseline is not None
    assert (out.baseline.date, out.baseline.total) == (day(-1), 20)
    assert out.points[0].pct_change == 0.5


def test_an_assessment_on_the_first_session_day_is_baseline_because_it_precedes_the_dose() -> None:
    """Questionnaires are taken before dosing, so a same-day score is pre-treatment."""
    out = course([(-3, 24), (0, 20), (2, 10)])
    assert out.baseline is not None
    assert out.baseline.date == day(0)
    assert [p.date for p in out.points] == [day(2)]


def test_without_a_baseline_in_the_window_response_cannot_be_judged_but_remission_can() -> None:
    """Response needs a baseline (Trivedi 2006); remission is an absolute cut (McInnes 2022)."""
    out = course([(-31, 20), (7, 3)])
    assert out.baseline is None
    p = out.points[0]
    assert (p.pct_change, p.response, p.partial_response, p.worsened) == (None, None, None, None)
    assert p.remission is True
    assert out.time_to_response_days is None
    assert any("cannot be classified" in n for n in out.notes)


def test_a_zero_baseline_leaves_pct_change_undefined_and_never_a_response() -> None:
    """Pct_change = (baseline - current) / baseline needs baseline > 0 (clinical-reference §2)."""
    out = course([(-1, 0), (7, 0), (9, 6)])
    assert [p.pct_change for p in out.points] == [None, None]
    assert [p.response for p in out.points] == [False, False]
    assert [p.worsened for p in out.points] == [False, True]


def test_a_clinic_fraction_is_compared_exactly_not_in_floating_point() -> None:
    """A 30 % response rule must count 10 -> 7 (0.3 * 10 is 3.0000000000000004 in floats)."""
    s = OutcomeSettings(response_fraction=0.3, partial_response_fraction=0.1)
    out = course([(-1, 10), (7, 7)], settings_=s)
    assert out.points[0].response is True


def test_time_to_response_and_remission_count_days_from_the_first_session() -> None:
    """Time to first response and remission, days from the first session."""
    out = course([(-1, 20), (2, 15), (4, 10), (9, 4)])
    assert out.time_to_response_days == 4
    assert out.time_to_remission_days == 9


def test_onset_is_the_first_of_day_1_3_or_7_with_a_response() -> None:
    """Rapid onset measured on post-infusion days 1 and 3 (Williams 2018); day 7 is Remit's choice."""
    out = course([(-1, 20), (1, 14), (3, 9), (7, 8)])
    assert [(o.day, o.responded) for o in out.onset] == [(1, False), (3, True), (7, True)]
    assert out.onset_day == 3


def test_onset_on_day_1_after_the_first_dose() -> None:
    """Murrough 2013 and Williams 2018 measured response the day after an infusion."""
    out = course([(-1, 20), (1, 8)])
    assert out.onset_day == 1
    assert [o.responded for o in out.onset] == [True, None, None]


def test_relapse_is_two_assessments_without_benefit_at_least_5_days_apart_after_a_response() -> None:
    """Remit's default relapse rule; SUSTAIN-1 definitions not found (clinical-reference §8)."""
    out = course([(-1, 20), (7, 8), (14, 12), (19, 13)])
    assert [r.onset for r in out.relapses] == [day(14)]
    assert [r.confirmed for r in out.relapses] == [day(19)]


def test_two_bad_scores_4_days_apart_are_not_yet_a_relapse() -> None:
    """The second assessment must be at least 5 days after the first (clinical-reference §8 setting)."""
    out = course([(-1, 20), (7, 8), (14, 12), (18, 13)])
    assert out.relapses == ()


def test_a_recovered_score_between_two_bad_ones_breaks_the_run() -> None:
    """'Consecutive' means no benefit in between (Remit's rule, clinical-reference §8)."""
    out = course([(-1, 20), (7, 8), (14, 12), (17, 9), (21, 13)])
    assert out.relapses == ()


def test_a_non_responder_cannot_relapse() -> None:
    """Relapse is defined only after response or remission."""
    out = course([(-1, 20), (7, 16), (14, 17), (21, 18)])
    assert out.relapses == ()


def test_a_second_relapse_needs_benefit_to_be_regained_first() -> None:
    """After a relapse the rule re-arms only when response or remission returns."""
    out = course([(-1, 20), (7, 8), (14, 12), (19, 13), (26, 14), (40, 6), (50, 15), (56, 16)])
    assert [r.onset for r in out.relapses] == [day(14), day(50)]


def test_the_relapse_rule_is_a_clinic_setting() -> None:
    """The rule's parameters are settings (clinical-reference §8: default is Remit's own)."""
    strict = OutcomeSettings(relapse_assessments=3, relapse_min_days_apart=10)
    out = course([(-1, 20), (7, 8), (14, 12), (19, 13)], settings_=strict)
    assert out.relapses == ()


def test_durability_ends_at_retreatment() -> None:
    """Durability: course end to first retreatment; cf. Murrough 2013 median 18 days."""
    out = course([(-1, 20), (11, 6), (20, 7)], course_end=day(11), retreatments=[day(29), day(40)])
    assert out.durability is not None
    assert (out.durability.days, out.durability.event) == (18, "retreatment")


def test_durability_ends_at_a_relapse_that_comes_before_any_retreatment() -> None:
    """The first of relapse or retreatment ends durability."""
    out = course([(-1, 20), (11, 6), (25, 14), (31, 15)], course_end=day(11), retreatments=[day(45)])
    assert out.durability is not None
    assert (out.durability.days, out.durability.event) == (14, "relapse")


def test_durability_is_censored_at_the_last_assessment_when_nothing_happened() -> None:
    """Censored at the last follow-up assessment."""
    out = course([(-1, 20), (11, 6), (39, 5)], course_end=day(11))
    assert out.durability is not None
    assert (out.durability.days, out.durability.event) == (28, "censored")


def test_a_same_day_relapse_and_retreatment_counts_as_retreatment() -> None:
    """Ties go to the recorded retreatment; the days are the same either way."""
    out = course([(-1, 20), (11, 6), (25, 14), (31, 15)], course_end=day(11), retreatments=[day(25)])
    assert out.durability is not None
    assert (out.durability.days, out.durability.event) == (14, "retreatment")


def test_a_course_without_an_end_has_no_durability() -> None:
    """Durability is measured for completed courses only."""
    assert course([(-1, 20), (7, 9)]).durability is None


def test_the_end_of_induction_point_ignores_scores_after_a_booster() -> None:
    """End-of-induction response is what induction achieved (McInnes 2022 measured post-induction)."""
    out = course([(-1, 20), (11, 12), (14, 4)], course_end=day(11), retreatments=[day(13)])
    assert out.end_of_induction is not None
    assert out.end_of_induction.date == day(11)


def test_points_count_sessions_given_before_the_assessment() -> None:
    """An assessment on a session day precedes that day's dose."""
    out = course([(-1, 20), (2, 15), (3, 14), (11, 8)])
    assert [p.sessions_before for p in out.points] == [1, 2, 5]


@pytest.mark.parametrize(
    ("assessments", "field"),
    [
        ([(day(-1), 20), (day(3), 28)], "assessments[1].total"),
        ([(day(-1), 20), (day(3), 12.0)], "assessments[1].total"),
        ([(day(-1), True)], "assessments[0].total"),
        ([("2026-01-01", 3)], "assessments[0].date"),
        ([(day(1),)], "assessments[0]"),
    ],
)
def test_bad_assessments_name_the_field(assessments: list[tuple[object, ...]], field: str) -> None:
    with pytest.raises(OutcomeInputError) as err:
        evaluate_course("phq9", SESSION_DAYS, assessments, None, [])  # type: ignore[arg-type]
    assert err.value.field == field


def test_bad_course_arguments_name_the_field() -> None:
    cases: list[tuple[dict[str, object], str]] = [
        ({"instrument": "gad8"}, "instrument"),
        ({"sessions": []}, "sessions"),
        ({"course_end": day(-2)}, "course_end"),
        ({"course_end": day(11), "retreatments": [day(11)]}, "retreatments[0]"),
    ]
    for kwargs, field in cases:
        args: dict[str, object] = {
            "instrument": "phq9",
            "sessions": SESSION_DAYS,
            "assessments": [],
            "course_end": None,
            "retreatments": [],
        }
        args.update(kwargs)
        with pytest.raises(OutcomeInputError) as err:
            evaluate_course(**args)  # type: ignore[arg-type]
        assert err.value.field == field


def test_settings_refuse_a_partial_band_above_the_response_cut() -> None:
    with pytest.raises(OutcomeInputError) as err:
        OutcomeSettings(partial_response_fraction=0.6)
    assert err.value.field == "settings.partial_response_fraction"


PHQ9 = DEFAULT_INSTRUMENT_RULES["phq9"]
totals = st.integers(min_value=0, max_value=27)


@settings(max_examples=200, deadline=None)
@given(baseline=st.integers(min_value=1, max_value=27), total=totals)
def test_pct_change_lies_between_the_worst_possible_rise_and_full_recovery(baseline: int, total: int) -> None:
    """Pct_change = (baseline - current) / baseline (clinical-reference §2) is at most 1."""
    _, pct, response, partial, _, _ = classify(total, baseline, PHQ9, OutcomeSettings())
    assert pct is not None
    assert (baseline - 27) / baseline <= pct <= 1
    assert response == (pct >= 0.5)
    assert partial == (0.25 <= pct < 0.5)


@settings(max_examples=200, deadline=None)
@given(baseline=st.one_of(st.none(), totals), total=totals)
def test_response_and_partial_response_are_never_both_true(baseline: int | None, total: int) -> None:
    """The partial band is 25-50% and response is >= 50%: exclusive (clinical-reference §2)."""
    _, _, response, partial, _, _ = classify(total, baseline, PHQ9, OutcomeSettings())
    assert not (response and partial)


@settings(max_examples=200, deadline=None)
@given(b1=st.one_of(st.none(), totals), b2=st.one_of(st.none(), totals), total=totals)
def test_remission_depends_on_the_total_alone_not_on_the_baseline(
    b1: int | None, b2: int | None, total: int
) -> None:
    """Remission is an absolute threshold (McInnes 2022), independent of the relative response rule."""
    r1 = classify(total, b1, PHQ9, OutcomeSettings())[4]
    r2 = classify(total, b2, PHQ9, OutcomeSettings())[4]
    assert r1 == r2 == (total < 5)


def test_remission_without_response_and_response_without_remission_both_occur() -> None:
    """Independent rules: 6 -> 4 remits at 33 %; 27 -> 13 responds at 52 % yet is moderate."""
    s = OutcomeSettings()
    assert classify(4, 6, PHQ9, s)[2:5] == (False, True, True)
    assert classify(13, 27, PHQ9, s)[2:5] == (True, False, False)
