"""Clinic screening settings: overrides, switched-off rules, and the label lock."""

from __future__ import annotations

import pytest

from remit.core.screening import RULES, ScreeningSettings, SettingsError
from remit.core.tests.screening.intakes import decisions, expect, with_


def test_example_defaults_are_140_90_and_20_mg_diazepam() -> None:
    """Spravato "e.g. > 140/90" [V2] (clinical-reference 8); ~2 mg lorazepam (PMC6884875) (clinical-reference 3)."""
    settings = ScreeningSettings()
    assert (settings.bp_systolic_limit, settings.bp_diastolic_limit) == (140, 90)
    assert settings.benzodiazepine_high_dose_diazepam_mg == 20


@pytest.mark.parametrize("rule", [r.id for r in RULES if r.label_mandated])
def test_a_label_mandated_rule_cannot_be_switched_off(rule: str) -> None:
    """Absolute rules from a drug label cannot be switched off."""
    with pytest.raises(SettingsError, match=rule):
        ScreeningSettings(disabled_rules=frozenset({rule}))


@pytest.mark.parametrize("rule", [r.id for r in RULES if r.label_mandated])
def test_a_label_mandated_rule_cannot_be_downgraded(rule: str) -> None:
    """Absolute rules from a drug label cannot be switched off, nor softened to a caution."""
    with pytest.raises(SettingsError, match=rule) as raised:
        ScreeningSettings(level_overrides={rule: "relative"})
    assert raised.value.setting == f"level_overrides.{rule}"


def test_the_esketamine_label_contraindications_are_locked() -> None:
    """Spravato contraindications [V] (clinical-reference 4)."""
    locked = {r.id for r in RULES if r.label_mandated}
    assert {
        "aneurysmal_vascular_disease_esketamine",
        "arteriovenous_malformation_esketamine",
        "intracerebral_haemorrhage_history_esketamine",
        "hypersensitivity_ketamine",
    } <= locked


def test_an_absolute_rule_must_be_downgraded_before_it_can_be_switched_off() -> None:
    """A clinic can change a rule's level or switch a relative rule off."""
    with pytest.raises(SettingsError, match="tms_cardiac_device"):
        ScreeningSettings(disabled_rules=frozenset({"tms_cardiac_device"}))
    settings = ScreeningSettings(
        level_overrides={"tms_cardiac_device": "relative"}, disabled_rules=frozenset({"tms_cardiac_device"})
    )
    assert decisions(with_(tms_safety={"cardiac_device": True}), settings) == expect("eligible")


def test_a_clinic_can_downgrade_a_non_label_rule() -> None:
    """Rossi 2009/2011: a Yes needs a physician's call (clinical-reference 5); a clinic may read it so."""
    settings = ScreeningSettings(level_overrides={"tms_cardiac_device": "relative"})
    assert decisions(with_(tms_safety={"cardiac_device": True}), settings) == expect(
        "eligible", tms="caution"
    )


def test_a_clinic_can_make_a_caution_a_contraindication() -> None:
    """A clinic can change a rule's level."""
    settings = ScreeningSettings(level_overrides={"maoi": "absolute"})
    doc = with_(medications=[{"name": "phenelzine", "daily_dose_mg": 45}])
    assert decisions(doc, settings) == expect("contraindicated")


@pytest.mark.parametrize(
    ("kwargs", "named"),
    [
        ({"disabled_rules": frozenset({"no_such_rule"})}, "no_such_rule"),
        ({"level_overrides": {"no_such_rule": "relative"}}, "no_such_rule"),
        ({"level_overrides": {"maoi": "severe"}}, "maoi"),
        ({"bp_systolic_limit": 20}, "bp_systolic_limit"),
        ({"bp_systolic_limit": 140, "bp_diastolic_limit": 150}, "bp_diastolic_limit"),
        ({"benzodiazepine_high_dose_diazepam_mg": 0}, "benzodiazepine_high_dose_diazepam_mg"),
    ],
)
def test_bad_settings_are_refused_naming_the_setting(kwargs: dict[str, object], named: str) -> None:
    """Bad input raises an exception naming the field (ground rules)."""
    with pytest.raises(SettingsError, match=named):
        ScreeningSettings(**kwargs)  # type: ignore[arg-type]
