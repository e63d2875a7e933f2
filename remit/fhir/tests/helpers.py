"""Shared helpers for the FHIR tests: an independent R4B validator and the shared sample files."""

from __future__ import annotations

import copy
import datetime as dt
from typing import Any

from fhir.resources.R4B import get_fhir_model_class

# The sample files are kept in tests/fhir-samples; reuse the instruments' helper.
from remit.core.tests.instruments.helpers import load_fhir_sample, shared_dir

__all__ = ["AT", "load_sample", "shared_dir", "validate_r4b"]

AT = dt.datetime(2024, 5, 1, 14, 30, tzinfo=dt.UTC)


def validate_r4b(resource: dict[str, Any]) -> Any:
    """Validate with fhir.resources' R4B models (an implementation independent of fhirclient)."""
    model_class = get_fhir_model_class(resource["resourceType"])
    return model_class.model_validate(copy.deepcopy(resource))


def load_sample(name: str) -> Any:
    return load_fhir_sample(name)
