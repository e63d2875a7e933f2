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

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


def validate_roles(value: object) -> None:
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise ValidationError("Roles must be a list of role names.")
    unknown = sorted(set(value) - set(R.ROLES))
    if unknown:
        raise ValidationError(f"Unknown role(s): {', '.join(unknown)}. Known: {', '.join(R.ROLES)}.")


# The second-factor devices below point at User through django-otp's untyped Device, whose managers
# the django-stubs plugin cannot resolve.
class User(AbstractUser):  # type: ignore[django-manager-missing]
    """A staff member. Patients never hold accounts; they answer through single-use links."""

    roles = models.JSONField(default=list, blank=True, validators=[validate_roles])
    clinics = models.ManyToManyField(Clinic, related_name="staff", blank=True)
    phone = models.CharField(max_length=40, blank=True)

    # True for the rest of a request that reads a patient under emergency access (set by
    # remit.patients.access): the user may then only read, so no page offers to change anything.
    emergency_read_only = False

    def has_role(self, *names: str) -> bool:
        return bool(set(self.roles or []) & set(names))

    def can(self, capability: str) -> bool:
        if self.emergency_read_only and capability not in R.EMERGENCY_READ_ONLY:
            return False
        return self.is_active and R.can(self.roles or [], capability)

    def clinic_ids(self) -> list[int]:
        cached = getattr(self, "_clinic_ids", None)
        if cached is None:
            cached = list(self.clinics.values_list("id", flat=True))
            self._clinic_ids = cached
        return cached

    def role_labels(self) -> list[str]:
        return [R.ROLES.get(r, r) for r in self.roles or []]


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
