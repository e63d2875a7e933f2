"""Checking each resource's structure with fhir.resources' R4B models (independent of the export's fhirclient).

A Questionnaire's structural problems are warnings, not errors: Remit only
reads its items, codes and ordinal values, which the core's reader checks
(the LHC-Forms PHQ-9 carries STU3-era extension values that R4B refuses).
"""

from __future__ import annotations

import copy
from typing import Any

from fhir.resources.R4B import get_fhir_model_class
from pydantic import ValidationError as PydanticError

from remit.fhir.importer.outcome import Report
from remit.fhir.importer.sources import Source


def _loc_path(loc: tuple[Any, ...]) -> str:
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += ("." if out else "") + str(part)
    return out


def check_structure(source: Source, report: Report) -> bool:
    """Parse with the R4B model; each pydantic complaint becomes an issue at its path."""
    try:
        model_class = get_fhir_model_class(source.type)
    except (ValueError, KeyError):
        report.error(
            source.label,
            source.path("resourceType"),
            f"{source.type!r} is not an R4 resource type",
            code="structure",
        )
        return False
    try:
        model_class.model_validate(copy.deepcopy(source.resource))
    except PydanticError as error:
        for problem in error.errors():
            element = _loc_path(tuple(problem.get("loc") or ()))
            message = f"{problem.get('msg')}" + (f" (at {element})" if element else "")
            if source.type == "Questionnaire":
                report.warning(source.label, source.path(element), message + "; read only for matching")
            else:
                report.error(source.label, source.path(element), message, code="structure")
        return source.type == "Questionnaire"
    except Exception as error:  # noqa: BLE001 - a model that cannot even parse it
        report.error(source.label, source.root, f"cannot be read: {error}", code="structure")
        return False
    return True
