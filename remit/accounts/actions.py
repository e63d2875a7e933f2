"""Every change to a staff account goes through one of these functions.

Each validates, writes and records its audit event in the same transaction,
so an account never changes without the trail saying who changed it.
Views, management commands and tests call the same functions.
"""

from __future__ import annotations

import base64
import secrets
from collections.abc import Iterable
from typing import Any

from django.contrib.auth import password_validation
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpRequest
from django_otp import devices_for_user

from remit.accounts import roles as R
from remit.accounts import sealing
from remit.accounts.models import (
    Clinic,
    PasskeyDevice,
    RecoveryCode,
    RecoveryCodeDevice,
    SealedTOTPDevice,
    User,
    validate_roles,
)
from remit.audit import actions as audit

RECOVERY_CODE_COUNT = 10
RECOVERY_DEVICE_NAME = "recovery codes"
PASSKEY_NAME_MAX = 60


def _clinic_ids(clinics: Iterable[Clinic | int]) -> list[int]:
    return sorted({c if isinstance(c, int) else c.pk for c in clinics})


def _user_state(user: User) -> dict[str, Any]:
    return {"roles": sorted(user.roles or []), "clinics": sorted(user.clinics.values_list("id", flat=True))}


def create_user(
    *,
    actor: User | None,
    username: str,
    password: str,
    roles: list[str],
    clinics: Iterable[Clinic | int],
    first_name: str = "",
    last_name: str = "",
    email: str = "",
    request: HttpRequest | None = None,
) -> User:
    """Create a staff member with roles, clinics and a password the validators accept."""
    validate_roles(list(roles))
    clinic_ids = _clinic_ids(clinics)
    if not clinic_ids:
        raise ValidationError({"clinics": "A staff member belongs to at least one clinic."})
    if User.objects.filter(username__iexact=username).exists():
        raise ValidationError({"username": "A user with that username already exists."})
    candidate = User(username=username, first_name=first_name, last_name=last_name, email=email)
    password_validation.validate_password(password, user=candidate)
    with transaction.atomic():
        user = User.objects.create_user(
            username=username,
            password=password,
            first_name=first_name,
            last_name=last_name,
            email=email,
            roles=list(roles),
        )
        user.clinics.set(clinic_ids)
        audit.record(
            audit.USER_CREATE,
            actor=actor,
            request=request,
            obj=user,
            clinic_id=clinic_ids[0],
            detail={"username": user.username, "roles": sorted(roles), "clinics": clinic_ids},
        )
    return user


def update_user(
    *,
    actor: User | None,
    user: User,
    roles: list[str],
    clinics: Iterable[Clinic | int],
    first_name: str | None = None,
    last_name: str | None = None,
    email: str | None = None,
    request: HttpRequest | None = None,
) -> User:
    """Change a user's roles, clinics and name; a role or clinic change is recorded with before and after."""
    validate_roles(list(roles))
    clinic_ids = _clinic_ids(clinics)
    if not clinic_ids:
        raise ValidationError({"clinics": "A staff member belongs to at least one clinic."})
    with transaction.atomic():
        user = User.objects.select_for_update().get(pk=user.pk)
        before = _user_state(user)
        profile_before = {"first_name": user.first_name, "last_name": user.last_name, "email": user.email}
        user.roles = sorted(set(roles), key=list(R.ROLES).index)
        if first_name is not None:
            user.first_name = first_name
        if last_name is not None:
            user.last_name = last_name
        if email is not None:
            user.email = email
        user.save()
        user.clinics.set(clinic_ids)
        after = {"roles": sorted(user.roles), "clinics": clinic_ids}
        if before != after:
            audit.record(
                audit.ROLE_CHANGE,
                actor=actor,
                request=request,
                obj=user,
                clinic_id=clinic_ids[0],
                detail={"username": user.username, "before": before, "after": after},
            )
        profile_after = {"first_name": user.first_name, "last_name": user.last_name, "email": user.email}
        changed = {k: [profile_before[k], v] for k, v in profile_after.items() if profile_before[k] != v}
        if changed:
            audit.record(
                audit.UPDATE,
                actor=actor,
                request=request,
                obj=user,
                clinic_id=clinic_ids[0],
                detail={"username": user.username, "changed": changed},
            )
    user._clinic_ids = clinic_ids
    return user


def deactivate_user(
    *, actor: User | None, user: User, reason: str, request: HttpRequest | None = None
) -> User:
    """Switch an account off. Nothing is deleted: the account and its trail stay."""
    reason = reason.strip()
    if not reason:
        raise ValidationError({"reason": "Say why the account is deactivated."})
    if actor is not None and actor.pk == user.pk:
        raise ValidationError("You cannot deactivate your own account.")
    with transaction.atomic():
        user = User.objects.select_for_update().get(pk=user.pk)
        if not user.is_active:
            return user
        user.is_active = False
        user.save(update_fields=["is_active"])
        audit.record(
            audit.USER_DEACTIVATE,
            actor=actor,
            request=request,
            obj=user,
            detail={"username": user.username, "reason": reason},
        )
    return user


def reactivate_user(*, actor: User | None, user: User, request: HttpRequest | None = None) -> User:
    with transaction.atomic():
        user = User.objects.select_for_update().get(pk=user.pk)
        if user.is_active:
            return user
        user.is_active = True
        user.save(update_fields=["is_active"])
        audit.record(
            audit.UPDATE,
            actor=actor,
            request=request,
            obj=user,
            detail={"username": user.username, "changed": {"is_active": [False, True]}},
        )
    return user


