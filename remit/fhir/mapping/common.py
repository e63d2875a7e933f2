"""Small helpers shared by the mappers: ids, references, dates, numbers, fhirclient validation."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal
from typing import Any

from fhirclient.models.fhirabstractbase import FHIRValidationError
from fhirclient.models.fhirelementfactory import FHIRElementFactory

from remit.core.fhir_systems import LOINC, UCUM

JSON = dict[str, Any]

_ID_BAD = re.compile(r"[^A-Za-z0-9\-.]")


class MappingError(ValueError):
    """A value that cannot become a valid FHIR resource; ``field`` names it."""

    def __init__(self, field: str, message: str) -> None:
        self.field = field
        super().__init__(f"{field}: {message}")


def fhir_id(value: object) -> str:
    """A FHIR logical id (``[A-Za-z0-9-.]{1,64}``) from a Remit id or code; ``_`` becomes ``-``."""
    text = _ID_BAD.sub("-", str(value))
    if not text or len(text) > 64:
        raise MappingError("id", f"{value!r} cannot be a FHIR id (1-64 letters, digits, '-' or '.')")
    return text


def reference(resource_type: str, resource_id: object) -> JSON:
    return {"reference": f"{resource_type}/{fhir_id(resource_id)}"}


def date_time(value: dt.datetime | dt.date, field: str = "date") -> str:
    """FHIR dateTime: a date, or a date-time that must carry its time zone."""
    if isinstance(value, dt.datetime):
        if value.tzinfo is None or value.utcoffset() is None:
            raise MappingError(field, f"{value.isoformat()} has no time zone; FHIR needs one")
        return value.isoformat()
    return value.isoformat()


def date_only(value: dt.date, field: str = "date") -> str:
    if isinstance(value, dt.datetime):
        raise MappingError(field, "expected a date, got a date-time")
    return value.isoformat()


def number(value: int | float | Decimal) -> int | float:
    """JSON number for a FHIR decimal/integer: whole values stay whole."""
    if isinstance(value, bool):
        raise MappingError("value", "a yes/no is not a number")
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    return value


def quantity(value: int | float | Decimal, ucum: str, unit: str | None = None) -> JSON:
    return {"value": number(value), "unit": unit or ucum, "system": UCUM, "code": ucum}


def coding(system: str, code: str, display: str | None = None) -> JSON:
    result: JSON = {"system": system, "code": code}
    if display:
        result["display"] = display
    return result


def loinc(code: str, display: str | None = None) -> JSON:
    return coding(LOINC, code, display)


def concept(*codings: JSON, text: str | None = None) -> JSON:
    result: JSON = {}
    if codings:
        result["coding"] = list(codings)
    if text:
        result["text"] = text
    return result


def build(resource: JSON) -> JSON:
    """Parse ``resource`` with fhirclient's R4 (4.0.1) model in strict mode and return its JSON.

    fhirclient refuses unknown elements, wrong types and missing required
    elements (FHIRValidationError), so everything the mappers return is a
    resource the R4 models accept. Their complaints come back as MappingError.
    """
    try:
        built: JSON = model(resource).as_json()
    except FHIRValidationError as error:
        raise MappingError(str(resource.get("resourceType")), str(error)) from None
    return built


def model(resource: JSON) -> Any:
    """The fhirclient model object for a resource dict (for callers that want objects)."""
    resource_type = resource.get("resourceType")
    try:
        parsed = FHIRElementFactory.instantiate(resource_type, resource)
    except FHIRValidationError as error:
        raise MappingError(str(resource_type), str(error)) from None
    if type(parsed).__name__ != resource_type:
        raise MappingError("resourceType", f"{resource_type!r} is not an R4 resource type")
    return parsed
