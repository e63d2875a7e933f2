from __future__ import annotations

from typing import Any

from django import template

register = template.Library()


@register.filter
def can(user: object, capability: str) -> bool:
    """``{% if user|can:"patient.edit" %}``: whether they hold it in at least one clinic (navigation, lists).

    About one patient or record, ask ``{% may "clinical.edit" patient as can_edit %}`` instead:
    roles are held per clinic.
    """
    return bool(getattr(user, "is_authenticated", False) and user.can_in_any_clinic(capability))  # type: ignore[attr-defined]


@register.simple_tag(takes_context=True)
def may(context: dict[str, Any], capability: str, where: Any) -> bool:
    """``{% may "clinical.view" patient as clinical %}``: whether the signed-in user holds ``capability``
    in the clinic of ``where`` (a clinic, a clinic id, or a record with a ``clinic_id``)."""
    user = context.get("user")
    if not getattr(user, "is_authenticated", False):
        return False
    clinic = where if isinstance(where, int) else getattr(where, "clinic_id", getattr(where, "pk", None))
    return bool(clinic is not None and user.can(capability, clinic))  # type: ignore[union-attr]