def reset_mfa(*, actor: User | None, user: User, request: HttpRequest | None = None) -> int:
    """Remove every second-factor device, so the user enrols again at the next sign-in."""
    with transaction.atomic():
        devices = list(devices_for_user(user, confirmed=None))
        for device in devices:
            device.delete()
        audit.record(
            audit.MFA_RESET,
            actor=actor,
            request=request,
            obj=user,
            detail={"username": user.username, "devices_removed": len(devices)},
        )
    return len(devices)


def change_password(*, user: User, new_password: str, request: HttpRequest | None = None) -> None:
    password_validation.validate_password(new_password, user=user)
    with transaction.atomic():
        user.set_password(new_password)
        user.save(update_fields=["password"])
        audit.record(audit.PASSWORD_CHANGE, actor=user, request=request, obj=user)


def start_totp_enrolment(user: User) -> SealedTOTPDevice:
    """A fresh unconfirmed device (its secret sealed); earlier unconfirmed ones (never proven) are dropped."""
    with transaction.atomic():
        SealedTOTPDevice.objects.filter(user=user, confirmed=False).delete()
        return SealedTOTPDevice.objects.create(user=user, name="authenticator", confirmed=False)


def confirm_totp_device(
    *, user: User, device: SealedTOTPDevice, request: HttpRequest | None = None
) -> SealedTOTPDevice:
    with transaction.atomic():
        device.confirmed = True
        device.save(update_fields=["confirmed"])
        audit.record(
            audit.MFA_ENROL,
            actor=user,
            request=request,
            obj=user,
            detail={"device": "totp", "device_id": device.pk},
        )
    return device


def new_recovery_code() -> str:
    """16 characters of base32 (80 random bits), lower case, as people type them."""
    return base64.b32encode(secrets.token_bytes(10)).decode().lower()


def generate_recovery_codes(*, user: User, request: HttpRequest | None = None) -> list[str]:
    """Replace the user's recovery codes with RECOVERY_CODE_COUNT new ones, returned once to show.

    Only their hashes are stored: nobody, not even an administrator with the database, can show
    them again.
    """
    with transaction.atomic():
        RecoveryCodeDevice.objects.filter(user=user).delete()
        device = RecoveryCodeDevice.objects.create(user=user, name=RECOVERY_DEVICE_NAME, confirmed=True)
        codes: list[str] = []
        while len(codes) < RECOVERY_CODE_COUNT:
            code = new_recovery_code()
            if code not in codes:
                codes.append(code)
        RecoveryCode.objects.bulk_create(
            [
                RecoveryCode(device=device, digest=sealing.hash_recovery_code(device.salt, code))
                for code in codes
            ]
        )
        audit.record(
            audit.MFA_ENROL,
            actor=user,
            request=request,
            obj=user,
            detail={"device": "recovery_codes", "count": len(codes)},
        )
    return codes


def recovery_codes_left(user: User) -> int:
    return RecoveryCode.objects.filter(device__user=user, device__confirmed=True).count()


def add_passkey(
    *,
    user: User,
    name: str,
    credential_id: str,
    public_key: bytes,
    sign_count: int,
    user_handle: str,
    transports: list[str],
    backed_up: bool,
    request: HttpRequest | None = None,
) -> PasskeyDevice:
    """Keep a passkey the browser has just made and the server has verified (remit.accounts.passkeys)."""
    name = " ".join(name.split())
    if not name:
        raise ValidationError({"name": "Give the passkey a name, such as the device it is on."})
    if len(name) > PASSKEY_NAME_MAX:
        raise ValidationError({"name": f"Keep the name to {PASSKEY_NAME_MAX} characters or fewer."})
    with transaction.atomic():
        if PasskeyDevice.objects.filter(user=user, name__iexact=name).exists():
            raise ValidationError({"name": "You already have a passkey with that name; choose another."})
        if PasskeyDevice.objects.filter(credential_id=credential_id).exists():
            raise ValidationError("That passkey is already added.")
        device = PasskeyDevice.objects.create(
            user=user,
            name=name,
            confirmed=True,
            credential_id=credential_id,
            public_key=public_key,
            sign_count=sign_count,
            user_handle=user_handle,
            transports=list(transports),
            backed_up=backed_up,
        )
        audit.record(
            audit.MFA_ENROL,
            actor=user,
            request=request,
            obj=user,
            detail={"device": "passkey", "device_id": device.pk, "name": name},
        )
    return device


def remove_passkey(*, user: User, device: PasskeyDevice, request: HttpRequest | None = None) -> None:
    """Remove one of the user's own passkeys; it no longer signs them in."""
    if device.user_id != user.pk:
        raise ValidationError("That passkey is not yours.")
    with transaction.atomic():
        device_id, name = device.pk, device.name
        device.delete()
        audit.record(
            audit.MFA_REMOVE,
            actor=user,
            request=request,
            obj=user,
            detail={"device": "passkey", "device_id": device_id, "name": name},
        )


def rotate_credential_keys(*, actor_label: str = "system") -> int:
    """Re-encrypt every TOTP secret with the newest key of REMIT_CREDENTIAL_KEYS; all or nothing.

    Raises sealing.CredentialKeyError (and changes nothing) when a secret opens with none of the keys.
    """
    with transaction.atomic():
        devices = list(SealedTOTPDevice.objects.select_for_update().order_by("pk"))
        for device in devices:
            device.sealed_key = sealing.reseal(device.sealed_key)
        SealedTOTPDevice.objects.bulk_update(devices, ["sealed_key"], batch_size=500)
        audit.record(
            audit.CREDENTIAL_KEYS_ROTATED,
            actor_label=actor_label,
            object_type="accounts.sealedtotpdevice",
            detail={"re_encrypted": len(devices)},
        )
    return len(devices)
