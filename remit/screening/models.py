"""Screenings: what was known about a patient, what the rules said, and what the prescriber decided.

A signed screening is a snapshot and is never edited: ``save`` refuses any
change to a signed row except voiding it (with a reason), and its decisions
refuse any change once the screening is signed. A correction is a new
screening.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone

from remit.accounts.models import Clinic
from remit.core.modality import CHOICES as MODALITY_CHOICES
from remit.core.screening import DEFAULT_SETTINGS, ScreeningSettings
from remit.patients.models import Patient

MODALITY_LABELS: dict[str, str] = dict(MODALITY_CHOICES)
DECISION_LABELS: dict[str, str] = {
    "eligible": "Eligible",
    "caution": "Caution",
    "contraindicated": "Contraindicated",
    "incomplete": "Incomplete",
}
DECISION_BADGES: dict[str, str] = {
    "eligible": "ok",
    "caution": "warn",
    "contraindicated": "danger",
    "incomplete": "danger",
}
DEFAULT_VALIDITY_DAYS = 90


class SignedScreeningError(RuntimeError):
    """A signed screening (or one of its decisions) was about to be changed."""


class ClinicScreeningSettings(models.Model):
    """One clinic's screening settings (``remit.core.screening.ScreeningSettings``) and validity period.

    The blood-pressure limits and benzodiazepine threshold default to example
    values that the clinic's medical director must confirm.
    """

    clinic = models.OneToOneField(Clinic, on_delete=models.PROTECT, related_name="screening_settings")
    bp_systolic_limit = models.PositiveSmallIntegerField(
        "Systolic limit (mmHg)",
        default=DEFAULT_SETTINGS.bp_systolic_limit,
        help_text="Example value 140: the medical director must confirm it.",
    )
    bp_diastolic_limit = models.PositiveSmallIntegerField(
        "Diastolic limit (mmHg)",
        default=DEFAULT_SETTINGS.bp_diastolic_limit,
        help_text="Example value 90: the medical director must confirm it.",
    )
    benzodiazepine_high_dose_diazepam_mg = models.DecimalField(
        "High-dose benzodiazepine threshold (mg diazepam equivalent a day)",
        max_digits=6,
        decimal_places=1,
        default=Decimal(str(DEFAULT_SETTINGS.benzodiazepine_high_dose_diazepam_mg)),
        help_text="Example value 20 mg (about 2 mg lorazepam): the medical director must confirm it.",
    )
    level_overrides = models.JSONField(default=dict, blank=True)
    disabled_rules = models.JSONField(default=list, blank=True)
    validity_days = models.PositiveSmallIntegerField(
        "Validity period (days)",
        default=DEFAULT_VALIDITY_DAYS,
        validators=[MinValueValidator(1), MaxValueValidator(730)],
        help_text="How long a signed screening allows a course to start.",
    )
    updated_at = models.DateTimeField(default=timezone.now)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name_plural = "clinic screening settings"

    def __str__(self) -> str:
        return f"Screening settings of clinic {self.clinic_id}"

    def to_core(self) -> ScreeningSettings:
        return ScreeningSettings(
            bp_systolic_limit=self.bp_systolic_limit,
            bp_diastolic_limit=self.bp_diastolic_limit,
            benzodiazepine_high_dose_diazepam_mg=float(self.benzodiazepine_high_dose_diazepam_mg),
            level_overrides=dict(self.level_overrides or {}),
            disabled_rules=frozenset(self.disabled_rules or []),
        )

    def snapshot(self) -> dict[str, Any]:
        return {
            "bp_systolic_limit": self.bp_systolic_limit,
            "bp_diastolic_limit": self.bp_diastolic_limit,
            "benzodiazepine_high_dose_diazepam_mg": float(self.benzodiazepine_high_dose_diazepam_mg),
            "level_overrides": dict(sorted((self.level_overrides or {}).items())),
            "disabled_rules": sorted(self.disabled_rules or []),
            "validity_days": self.validity_days,
        }


class ScreeningQuerySet(models.QuerySet["Screening"]):
    def visible_to(self, user: object, capability: str) -> ScreeningQuerySet:
        """Screenings of patients of the clinics where ``user`` holds ``capability``."""
        return self.filter(patient__in=Patient.objects.visible_to(user, capability))

    def signed(self) -> ScreeningQuerySet:
        return self.filter(status=Screening.SIGNED, voided_at__isnull=True)

    def update(self, **kwargs: Any) -> int:
        if self.filter(status=Screening.SIGNED).exists():
            raise SignedScreeningError("a signed screening is never edited; void it and screen again")
        return super().update(**kwargs)

    def delete(self) -> tuple[int, dict[str, int]]:
        raise SignedScreeningError("screenings are never deleted; void them with a reason")


class Screening(models.Model):
    DRAFT = "draft"
    SIGNED = "signed"
    STATUS = [(DRAFT, "Draft"), (SIGNED, "Signed")]
    VOID_FIELDS = frozenset({"voided_at", "voided_by_id", "void_reason"})

    patient = models.ForeignKey(Patient, on_delete=models.PROTECT, related_name="screenings")
    clinic = models.ForeignKey(Clinic, on_delete=models.PROTECT, related_name="+")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    intake = models.JSONField(help_text="The intake document (intake.schema.json) as confirmed by staff")
    result = models.JSONField(help_text="The evaluator's to_dict output at the time")
    settings_snapshot = models.JSONField(help_text="The clinic settings the result was evaluated with")
    resistance = models.JSONField(
        default=dict,
        blank=True,
        help_text="Treatment-resistance context (outside the intake schema): failed trials, Maudsley inputs and stage",
    )
    status = models.CharField(max_length=10, choices=STATUS, default=DRAFT)
    signed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    signed_at = models.DateTimeField(null=True, blank=True)
    voided_at = models.DateTimeField(null=True, blank=True)
    voided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    void_reason = models.CharField(max_length=500, blank=True)

    objects = ScreeningQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["patient", "status", "signed_at"])]

    def __str__(self) -> str:
        return f"Screening #{self.pk} ({self.status})"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None:
            stored = type(self).objects.filter(pk=self.pk).values().first()
            if stored is not None and stored["status"] == self.SIGNED:
                changed = {
                    f.attname
                    for f in self._meta.concrete_fields
                    if stored.get(f.attname) != getattr(self, f.attname)
                }
                if stored["voided_at"] is not None or not changed <= self.VOID_FIELDS:
                    raise SignedScreeningError(
                        "a signed screening is never edited; a correction is a new screening"
                    )
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> Any:
        raise SignedScreeningError("screenings are never deleted; void them with a reason")

    @property
    def is_signed(self) -> bool:
        return self.status == self.SIGNED

    @property
    def is_voided(self) -> bool:
        return self.voided_at is not None

    def modality_results(self) -> list[dict[str, Any]]:
        """Each modality's result with its label and badge class, in the evaluator's order."""
        rows = []
        for modality, value in (self.result or {}).items():
            rows.append(
                {
                    "modality": modality,
                    "label": MODALITY_LABELS.get(modality, modality),
                    "decision": value["decision"],
                    "decision_label": DECISION_LABELS.get(value["decision"], value["decision"]),
                    "badge": DECISION_BADGES.get(value["decision"], ""),
                    "reasons": value["reasons"],
                    "missing": value["missing"],
                }
            )
        return rows


class ScreeningDecision(models.Model):
    ACCEPTED = "accepted"
    DECLINED = "declined"
    OVERRIDDEN = "overridden"
    CHOICES = [
        (ACCEPTED, "Accept the result"),
        (DECLINED, "Decline this treatment"),
        (OVERRIDDEN, "Override"),
    ]
    EVALUATED = [(k, v) for k, v in DECISION_LABELS.items()]
    MODALITIES = [(k, v) for k, v in MODALITY_LABELS.items()]

    screening = models.ForeignKey(Screening, on_delete=models.PROTECT, related_name="decisions")
    modality = models.CharField(max_length=20, choices=MODALITIES)
    evaluated = models.CharField(max_length=20, choices=EVALUATED)
    decision = models.CharField(max_length=12, choices=CHOICES)
    override_reason = models.TextField(blank=True)
    note = models.TextField(blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["screening", "modality"], name="one_decision_per_modality"),
            models.CheckConstraint(
                condition=~models.Q(decision="overridden") | ~models.Q(override_reason=""),
                name="override_needs_a_reason",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.modality_label}: {self.evaluated}, {self.decision}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        status = Screening.objects.filter(pk=self.screening_id).values_list("status", flat=True).first()
        if status == Screening.SIGNED:
            raise SignedScreeningError("the decisions of a signed screening are never edited")
        if self.decision == self.OVERRIDDEN and not self.override_reason.strip():
            raise ValueError("an override needs a written reason")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> Any:
        raise SignedScreeningError("screening decisions are never deleted")

    @property
    def modality_label(self) -> str:
        return MODALITY_LABELS.get(self.modality, self.modality)

    @property
    def allows_start(self) -> bool:
        if self.decision == self.OVERRIDDEN:
            return bool(self.override_reason.strip())
        return self.decision == self.ACCEPTED and self.evaluated in ("eligible", "caution")
