"""``{{ code|words }}``, ``{{ value|value_words }}``, ``{{ text|source_words }}``: codes as the words people read.

Loaded in every template (``TEMPLATES["OPTIONS"]["builtins"]``), so a page never needs to remember it.
"""

from __future__ import annotations

from typing import Any

from django import template

from remit.pages import words as w

register = template.Library()


@register.filter
def words(code: Any) -> str:
    return w.code_words(code)


@register.filter
def value_words(value: Any) -> str:
    return w.value_words(value)


@register.filter
def source_words(text: Any) -> str:
    return w.source_words(text)


@register.filter
def path_words(path: Any) -> str:
    return w.path_words(path)


@register.filter
def field_error(error: Any, label: Any) -> str:
    """``{{ error|field_error:field.label }}``: the error, led by the field's name unless it already is."""
    text, name = str(error), str(label or "").rstrip(" :?")
    if not name or text.lower().startswith(name.lower()):
        return text
    return f"{name}: {text}"
