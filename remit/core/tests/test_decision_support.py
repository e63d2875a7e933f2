"""Decision-support rules (clinical-reference §2, §3, §8)."""

from __future__ import annotations

import datetime as dt

import pytest

from remit.core import decision_support as ds
from remit.core.outcomes import evaluate_course

D0 = dt.date(2026, 3, 2)


def day(n: int) -> dt.date:
    return D0 + dt.timedelta(days=n)


# --- non-response checkpoint ---------------------------------------------------------------


def test_less_than_25_percent_improvement_after_infusion_6_asks_for_review() -> None:
    """Checkpoint after the 6-infusion series (Murrough 2013; Oliver 2022); 25% = partial-response edge."""
    f = ds.nonresponse_at_checkpoint(6, 6, 20, [(day(3), 18), (day(11), 16)])
    assert f is not None
    assert (f.kind, f.severity) == ("nonresponse_checkpoint", "medium")
    assert f.data["improvement"] == pytest.approx(0.2)
    assert f.data["trajectory"] == [(day(3).isoformat(), 18), (day(11).isoformat(), 16)]
    assert "Murrough 2013" in f.source


def test_25_percent_improvement_at_the_checkpoint_is_enough() -> None:
    """Exactly 25% is a partial response (clinical-reference §2), so no review alert."""
    assert ds.nonresponse_at_checkpoint(6, 6, 20, [(day(11), 15)]) is None


def test_the_checkpoint_rule_waits_for_the_checkpoint_session() -> None:
    """TMS default checkpoint is session 20 (an example value)."""
    checkpoint = ds.DEFAULT_SETTINGS.checkpoint_session["tms"]
    assert checkpoint == 20
    assert ds.nonresponse_at_checkpoint(19, checkpoint, 20, [(day(25), 20)]) is None
    assert ds.nonresponse_at_checkpoint(20, checkpoint, 20, [(day(26), 20)]) is not None


def test_esketamine_is_checked_at_the_end_of_its_4_week_induction() -> None:
    """Spravato label: twice weekly for 4 weeks, check benefit at the end of induction (8 sessions)."""
    assert ds.DEFAULT_SETTINGS.checkpoint_session["esketamine"] == 8


def test_a_checkpoint_without_a_baseline_is_reported_not_skipped() -> None:
    """Alerts are never silently dropped (design.md): no baseline -> a low-severity finding."""
    f = ds.nonresponse_at_checkpoint(6, 6, None, [(day(11), 16)])
    assert f is not None
    assert f.severity == "low"
    assert "no baseline" in f.reason


# --- relapse after a course ----------------------------------------------------------------


def test_a_relapse_after_the_course_proposes_a_booster() -> None:
    """Relapse rule of remit.core.outcomes (clinical-reference §8); median relapse ~18 days (Murrough 2013)."""
    sessions = [day(0), day(2), day(4), day(7), day(9), day(11)]
    outcome = evaluate_course(
        "phq9", sessions, [(day(-1), 20), (day(11), 6), (day(29), 14), (day(35), 15)], day(11), []
    )
    f = ds.relapse_after_course(outcome)
    assert f is not None
    assert (f.kind, f.severity) == ("relapse_after_course", "medium")
    assert f.data["proposal"] == "booster"
    assert f.data["days_after_course"] == 18


def test_no_relapse_alert_while_the_response_holds() -> None:
    """McInnes 2022: many responders still respond at 4 weeks without maintenance; no alert then."""
    sessions = [day(0), day(2), day(4), day(7), day(9), day(11)]
    outcome = evaluate_course("phq9", sessions, [(day(-1), 20), (day(11), 6), (day(39), 7)], day(11), [])
    assert ds.relapse_after_course(outcome) is None


# --- tolerance ------------------------------------------------------------------------------


def test_a_maintenance_dose_more_than_25_percent_above_induction_is_flagged() -> None:
    """0.5 mg/kg induction (Fava 2020; Williams 2018); 25% rise limit is an [UNVERIFIED] example (§3)."""
    doses = [(day(30), 0.5), (day(60), 0.6), (day(90), 0.65)]
    f = ds.dose_escalation(0.5, doses)
    assert f is not None
    assert f.data["rise"] == pytest.approx(0.3)
    assert "[UNVERIFIED]" in f.source
    assert ds.dose_escalation(0.5, [(day(30), 0.625)]) is None  # exactly 25 % is not "more than"


def test_booster_intervals_shrinking_three_times_in_a_row_are_flagged() -> None:
    """Shrinking intervals as a tolerance signal: example rule, no source quantifies it (§3)."""
    boosters = [day(0), day(42), day(77), day(105)]  # 42, 35, 28 days
    f = ds.shrinking_booster_intervals(boosters)
    assert f is not None
    assert f.data["intervals_days"] == [42, 35, 28]
    assert ds.shrinking_booster_intervals([day(0), day(42), day(77), day(112)]) is None  # 42, 35, 35
    assert ds.shrinking_booster_intervals([day(0), day(42), day(77)]) is None  # only two intervals


