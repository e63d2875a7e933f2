"""Every change to a staff account goes through one of these functions.

Each validates, writes and records its audit event in the same transaction,
so an account never changes without the trail saying who changed it.
Views, management commands and tests call the same functions.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.contrib.auth import password_validation
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpRequest
from django_otp import devices_for_user
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from remit.accounts import roles as R
from remit.accounts.models import Clinic, User, validate_roles
from remit.audit import actions as audit

RECOVERY_CODE_COUNT = 10
RECOVERY_DEVICE_NAME = "recovery codes"


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


def start_totp_enrolment(user: User) -> TOTPDevice:
    """A fresh unconfirmed device; earlier unconfirmed ones (never proven) are dropped."""
    with transaction.atomic():
        TOTPDevice.objects.filter(user=user, confirmed=False).delete()
        return TOTPDevice.objects.create(user=user, name="authenticator", confirmed=False)


def confirm_totp_device(*, user: User, device: TOTPDevice, request: HttpRequest | None = None) -> TOTPDevice:
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


def generate_recovery_codes(*, user: User, request: HttpRequest | None = None) -> list[str]:
    """Replace the user's recovery codes with RECOVERY_CODE_COUNT new ones, returned once to show."""
    with transaction.atomic():
        StaticDevice.objects.filter(user=user).delete()
        device = StaticDevice.objects.create(user=user, name=RECOVERY_DEVICE_NAME, confirmed=True)
        codes: list[str] = []
        while len(codes) < RECOVERY_CODE_COUNT:
            code = StaticToken.random_token()
            if code not in codes:
                codes.append(code)
        StaticToken.objects.bulk_create([StaticToken(device=device, token=code) for code in codes])
        audit.record(
            audit.MFA_ENROL,
            actor=user,
            request=request,
            obj=user,
            detail={"device": "recovery_codes", "count": len(codes)},
        )
    return codes
