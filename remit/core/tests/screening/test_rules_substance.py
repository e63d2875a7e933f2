"""Substance use rules: diagnoses, DAST-10 and AUDIT-C."""

from __future__ import annotations

import pytest

from remit.core.tests.screening.intakes import decisions, expect, fired, results, with_


def dx(code: str, status: str = "active") -> dict[str, object]:
    return {"diagnoses": [{"code": "F33.2", "status": "active"}, {"code": code, "status": status}]}


@pytest.mark.parametrize(
    ("code", "status"),
    [("F16.20", "active"), ("F16.10", "in_remission"), ("F19.20", "active"), ("F19.21", "resolved")],
)
def test_ketamine_related_substance_use_disorder_contraindicates_ketamine_whatever_its_status(
    code: str, status: str
) -> None:
    """PMC6884875: "past or current moderate or severe substance dependence" [V]; Spravato label 5.3 abuse
    potential [V] (clinical-reference 3); F16/F19 treated as most severe."""
    doc = with_(**dx(code, status))
    assert decisions(doc) == expect("contraindicated")
    assert fired(doc)["esketamine"] == {"substance_use_disorder_ketamine_related"}


@pytest.mark.parametrize("code", ["F10.20", "F11.20", "F12.10", "F13.20", "F14.20", "F15.20", "F18.20"])
def test_active_substance_use_disorder_is_a_ketamine_caution(code: str) -> None:
    """PMC6884875 trial exclusion [V]; Spravato label caution for SUD history (clinical-reference 3)."""
    doc = with_(**dx(code))
    assert decisions(doc)["esketamine"] == "caution"
    assert "substance_use_disorder_active" in fired(doc)["ketamine_iv"]


@pytest.mark.parametrize("status", ["in_remission", "resolved"])
def test_substance_use_disorder_in_remission_is_a_ketamine_caution(status: str) -> None:
    """Spravato label caution for SUD history; PMC6884875 "past or current" dependence (clinical-reference 3)."""
    doc = with_(**dx("F11.21", status))
    assert decisions(doc) == expect("caution")
    assert fired(doc)["ketamine_im"] == {"substance_use_disorder_in_remission"}


def test_nicotine_dependence_is_not_counted_as_a_substance_use_disorder() -> None:
    """Clinical-reference 3 names substance dependence for abuse risk; nicotine (F17) is left out by design."""
    assert decisions(with_(**dx("F17.210"))) == expect("eligible")


def test_dast10_of_3_or_more_is_a_ketamine_caution() -> None:
    """DAST-10 3-5 moderate, "further investigation" (comorbidityguidelines.org.au; NIDA CDE) [V]
    (clinical-reference 1.9); Spravato label 5.3: assess abuse risk [V]."""
    # q1 yes, q2 yes, q3 "No" (reverse-scored, 1 point) = 3.
    doc = with_(screens={"dast10": [1, 1, 0, 0, 0, 0, 0, 0, 0, 0]})
    assert decisions(doc) == expect("caution")
    assert fired(doc)["ketamine_iv"] == {"dast10_positive"}


def test_dast10_of_2_is_low_and_not_flagged() -> None:
    """DAST-10 1-2 low, monitor (clinical-reference 1.9) [V]."""
    # q1 yes, q2 yes, q3 "Yes" (reverse-scored, 0 points) = 2.
    assert decisions(with_(screens={"dast10": [1, 1, 1, 0, 0, 0, 0, 0, 0, 0]})) == expect("eligible")


def test_an_unfinished_dast10_counts_as_not_done() -> None:
    """Screening fail-safe; no prorating rule exists (clinical-reference 8)."""
    result = results(with_(screens={"dast10": [0, 0, 1, 0, None, 0, 0, 0, 0, 0]}))
    assert result["esketamine"].decision == "incomplete"
    assert result["esketamine"].missing == ("screens.dast10",)


def test_positive_auditc_for_a_woman_is_a_caution_for_ketamine_and_tms() -> None:
    """AUDIT-C positive >= 3 for women (Bush 1998; Bradley 2007) [V] (clinical-reference 1.8); alcohol use as a
    TMS seizure risk factor (Dobek 2015; Stultz 2020) [V2] (clinical-reference 5)."""
    doc = with_(sex="female", screens={"auditc": [1, 1, 1]})
    assert decisions(doc) == expect("caution", tms="caution")
    assert fired(doc)["esketamine"] == {"auditc_positive"}
    assert fired(doc)["tms"] == {"tms_alcohol_misuse"}


def test_auditc_of_3_is_negative_for_a_man_and_4_is_positive() -> None:
    """AUDIT-C positive >= 4 for men (Bush 1998; Bradley 2007) [V] (clinical-reference 1.8)."""
    assert decisions(with_(sex="male", screens={"auditc": [1, 1, 1]})) == expect("eligible")
    assert decisions(with_(sex="male", screens={"auditc": [2, 1, 1]})) == expect("caution", tms="caution")


def test_auditc_uses_the_lower_cut_off_unless_the_patient_is_male() -> None:
    """The more sensitive female cut-off (>= 3) is the fail-safe reading (clinical-reference 1.8)."""
    assert decisions(with_(sex="other", screens={"auditc": [1, 1, 1]})) == expect("caution", tms="caution")


def test_missing_auditc_leaves_ketamine_and_tms_incomplete() -> None:
    """Screening fail-safe."""
    doc = with_()
    del doc["screens"]["auditc"]
    result = results(doc)
    assert all(r.decision == "incomplete" and r.missing == ("screens.auditc",) for r in result.values())
