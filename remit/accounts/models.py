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
    """A staff member. Patients never hold accounts; they answer through single-use links.

    Roles are held per clinic (``Membership``): a nurse in clinic A who is front desk in clinic B
    is a nurse only in A. Every question "may they?" names the clinic it is about.
    """

    clinics: models.ManyToManyField[Clinic, Membership] = models.ManyToManyField(
        Clinic, through="Membership", related_name="staff", blank=True
    )
    phone = models.CharField(max_length=40, blank=True)

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
        """Whether their roles in ``clinic`` hold ``capability`` (never through another clinic)."""
        return self.is_active and R.can(self.roles_in(clinic), capability)

    def can_in_any_clinic(self, capability: str) -> bool:
        """Whether they hold ``capability`` in at least one clinic (what lets them reach a page)."""
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
