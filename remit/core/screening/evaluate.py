"""Evaluate an intake against the rule catalogue: one decision per modality, with reasons and gaps.

Precedence, per modality:
1. any absolute rule fired            -> contraindicated (a known contraindication stands,
                                         even when other facts are missing; those are still listed)
2. any needed fact unknown            -> incomplete (unknown never reads as eligible)
3. any relative rule fired            -> caution (a prescriber must review)
4. otherwise                          -> eligible
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Literal, TypedDict

from remit.core.modality import MODALITIES, Modality
from remit.core.screening.facts import is_known
from remit.core.screening.intake import Intake
from remit.core.screening.rule import Level, Rule
from remit.core.screening.rules import RULES
from remit.core.screening.settings import DEFAULT_SETTINGS, ScreeningSettings

Decision = Literal["eligible", "caution", "contraindicated", "incomplete"]

_LEVEL_ORDER: dict[Level, int] = {"absolute": 0, "relative": 1}


class ReasonDict(TypedDict):
    rule: str
    level: Level
    message: str
    source: str
    codes: list[str]
    medications: list[str]
    evidence: list[str]
    contradictions: list[str]


class ModalityDict(TypedDict):
    decision: Decision
    reasons: list[ReasonDict]
    missing: list[str]


@dataclass(frozen=True)
class Reason:
    """Why a rule fired. ``codes``: the recorded ICD-10-CM codes that made it fire; ``medications``: the
    listed medicines; ``evidence``: both in plain words; ``contradictions``: where an explicit "no" or an
    unticked class box disagrees with them (the recorded evidence wins), in plain words for the prescriber.
    """

    rule: str
    level: Level
    message: str
    source: str
    codes: tuple[str, ...] = ()
    medications: tuple[str, ...] = ()
    evidence: tuple[str, ...] = ()
    contradictions: tuple[str, ...] = ()

    def to_dict(self) -> ReasonDict:
        return {
            "rule": self.rule,
            "level": self.level,
            "message": self.message,
            "source": self.source,
            "codes": list(self.codes),
            "medications": list(self.medications),
            "evidence": list(self.evidence),
            "contradictions": list(self.contradictions),
        }


@dataclass(frozen=True)
class ModalityResult:
    """``reasons``: absolute first, then relative, each by rule id. ``missing``: sorted fact names."""

    decision: Decision
    reasons: tuple[Reason, ...]
    missing: tuple[str, ...]

    def to_dict(self) -> ModalityDict:
        return {
            "decision": self.decision,
            "reasons": [reason.to_dict() for reason in self.reasons],
            "missing": list(self.missing),
        }


def _decide(reasons: Iterable[Reason], missing: Iterable[str]) -> Decision:
    levels = {reason.level for reason in reasons}
    if "absolute" in levels:
        return "contraindicated"
    if any(True for _ in missing):
        return "incomplete"
    if "relative" in levels:
        return "caution"
    return "eligible"


def evaluate_modality(
    intake: Intake, modality: Modality, settings: ScreeningSettings, rules: Iterable[Rule] = RULES
) -> ModalityResult:
    reasons: list[Reason] = []
    missing: set[str] = set()
    for rule in rules:
        if modality not in rule.modalities or rule.id in settings.disabled_rules:
            continue
        level = settings.level_of(rule)
        evidence = rule.evidence(intake)
        # Coded evidence (a recorded diagnosis, a listed medicine) counts whatever the explicit answer says.
        if evidence or rule.condition(intake, settings):
            reasons.append(
                Reason(
                    rule=rule.id,
                    level=level,
                    message=rule.message,
                    source=rule.source_with(evidence),
                    codes=tuple(dict.fromkeys(e.code for e in evidence if e.kind == "diagnosis")),
                    medications=tuple(dict.fromkeys(e.code for e in evidence if e.kind == "medication")),
                    evidence=tuple(dict.fromkeys(e.text for e in evidence)),
                    contradictions=rule.contradictions(intake, evidence),
                )
            )
        if rule.needs_apply(intake):
            missing.update(fact for fact in rule.needs if not is_known(intake, fact))
    reasons.sort(key=lambda r: (_LEVEL_ORDER[r.level], r.rule))
    return ModalityResult(
        decision=_decide(reasons, missing), reasons=tuple(reasons), missing=tuple(sorted(missing))
    )


def evaluate(intake: Intake, settings: ScreeningSettings = DEFAULT_SETTINGS) -> dict[str, ModalityResult]:
    """The decision for each of the four modalities, in the order ketamine_iv, ketamine_im, esketamine, tms."""
    return {modality: evaluate_modality(intake, modality, settings) for modality in MODALITIES}


def to_dict(results: Mapping[str, ModalityResult]) -> dict[str, ModalityDict]:
    """``{"<modality>": {"decision", "reasons": [{"rule", "level", "message", "source", "codes", "medications",
    "evidence", "contradictions"}], "missing": [...]}}``."""
    return {modality: result.to_dict() for modality, result in results.items()}
