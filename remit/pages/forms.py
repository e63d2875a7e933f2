"""Form helpers shared by the staff pages."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError


def apply_validation_error(form: Any, error: ValidationError) -> None:
    """Attach an action's errors to the form's fields (unknown names become form-wide errors)."""
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error)
