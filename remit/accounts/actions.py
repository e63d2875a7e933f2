"""Every change to a staff account goes through one of these functions.

Each validates, writes and records its audit event in the same transaction,
so an account never changes without the trail saying who changed it.
Views, management commands and tests call the same functions.
"""

from __future__ import annotations

import base64
import secrets
from collections.abc import Iterable, Mapping
from typing import Any

from django.contrib.auth import password_validation
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import HttpRequest
from django_otp import devices_for_user

from remit.accounts import roles as R
from remit.accounts import sealing
from remit.accounts.models import (
    Clinic,
    Membership,
    PasskeyDevice,
    RecoveryCode,
    RecoveryCodeDevice,
    SealedTOTPDevice,
    User,
    ordered_roles,
    validate_roles,
)
from remit.audit import actions as audit

RECOVERY_CODE_COUNT = 10
RECOVERY_DEVICE_NAME = "recovery codes"
PASSKEY_NAME_MAX = 60


ClinicRef = Clinic | int
Memberships = Mapping[int, Iterable[str]] | Mapping[Clinic, Iterable[str]] | Mapping[ClinicRef, Iterable[str]]


def _clinic_pk(clinic: ClinicRef) -> int:
    return clinic if isinstance(clinic, int) else clinic.pk


def _clinic_ids(clinics: Iterable[ClinicRef]) -> list[int]:
    return sorted({_clinic_pk(c) for c in clinics})


def _normalise(memberships: Memberships) -> dict[int, list[str]]:
    """Clinic id -> roles in the role table's order; unknown roles are refused."""
    out: dict[int, list[str]] = {}
    for clinic, roles in memberships.items():
        roles = list(roles)
        validate_roles(roles)
        out[_clinic_pk(clinic)] = ordered_roles(roles)
    return out


def _current(user: User) -> dict[int, list[str]]:
    return {
        m.clinic_id: ordered_roles(m.roles or [])
        for m in Membership.objects.filter(user_id=user.pk).order_by("clinic_id")
    }


def _clinic_names(ids: Iterable[int]) -> dict[int, str]:
    return dict(Clinic.objects.filter(pk__in=set(ids)).values_list("pk", "name"))


def administered_clinic_ids(actor: User | None) -> set[int] | None:
    """The clinics whose users ``actor`` manages; ``None`` for the system (a command run on the server)."""
    if actor is None:
        return None
    return set(actor.clinic_ids("users.manage"))


def administers_all_clinics_of(actor: User | None, user: User) -> bool:
    """Whether ``actor`` administers every clinic ``user`` belongs to (the system always does)."""
    own = administered_clinic_ids(actor)
    return own is None or set(_current(user)) <= own


def _require_administers(actor: User | None, clinic_ids: Iterable[int]) -> None:
    own = administered_clinic_ids(actor)
    if own is None:
        return
    outside = sorted(set(clinic_ids) - own)
    if outside:
        names = ", ".join(_clinic_names(outside).get(c, "another clinic") for c in outside)
        raise PermissionDenied(f"You are not an administrator of {names}.")


def _record_per_clinic(
    action: str,
    *,
    actor: User | None,
    user: User,
    clinic_ids: Iterable[int],
    detail: dict[str, Any],
    request: HttpRequest | None,
) -> None:
    """One audit row in each clinic the change concerns, so each clinic's administrators see it."""
    ids: list[int | None] = [*sorted(set(clinic_ids))] or [None]
    for clinic_id in ids:
        audit.record(action, actor=actor, request=request, obj=user, clinic_id=clinic_id, detail=detail)


def _memberships_from(
    memberships: Memberships | None, roles: Iterable[str] | None, clinics: Iterable[ClinicRef] | None
) -> dict[int, list[str]]:
    if memberships is not None:
        if roles is not None or clinics is not None:
            raise TypeError("give memberships, or roles and clinics, not both")
        return _normalise(memberships)
    if roles is None or clinics is None:
        raise TypeError("give memberships, or roles and clinics")
    roles = list(roles)
    return _normalise({c: roles for c in _clinic_ids(clinics)})


