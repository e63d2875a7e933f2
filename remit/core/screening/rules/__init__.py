"""The screening rule catalogue: every rule, grouped by the clinical question it answers."""

from __future__ import annotations

from remit.core.screening.rule import Rule
from remit.core.screening.rules import cardiovascular, medicines, population, psychiatric, substance, tms

RULES: tuple[Rule, ...] = (
    *population.RULES,
    *psychiatric.RULES,
    *substance.RULES,
    *cardiovascular.RULES,
    *medicines.RULES,
    *tms.RULES,
)

_ids = [rule.id for rule in RULES]
if len(set(_ids)) != len(_ids):
    raise ValueError(f"duplicate screening rule ids: {sorted({i for i in _ids if _ids.count(i) > 1})}")

RULES_BY_ID: dict[str, Rule] = {rule.id: rule for rule in RULES}
