from __future__ import annotations

from django import template

register = template.Library()


@register.filter
def can(user: object, capability: str) -> bool:
    """``{% if user|can:"clinical.view" %}``: the same role table the views enforce."""
    return bool(getattr(user, "is_authenticated", False) and user.can(capability))  # type: ignore[attr-defined]