def create_user(
    *,
    actor: User | None,
    username: str,
    password: str,
    roles: Iterable[str] | None = None,
    clinics: Iterable[ClinicRef] | None = None,
    memberships: Memberships | None = None,
    first_name: str = "",
    last_name: str = "",
    email: str = "",
    request: HttpRequest | None = None,
) -> User:
    """Create a staff member with a password the validators accept and their roles in each clinic.

    Either ``memberships`` (clinic -> roles there) or ``roles`` held in each of ``clinics``.
    An administrator may only add people to clinics they administer.
    """
    wanted = {c: r for c, r in _memberships_from(memberships, roles, clinics).items() if r}
    if not wanted:
        raise ValidationError({"clinics": "Give them at least one role in at least one clinic."})
    _require_administers(actor, wanted)
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
        )
        Membership.objects.bulk_create(
            [Membership(user=user, clinic_id=c, roles=r) for c, r in sorted(wanted.items())]
        )
        names = _clinic_names(wanted)
        _record_per_clinic(
            audit.USER_CREATE,
            actor=actor,
            user=user,
            clinic_ids=wanted,
            request=request,
            detail={
                "username": user.username,
                "memberships": {names[c]: r for c, r in sorted(wanted.items())},
            },
        )
    user.forget_memberships()
    return user


def set_memberships(
    *,
    actor: User | None,
    user: User,
    memberships: Memberships,
    request: HttpRequest | None = None,
) -> User:
    """Set ``user``'s roles in the clinics named (no roles: no longer a member there); others stay.

    The actor must administer every clinic named. A change is recorded with before and after in
    the trail of every clinic the person belongs to (before or after), so a clinic sees what
    another clinic's administrator changed about someone who also works for it.
    """
    wanted = _normalise(memberships)
    _require_administers(actor, wanted)
    with transaction.atomic():
        user = User.objects.select_for_update().get(pk=user.pk)
        before = _current(user)
        after = {c: r for c, r in before.items() if c not in wanted}
        after.update({c: r for c, r in wanted.items() if r})
        if not after:
            raise ValidationError(
                {
                    "clinics": "A staff member belongs to at least one clinic: give them a role, or deactivate the account."
                }
            )
        if (
            actor is not None
            and actor.pk == user.pk
            and any(
                R.CLINIC_ADMIN in before.get(c, []) and R.CLINIC_ADMIN not in after.get(c, []) for c in wanted
            )
        ):
            raise ValidationError(
                {
                    "clinics": "You cannot remove your own clinic administrator role; ask another administrator."
                }
            )
        if before == after:
            return user
        for clinic_id, roles in wanted.items():
            if roles:
                Membership.objects.update_or_create(user=user, clinic_id=clinic_id, defaults={"roles": roles})
            else:
                Membership.objects.filter(user=user, clinic_id=clinic_id).delete()
        _record_role_change(actor=actor, user=user, before=before, after=after, request=request)
    user.forget_memberships()
    return user


def _record_role_change(
    *,
    actor: User | None,
    user: User,
    before: dict[int, list[str]],
    after: dict[int, list[str]],
    request: HttpRequest | None,
) -> None:
    names = _clinic_names(set(before) | set(after))
    changed = sorted(c for c in set(before) | set(after) if before.get(c, []) != after.get(c, []))
    detail = {
        "username": user.username,
        "changed_in": [names[c] for c in changed],
        "before": {names[c]: r for c, r in sorted(before.items())},
        "after": {names[c]: r for c, r in sorted(after.items())},
    }
    _record_per_clinic(
        audit.ROLE_CHANGE,
        actor=actor,
        user=user,
        clinic_ids=set(before) | set(after),
        detail=detail,
        request=request,
    )


def update_user(
    *,
    actor: User | None,
    user: User,
    memberships: Memberships | None = None,
    roles: Iterable[str] | None = None,
    clinics: Iterable[ClinicRef] | None = None,
    first_name: str | None = None,
    last_name: str | None = None,
    email: str | None = None,
    request: HttpRequest | None = None,
) -> User:
    """Change a user's roles in the actor's clinics, and their name and email.

    ``memberships`` (clinic -> roles, empty to remove) as in ``set_memberships``; or ``roles`` held
    in each of ``clinics``, which also removes them from the actor's other clinics. Their name and
    email are the whole account's: only an administrator of all their clinics changes them.
    """
    if memberships is None and roles is not None and clinics is not None:
        roles = list(roles)
        listed = _clinic_ids(clinics)
        own = administered_clinic_ids(actor)
        dropped = (own if own is not None else set(_current(user))) - set(listed)
        memberships = {**{c: roles for c in listed}, **{c: [] for c in dropped if c in _current(user)}}
    with transaction.atomic():
        if memberships is not None:
            user = set_memberships(actor=actor, user=user, memberships=memberships, request=request)
        user = User.objects.select_for_update().get(pk=user.pk)
        profile_before = {"first_name": user.first_name, "last_name": user.last_name, "email": user.email}
        if first_name is not None:
            user.first_name = first_name
        if last_name is not None:
            user.last_name = last_name
        if email is not None:
            user.email = email
        profile_after = {"first_name": user.first_name, "last_name": user.last_name, "email": user.email}
        changed = {k: [profile_before[k], v] for k, v in profile_after.items() if profile_before[k] != v}
        if changed:
            if not administers_all_clinics_of(actor, user):
                raise PermissionDenied(
                    "They also work in a clinic you do not administer: only an administrator of all their "
                    "clinics changes their name or email."
                )
            user.save(update_fields=list(changed))
            _record_per_clinic(
                audit.UPDATE,
                actor=actor,
                user=user,
                clinic_ids=_current(user),
                request=request,
                detail={"username": user.username, "changed": changed},
            )
    user.forget_memberships()
    return user


