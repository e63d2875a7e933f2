from __future__ import annotations

import base64
import time
from typing import Any
from urllib.parse import quote, urlencode

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.core.exceptions import ValidationError
from django.db import models
from django_otp.models import Device, ThrottlingMixin, TimestampMixin
from django_otp.oath import TOTP

from remit.accounts import roles as R
from remit.accounts import sealing


class Clinic(models.Model):
    """A site. A network of clinics shares one Remit; nobody sees another clinic's patients."""

    name = models.CharField(max_length=200)
    slug = models.SlugField(unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    # Shown to patients on every portal page (a tel: link), so they can call the clinic.
    phone = models.CharField(max_length=40, blank=True)
    # A small uploaded logo, kept in the database and shown inline (a data: address, which the
    # content security policy allows): no media storage to serve or back up separately.
    logo = models.BinaryField(blank=True, default=b"")
    logo_type = models.CharField(max_length=20, blank=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    @property
    def logo_data_url(self) -> str:
        """The logo as a data: address for an <img>, or "" when there is none."""
        if not self.logo or not self.logo_type:
            return ""
        return f"data:{self.logo_type};base64,{base64.b64encode(bytes(self.logo)).decode()}"

    @property
    def phone_link(self) -> str:
        """The phone number as a tel: address (digits and a leading +)."""
        digits = "".join(c for c in self.phone if c.isdigit() or c == "+")
        return f"tel:{digits}" if digits else ""


def validate_roles(value: object) -> None:
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise ValidationError("Roles must be a list of role names.")
    unknown = sorted(set(value) - set(R.ROLES))
    if unknown:
        raise ValidationError(f"Unknown role(s): {', '.join(unknown)}. Known: {', '.join(R.ROLES)}.")


# The second-factor devices below point at User through django-otp's untyped Device, whose managers
# the django-stubs plugin cannot resolve.
class User(AbstractUser):  # type: ignore[django-manager-missing]
    """A staff member. Patients never hold accounts; they answer through single-use links.

    Roles are held per clinic (``Membership``): a nurse in clinic A who is front desk in clinic B
    is a nurse only in A. Every question "may they?" names the clinic it is about.
    """

    clinics: models.ManyToManyField[Clinic, Membership] = models.ManyToManyField(
        Clinic, through="Membership", related_name="staff", blank=True
    )
    phone = models.CharField(max_length=40, blank=True)

    # True for the rest of a request that reads a patient under emergency access (set by
    # remit.patients.access): the user may then only read, so no page offers to change anything.
    emergency_read_only = False
    # The clinic of the patient read under emergency access in this request (with emergency_read_only).
    emergency_clinic_id: int | None = None

    def roles_by_clinic(self) -> dict[int, frozenset[str]]:
        """Clinic id -> the roles held there (read once per user object)."""
        cached: dict[int, frozenset[str]] | None = getattr(self, "_roles_by_clinic", None)
        if cached is None:
            cached = {}
            if self.pk is not None:
                for clinic_id, roles in (
                    Membership.objects.filter(user_id=self.pk).order_by().values_list("clinic_id", "roles")
                ):
                    cached[clinic_id] = frozenset(roles or [])
            self._roles_by_clinic = cached
        return cached

    def forget_memberships(self) -> None:
        """Drop the memberships read earlier (after they changed)."""
        self.__dict__.pop("_roles_by_clinic", None)

    def roles_in(self, clinic: Clinic | int | None) -> frozenset[str]:
        return self.roles_by_clinic().get(_clinic_pk(clinic), frozenset())

    def has_role(self, clinic: Clinic | int | None, *names: str) -> bool:
        """Whether they hold any of ``names`` in ``clinic``."""
        return bool(self.roles_in(clinic) & set(names))

    def can(self, capability: str, clinic: Clinic | int | None) -> bool:
        """Whether their roles in ``clinic`` hold ``capability`` (never through another clinic).

        Under emergency access (``emergency_read_only``) only the read-only capabilities remain, and
        in the clinic of the patient read that way they are those the person holds as a clinician
        anywhere (they hold no role there).
        """
        if self.emergency_read_only:
            if capability not in R.EMERGENCY_READ_ONLY:
                return False
            if clinic is not None and _clinic_pk(clinic) == self.emergency_clinic_id:
                return self.can_in_any_clinic(capability)
        return self.is_active and R.can(self.roles_in(clinic), capability)

    def can_in_any_clinic(self, capability: str) -> bool:
        """Whether they hold ``capability`` in at least one clinic (what lets them reach a page)."""
        if self.emergency_read_only and capability not in R.EMERGENCY_READ_ONLY:
            return False
        return bool(self.clinic_ids(capability))

    def clinic_ids(self, capability: str) -> list[int]:
        """The clinics where they hold ``capability``: what a page needing it may show them."""
        if not self.is_active:
            return []
        allowed = R.roles_with(capability)
        return sorted(c for c, roles in self.roles_by_clinic().items() if roles & allowed)

    def member_clinic_ids(self) -> list[int]:
        """Every clinic they belong to, whatever their roles there."""
        return sorted(self.roles_by_clinic())

    def role_labels(self, clinic: Clinic | int | None) -> list[str]:
        roles = self.roles_in(clinic)
        return [label for name, label in R.ROLES.items() if name in roles]


def _clinic_pk(clinic: Clinic | int | None) -> int:
    if clinic is None:
        return 0
    if isinstance(clinic, int):
        return clinic
    if not isinstance(clinic, Clinic):
        raise TypeError(f"a clinic or a clinic id, not {type(clinic).__name__}: roles are held per clinic")
    return clinic.pk


def ordered_roles(roles: list[str] | set[str] | frozenset[str] | tuple[str, ...]) -> list[str]:
    """Role names without repeats, in the order of the role table."""
    return [name for name in R.ROLES if name in set(roles)]


class Membership(models.Model):
    """One person in one clinic, with the roles they hold there and nowhere else."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="memberships")
    clinic = models.ForeignKey(Clinic, on_delete=models.PROTECT, related_name="memberships")
    roles = models.JSONField(default=list, blank=True, validators=[validate_roles])

    class Meta:
        ordering = ["clinic__name", "user__username"]
        constraints = [models.UniqueConstraint(fields=["user", "clinic"], name="one_membership_per_clinic")]

    def __str__(self) -> str:
        return f"{self.user} in {self.clinic}"

    def role_labels(self) -> list[str]:
        return [label for name, label in R.ROLES.items() if name in (self.roles or [])]


# ---------------------------------------------------------------- second factors
#
# django-otp's own TOTP and static-token devices store their secrets as they are; these replace
# them (migration 0002 moved the old rows in). Each is a django-otp Device, so django-otp's
# session handling (otp_login, is_verified) and devices_for_user work on them unchanged.


class SealedTOTPDevice(TimestampMixin, ThrottlingMixin, Device):
    """An authenticator app (TOTP, RFC 6238) whose secret is stored encrypted (remit.accounts.sealing)."""

    sealed_key: models.TextField[str, str] = models.TextField(
        default=sealing.new_sealed_totp_key, editable=False
    )
    step: models.PositiveSmallIntegerField[int, int] = models.PositiveSmallIntegerField(default=30)
    t0: models.BigIntegerField[int, int] = models.BigIntegerField(default=0)
    digits: models.PositiveSmallIntegerField[int, int] = models.PositiveSmallIntegerField(
        choices=[(6, 6), (8, 8)], default=6
    )
    tolerance: models.PositiveSmallIntegerField[int, int] = models.PositiveSmallIntegerField(default=1)
    drift: models.SmallIntegerField[int, int] = models.SmallIntegerField(default=0)
    # The time step of the last accepted code: a code is never accepted twice.
    last_t: models.BigIntegerField[int, int] = models.BigIntegerField(default=-1)

    class Meta(Device.Meta):
        verbose_name = "authenticator app"

    @property
    def bin_key(self) -> bytes:
        return sealing.unseal(self.sealed_key)

    @property
    def key(self) -> str:
        """The secret as hex, as django-otp's TOTPDevice exposes it."""
        return self.bin_key.hex()

    @key.setter
    def key(self, value: str) -> None:
        self.sealed_key = sealing.seal(bytes.fromhex(value))

    def verify_token(self, token: Any) -> bool:
        allowed, _ = self.verify_is_allowed()
        if not allowed:
            return False
        try:
            number = int(token)
        except (TypeError, ValueError):
            verified = False
        else:
            totp = TOTP(self.bin_key, self.step, self.t0, self.digits, self.drift)
            totp.time = time.time()
            verified = bool(totp.verify(number, self.tolerance, self.last_t + 1))
            if verified:
                self.last_t = totp.t()
                self.drift = totp.drift
                self.throttle_reset(commit=False)
                self.set_last_used_timestamp(commit=False)
                self.save()
        if not verified:
            self.throttle_increment(commit=True)
        return verified

    def get_throttle_factor(self) -> int:
        return 1

    @property
    def config_url(self) -> str:
        """The otpauth:// address an authenticator app reads from the QR code."""
        issuer = str(settings.OTP_TOTP_ISSUER or "").replace(":", "")
        label = f"{issuer}:{self.user.get_username()}" if issuer else str(self.user.get_username())
        params = urlencode(
            {
                "secret": base64.b32encode(self.bin_key).decode(),
                "algorithm": "SHA1",
                "digits": self.digits,
                "period": self.step,
            }
        )
        if issuer:
            params += f"&issuer={quote(issuer)}"
        return f"otpauth://totp/{quote(label)}?{params}"


class RecoveryCodeDevice(TimestampMixin, ThrottlingMixin, Device):
    """A user's set of one-time recovery codes, stored hashed (remit.accounts.sealing.hash_recovery_code)."""

    salt: models.CharField[str, str] = models.CharField(
        max_length=64, default=sealing.new_salt, editable=False
    )

    class Meta(Device.Meta):
        verbose_name = "recovery codes"

    def verify_token(self, token: Any) -> bool:
        allowed, _ = self.verify_is_allowed()
        if not allowed:
            return False
        digest = sealing.hash_recovery_code(self.salt, str(token))
        match = self.codes.filter(digest=digest).first()
        if match is None:
            self.throttle_increment(commit=True)
            return False
        match.delete()  # single use
        self.throttle_reset(commit=False)
        self.set_last_used_timestamp(commit=False)
        self.save()
        return True

    def get_throttle_factor(self) -> int:
        return 1


class RecoveryCode(models.Model):
    """One unused recovery code, as its hash only; deleted when used."""

    device = models.ForeignKey(RecoveryCodeDevice, on_delete=models.CASCADE, related_name="codes")
    digest: models.CharField[str, str] = models.CharField(max_length=64)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["device", "digest"], name="recovery_code_once")]

    def __str__(self) -> str:
        return "recovery code (hashed)"


class PasskeyDevice(TimestampMixin, Device):
    """A passkey (WebAuthn credential) used as the second step of sign-in.

    Only the public key is stored; the private key never leaves the person's device.
    ``name`` (from Device) is what the person called it.
    """

    credential_id: models.CharField[str, str] = models.CharField(
        max_length=1400, unique=True
    )  # url-safe base64
    public_key: models.BinaryField[bytes | memoryview, bytes | memoryview] = (
        models.BinaryField()
    )  # COSE-encoded
    sign_count: models.PositiveBigIntegerField[int, int] = models.PositiveBigIntegerField(default=0)
    user_handle: models.CharField[str, str] = models.CharField(
        max_length=100
    )  # url-safe base64 of random bytes, never the username
    transports = models.JSONField(default=list, blank=True)
    backed_up: models.BooleanField[bool, bool] = models.BooleanField(default=False)

    class Meta(Device.Meta):
        verbose_name = "passkey"

    def verify_token(self, token: Any) -> bool:
        return False  # a passkey answers a challenge in the browser (remit.accounts.passkeys)
