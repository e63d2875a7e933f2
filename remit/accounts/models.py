from __future__ import annotations

from django.contrib.auth.models import AbstractUser
from django.core.exceptions import ValidationError
from django.db import models

from remit.accounts import roles as R


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


class User(AbstractUser):
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
