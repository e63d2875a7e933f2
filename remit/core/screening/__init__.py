"""Screening: contraindication rules as data, and the evaluator that turns intake facts into decisions.

Usage: ``to_dict(evaluate(parse_intake(doc)))`` gives, per modality, the decision, its reasons (each
with its source) and the facts still missing. The intake's JSON Schema is ``intake.schema.json``;
treatment-resistance context is in ``remit.core.screening.resistance``.
"""

from remit.core.screening.evaluate import (
    Decision,
    ModalityDict,
    ModalityResult,
    Reason,
    ReasonDict,
    evaluate,
    to_dict,
)
from remit.core.screening.intake import Intake, IntakeError, intake_schema, parse_intake
from remit.core.screening.rule import Level, Rule
from remit.core.screening.rules import RULES, RULES_BY_ID
from remit.core.screening.settings import DEFAULT_SETTINGS, ScreeningSettings, SettingsError

__all__ = [
    "DEFAULT_SETTINGS",
    "RULES",
    "RULES_BY_ID",
    "Decision",
    "Intake",
    "IntakeError",
    "Level",
    "ModalityDict",
    "ModalityResult",
    "Reason",
    "ReasonDict",
    "Rule",
    "ScreeningSettings",
    "SettingsError",
    "evaluate",
    "intake_schema",
    "parse_intake",
    "to_dict",
]