def test_more_than_two_ketamine_boosters_in_30_days_is_flagged() -> None:
    """Booster rate limit: an example value for ketamine (clinical-reference §3 [UNVERIFIED])."""
    assert ds.booster_frequency("ketamine_iv", [day(0), day(14)], day(20)) is None
    f = ds.booster_frequency("ketamine_iv", [day(0), day(10), day(20)], day(20))
    assert f is not None and f.data["limit"] == 2


def test_weekly_esketamine_maintenance_is_within_the_label() -> None:
    """Spravato label: 56 or 84 mg once weekly in weeks 5-8 is allowed maintenance."""
    weekly = [day(0), day(7), day(14), day(21), day(28)]
    assert ds.booster_frequency("esketamine", weekly, day(28)) is None
    assert ds.booster_frequency("esketamine", [*weekly, day(29)], day(29)) is not None


# --- misuse ---------------------------------------------------------------------------------


def test_a_booster_requested_before_the_protocol_minimum_is_flagged() -> None:
    """Schedule III abuse potential: assess during treatment (Spravato label §5.3)."""
    f = ds.early_booster_request(day(10), day(0), 14)
    assert f is not None and f.kind == "early_booster_request"
    assert ds.early_booster_request(day(14), day(0), 14) is None


def test_two_early_requests_in_90_days_are_a_signal_for_review() -> None:
    """Repeated early requests (count 2, window 90 days: example values; Spravato label §5.3)."""
    f = ds.repeated_early_requests([day(0), day(80)], day(85))
    assert f is not None and f.severity == "medium"
    assert ds.repeated_early_requests([day(0), day(100)], day(100)) is None


def test_a_positive_dast10_after_the_start_is_flagged_but_not_the_intake_one() -> None:
    """DAST-10 3-5 = moderate, further investigation (Skinner 1982; comorbidityguidelines.org.au)."""
    assert ds.positive_dast10_after_start(day(0), [(day(0), 4), (day(30), 2)]) is None
    f = ds.positive_dast10_after_start(day(0), [(day(0), 1), (day(30), 3)])
    assert f is not None and f.data["total"] == 3


def test_a_new_f10_to_f19_diagnosis_after_the_start_is_flagged() -> None:
    """ICD-10-CM F10-F19: disorders due to psychoactive substance use; F32 is depression itself."""
    f = ds.new_substance_use_diagnosis(
        day(0), [("F33.2", day(20)), ("f19.20", day(40)), ("F10.10", day(-100))]
    )
    assert f is not None
    assert f.data["diagnoses"] == [("F19.20", day(40).isoformat())]
    assert ds.new_substance_use_diagnosis(day(0), [("F32.A", day(20))]) is None
    with pytest.raises(ValueError, match=r"diagnoses\[0\]\.code"):
        ds.new_substance_use_diagnosis(day(0), [("alcohol", day(20))])


# --- opioid antagonist ----------------------------------------------------------------------


def test_naltrexone_started_during_a_ketamine_course_is_flagged() -> None:
    """Naltrexone blocked ketamine's antidepressant effect (Williams et al. 2018, Am J Psychiatry)."""
    f = ds.opioid_antagonist_during_course(
        "ketamine_iv", day(0), day(11), [("Naltrexone 50 mg tablet", day(5), None)]
    )
    assert f is not None
    assert (f.kind, f.severity) == ("opioid_antagonist", "medium")
    assert "Williams" in f.source
    assert f.data["medications"] == [
        {"name": "Naltrexone 50 mg tablet", "start": day(5).isoformat(), "started_during_course": True}
    ]


def test_naltrexone_outside_the_course_or_during_tms_is_not_flagged() -> None:
    """Williams 2018 concerns ketamine; TMS is not affected by that mechanism."""
    meds = [("naltrexone", day(-60), day(-30))]
    assert ds.opioid_antagonist_during_course("ketamine_iv", day(0), day(11), meds) is None
    assert ds.opioid_antagonist_during_course("tms", day(0), day(40), [("naltrexone", day(5), None)]) is None


def test_long_acting_naltrexone_already_running_at_the_start_is_flagged() -> None:
    """Long-acting naltrexone counts (clinical-reference §3); overlapping the course is enough."""
    f = ds.opioid_antagonist_during_course(
        "esketamine", day(0), None, [("Vivitrol 380 mg IM", day(-10), None)]
    )
    assert f is not None
    assert f.data["medications"][0]["started_during_course"] is False  # type: ignore[index]