def deactivate_user(
    *, actor: User | None, user: User, reason: str, request: HttpRequest | None = None
) -> User:
    """Switch an account off, or take someone off the administrator's clinics. Nothing is deleted.

    An administrator of every clinic the person belongs to switches the account off. Someone who
    also works in a clinic the administrator does not run keeps their account there: they lose their
    roles in the administrator's clinics only.
    """
    reason = reason.strip()
    if not reason:
        raise ValidationError({"reason": "Say why the account is deactivated."})
    if actor is not None and actor.pk == user.pk:
        raise ValidationError("You cannot deactivate your own account.")
    with transaction.atomic():
        user = User.objects.select_for_update().get(pk=user.pk)
        current = _current(user)
        own = administered_clinic_ids(actor)
        if own is not None and not set(current) <= own:
            mine = sorted(set(current) & own)
            if not mine:
                raise PermissionDenied("They do not work in a clinic you administer.")
            names = _clinic_names(current)
            for clinic_id in mine:
                Membership.objects.filter(user=user, clinic_id=clinic_id).delete()
            _record_per_clinic(
                audit.ROLE_CHANGE,
                actor=actor,
                user=user,
                clinic_ids=current,
                request=request,
                detail={
                    "username": user.username,
                    "removed_from": [names[c] for c in mine],
                    "reason": reason,
                    "before": {names[c]: r for c, r in sorted(current.items())},
                    "after": {names[c]: r for c, r in sorted(current.items()) if c not in mine},
                },
            )
            user.forget_memberships()
            return user
        if not user.is_active:
            return user
        user.is_active = False
        user.save(update_fields=["is_active"])
        _record_per_clinic(
            audit.USER_DEACTIVATE,
            actor=actor,
            user=user,
            clinic_ids=current,
            request=request,
            detail={"username": user.username, "reason": reason},
        )
    return user


def reactivate_user(*, actor: User | None, user: User, request: HttpRequest | None = None) -> User:
    """Switch an account back on: only an administrator of all the person's clinics may."""
    with transaction.atomic():
        user = User.objects.select_for_update().get(pk=user.pk)
        if user.is_active:
            return user
        if not administers_all_clinics_of(actor, user):
            raise PermissionDenied(
                "They also belong to a clinic you do not administer: an administrator of all their clinics "
                "reactivates the account."
            )
        user.is_active = True
        user.save(update_fields=["is_active"])
        _record_per_clinic(
            audit.UPDATE,
            actor=actor,
            user=user,
            clinic_ids=_current(user),
            request=request,
            detail={"username": user.username, "changed": {"is_active": [False, True]}},
        )
    return user


def reset_mfa(*, actor: User | None, user: User, request: HttpRequest | None = None) -> int:
    """Remove every second-factor device, so the user enrols again at the next sign-in.

    Whoever resets it could enrol their own authenticator on the account, so only an administrator
    of every clinic the person works in may.
    """
    with transaction.atomic():
        if not administers_all_clinics_of(actor, user):
            raise PermissionDenied(
                "They also work in a clinic you do not administer: an administrator of all their clinics "
                "resets their two-step sign-in."
            )
        devices = list(devices_for_user(user, confirmed=None))
        for device in devices:
            device.delete()
        _record_per_clinic(
            audit.MFA_RESET,
            actor=actor,
            user=user,
            clinic_ids=_current(user),
            request=request,
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
