"""A clinic's own details (name, phone number, logo): what patients see on every portal page."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import HttpRequest

from remit.accounts.models import Clinic, User
from remit.audit import actions as audit

LOGO_MAX_BYTES = 200_000
# The picture formats a logo may be, told by their first bytes (not by the name the file was given).
LOGO_TYPES = ((b"\x89PNG\r\n\x1a\n", "image/png"), (b"\xff\xd8\xff", "image/jpeg"), (b"GIF8", "image/gif"))


def logo_type(data: bytes) -> str:
    """The logo's picture format, or ValidationError in plain words."""
    if len(data) > LOGO_MAX_BYTES:
        raise ValidationError({"logo": f"The logo must be smaller than {LOGO_MAX_BYTES // 1000} KB."})
    for magic, kind in LOGO_TYPES:
        if data.startswith(magic):
            return kind
    raise ValidationError({"logo": "The logo must be a PNG, JPEG or GIF picture."})


def update_clinic(
    *,
    actor: User,
    clinic: Clinic,
    name: str,
    phone: str,
    logo: bytes | None = None,
    remove_logo: bool = False,
    request: HttpRequest | None = None,
) -> Clinic:
    """Change the clinic's details; ``logo`` replaces the logo, ``remove_logo`` takes it away."""
    if not actor.can("clinic.configure", clinic):
        raise PermissionDenied("Only the clinic's administrators change its details.")
    if not name.strip():
        raise ValidationError({"name": "Please enter the clinic's name."})
    kind = logo_type(logo) if logo else None
    with transaction.atomic():
        locked = Clinic.objects.select_for_update().get(pk=clinic.pk)
        before = {"name": locked.name, "phone": locked.phone, "logo": bool(locked.logo)}
        locked.name, locked.phone = name.strip(), phone.strip()
        if kind is not None and logo is not None:
            locked.logo, locked.logo_type = logo, kind
        elif remove_logo:
            locked.logo, locked.logo_type = b"", ""
        locked.save(update_fields=["name", "phone", "logo", "logo_type"])
        after = {"name": locked.name, "phone": locked.phone, "logo": bool(locked.logo)}
        audit.record(
            audit.UPDATE,
            actor=actor,
            request=request,
            obj=locked,
            clinic_id=locked.pk,
            detail={"changed": sorted(k for k in after if after[k] != before[k] or (k == "logo" and kind))},
        )
    return locked
