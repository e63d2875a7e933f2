"""Age, pregnancy and breastfeeding rules."""

from __future__ import annotations

from remit.core.modality import MODALITIES
from remit.core.screening import RULES_BY_ID, ScreeningSettings
from remit.core.tests.screening.intakes import decisions, eligible_doc, expect, fired, results, with_, without


def test_the_reference_intake_is_eligible_for_every_modality() -> None:
    assert decisions(eligible_doc()) == expect("eligible")


def test_under_18_is_outside_scope_and_contraindicated_for_every_modality() -> None:
    """Remit's scope is adult TRD (design.md); Spravato is labelled for adults (clinical-reference 4) [V]."""
    result = results(with_(age=17))
    assert {m: r.decision for m, r in result.items()} == expect("contraindicated", tms="contraindicated")
    for modality in MODALITIES:
        reason = next(r for r in result[modality].reasons if r.rule == "age_under_18")
        assert reason.level == "absolute"
        assert "outside the scope" in reason.message


def test_an_18_year_old_is_in_scope() -> None:
    """Remit's scope is adults, 18 and over (design.md)."""
    assert decisions(with_(age=18)) == expect("eligible")


def test_under_18_cannot_be_switched_off_by_a_clinic() -> None:
    """Scope rule is locked like a label contraindication."""
    assert RULES_BY_ID["age_under_18"].label_mandated


def test_65_and_over_is_a_caution_for_esketamine_which_starts_at_28_mg() -> None:
    """Spravato: age >= 65 starts at 28 mg (MIMS HK) [V2] (clinical-reference 4)."""
    result = results(with_(age=65))
    assert {m: r.decision for m, r in result.items()} == expect("eligible", esketamine="caution")
    (reason,) = result["esketamine"].reasons
    assert reason.rule == "age_65_and_over_esketamine"
    assert "28 mg" in reason.message


def test_64_is_not_yet_the_older_adult_esketamine_dose() -> None:
    """Spravato: the 28 mg start applies from 65 (MIMS HK) [V2]."""
    assert decisions(with_(age=64)) == expect("eligible")


def test_missing_age_makes_every_modality_incomplete() -> None:
    """Screening fail-safe: unknown never reads as eligible."""
    result = results(without(eligible_doc(), "age"))
    assert all(r.decision == "incomplete" and "age" in r.missing for r in result.values())


def test_pregnancy_contraindicates_ketamine_and_esketamine_and_is_a_tms_caution() -> None:
    """Spravato label: fetal harm [V]; ketamine trial exclusion [V] (clinical-reference 3);
    IFCN summary: pregnancy (caution) for TMS [V2] (clinical-reference 5)."""
    doc = with_(pregnant=True)
    assert decisions(doc) == expect("contraindicated", tms="caution")
    assert fired(doc)["esketamine"] == {"pregnancy"}
    assert fired(doc)["tms"] == {"pregnancy_tms"}


def test_breastfeeding_is_a_caution_for_ketamine_and_esketamine_only() -> None:
    """Spravato label: avoid breastfeeding [V]; lactation is a ketamine trial exclusion (clinical-reference 3)."""
    doc = with_(breastfeeding=True)
    assert decisions(doc) == expect("caution")
    assert fired(doc)["ketamine_iv"] == {"breastfeeding"}


def test_pregnancy_and_breastfeeding_need_not_be_answered_for_a_male_patient() -> None:
    """Pregnancy rules apply unless the patient is male (Remit's fail-safe reading of clinical-reference 3-5)."""
    doc = without(with_(sex="male"), "pregnant", "breastfeeding")
    assert decisions(doc) == expect("eligible")


def test_pregnancy_must_be_answered_when_sex_is_unknown_or_other() -> None:
    """Unknown sex cannot rule pregnancy out: screening fail-safe."""
    for doc in (without(eligible_doc(), "sex", "pregnant"), without(with_(sex="other"), "pregnant")):
        result = results(doc)
        assert {m: r.decision for m, r in result.items()} == expect("incomplete", tms="incomplete")
        assert all(r.missing == ("pregnant",) for r in result.values())


def test_a_recorded_pregnancy_counts_even_when_sex_is_recorded_as_male() -> None:
    """A known contraindication stands (Spravato label: fetal harm [V])."""
    assert decisions(with_(sex="male", pregnant=True)) == expect("contraindicated", tms="caution")


def test_a_clinic_may_switch_off_the_breastfeeding_caution() -> None:
    """A clinic can switch a relative rule off in its settings."""
    settings = ScreeningSettings(disabled_rules=frozenset({"breastfeeding"}))
    assert decisions(with_(breastfeeding=True), settings) == expect("eligible")
