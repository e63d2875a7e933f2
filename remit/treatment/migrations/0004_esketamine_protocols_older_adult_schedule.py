"""Give every stored esketamine protocol (every version) the 65-and-over dose schedule as a setting.

Until now a protocol held only ``first_dose_mg_65_plus`` (induction) and charting
never read it. The schedule (day 1 28 mg, then 28, 56 or 84 mg changed 28 mg at a
time, from age 65) becomes ``dosing.older_adults`` with its source and evidence
level, listed among the protocol's example values for the medical director to
confirm (clinical-reference §4: MIMS HK, secondary source). The values are frozen
here as they were when this migration was written.
"""

from __future__ import annotations

from typing import Any

from django.db import migrations

SOURCE = (
    "Spravato label as summarized by MIMS Hong Kong (clinical reference section 4): patients aged 65 "
    "and over take 28 mg on day 1, then 28, 56 or 84 mg, changed 28 mg at a time"
)
EXAMPLE = "dosing.older_adults"


def _schedule(first_dose_mg: int) -> dict[str, Any]:
    return {
        "from_age": 65,
        "first_dose_mg": first_dose_mg,
        "dose_options_mg": [28, 56, 84],
        "step_mg": 28,
        "source": SOURCE,
        "evidence": "secondary",
    }


def add_schedule(apps: Any, schema_editor: Any) -> None:
    Protocol = apps.get_model("treatment", "Protocol")
    for row in Protocol.objects.filter(modality="esketamine"):
        definition = dict(row.definition or {})
        dosing = dict(definition.get("dosing") or {})
        if "older_adults" in dosing:
            continue
        legacy = dosing.pop("first_dose_mg_65_plus", None)
        dosing["older_adults"] = _schedule(legacy if isinstance(legacy, int) and legacy > 0 else 28)
        definition["dosing"] = dosing
        examples = list(definition.get("examples") or [])
        if EXAMPLE not in examples:
            examples.append(EXAMPLE)
        definition["examples"] = examples
        row.definition = definition
        row.save(update_fields=["definition"])


def remove_schedule(apps: Any, schema_editor: Any) -> None:
    Protocol = apps.get_model("treatment", "Protocol")
    for row in Protocol.objects.filter(modality="esketamine"):
        definition = dict(row.definition or {})
        dosing = dict(definition.get("dosing") or {})
        schedule = dosing.pop("older_adults", None)
        if schedule is None:
            continue
        if dosing.get("first_dose_mg") is not None:
            dosing["first_dose_mg_65_plus"] = schedule.get("first_dose_mg", 28)
        definition["dosing"] = dosing
        definition["examples"] = [e for e in definition.get("examples") or [] if e != EXAMPLE]
        row.definition = definition
        row.save(update_fields=["definition"])


class Migration(migrations.Migration):
    dependencies = [("treatment", "0003_session_planned_dose_and_override_time")]

    operations = [migrations.RunPython(add_schedule, remove_schedule)]
