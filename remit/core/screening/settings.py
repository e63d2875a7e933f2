"""A clinic's screening settings, and the checks that keep label contraindications in force."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType

from remit.core.screening.rule import LEVELS, Level, Rule


class SettingsError(ValueError):
    """A screening setting that is not allowed. ``setting`` names it (and the rule, where one is involved)."""

    def __init__(self, setting: str, message: str) -> None:
        self.setting = setting
        super().__init__(message)


@dataclass(frozen=True)
class ScreeningSettings:
    """Clinic-level screening settings. Changes are audited by the app.

    bp_systolic_limit, bp_diastolic_limit: pre-treatment blood pressure
        above which ketamine and esketamine need a prescriber's review.
        Example value 140/90, to be confirmed by the medical director: it is
        the Spravato label's "e.g. > 140/90" as quoted by a secondary source
        (clinical-reference 4 and 8, [V2]); the label sets no hard number.
    benzodiazepine_high_dose_diazepam_mg: total daily benzodiazepine dose, in
        diazepam equivalents, above which the high-dose caution fires.
        Example value 20 mg, to be confirmed by the medical director: about
        2 mg lorazepam, the low end of the "> ~2-3 mg lorazepam-equivalent"
        ketamine trial exclusion (PMC6884875, PMC10812090; clinical-reference 3).
    level_overrides: rule id -> level, to make a rule stricter or milder.
    disabled_rules: rule ids switched off. Only rules whose (overridden)
        level is relative can be switched off; label-mandated rules can be
        neither switched off nor downgraded.
    """

    bp_systolic_limit: int = 140
    bp_diastolic_limit: int = 90
    benzodiazepine_high_dose_diazepam_mg: float = 20.0
    level_overrides: Mapping[str, Level] = field(default_factory=lambda: MappingProxyType({}), hash=False)
    disabled_rules: frozenset[str] = frozenset()

    def __post_init__(self) -> None:
        if not 80 <= self.bp_systolic_limit <= 250:
            raise SettingsError(
                "bp_systolic_limit", f"bp_systolic_limit {self.bp_systolic_limit} is not in 80-250"
            )
        if not 40 <= self.bp_diastolic_limit < self.bp_systolic_limit:
            raise SettingsError(
                "bp_diastolic_limit",
                f"bp_diastolic_limit {self.bp_diastolic_limit} must be at least 40 and below the systolic limit",
            )
        if not self.benzodiazepine_high_dose_diazepam_mg > 0:
            raise SettingsError(
                "benzodiazepine_high_dose_diazepam_mg", "benzodiazepine_high_dose_diazepam_mg must be above 0"
            )
        object.__setattr__(self, "level_overrides", MappingProxyType(dict(self.level_overrides)))
        object.__setattr__(self, "disabled_rules", frozenset(self.disabled_rules))
        check_against(self, _catalogue())

    def level_of(self, rule: Rule) -> Level:
        return self.level_overrides.get(rule.id, rule.level)


def _catalogue() -> dict[str, Rule]:
    from remit.core.screening.rules import RULES  # the catalogue imports this module's siblings

    return {rule.id: rule for rule in RULES}


def check_against(settings: ScreeningSettings, rules: Mapping[str, Rule]) -> None:
    """Raise SettingsError for an unknown rule id, a bad level, or a weakened label-mandated rule."""
    for rule_id, level in settings.level_overrides.items():
        rule = rules.get(rule_id)
        if rule is None:
            raise SettingsError(f"level_overrides.{rule_id}", f"level_overrides: unknown rule {rule_id!r}")
        if level not in LEVELS:
            raise SettingsError(
                f"level_overrides.{rule_id}", f"level_overrides.{rule_id}: {level!r} is not one of {LEVELS}"
            )
        if rule.label_mandated and level != "absolute":
            raise SettingsError(
                f"level_overrides.{rule_id}",
                f"rule {rule_id!r} is a label-mandated contraindication and cannot be downgraded",
            )
    for rule_id in sorted(settings.disabled_rules):
        rule = rules.get(rule_id)
        if rule is None:
            raise SettingsError(f"disabled_rules.{rule_id}", f"disabled_rules: unknown rule {rule_id!r}")
        if rule.label_mandated:
            raise SettingsError(
                f"disabled_rules.{rule_id}",
                f"rule {rule_id!r} is a label-mandated contraindication and cannot be switched off",
            )
        if settings.level_of(rule) != "relative":
            raise SettingsError(
                f"disabled_rules.{rule_id}",
                f"rule {rule_id!r} is absolute; only a relative rule can be switched off",
            )


DEFAULT_SETTINGS = ScreeningSettings()
"""Example values throughout, to be confirmed by the medical director."""
