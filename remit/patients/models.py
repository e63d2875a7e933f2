from __future__ import annotations

import re
from datetime import date, datetime
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone

from remit.accounts.models import Clinic

ICD10CM = re.compile(r"^[A-Z][0-9][0-9AB](\.[0-9A-TV-Z]{1,4})?$")


def validate_icd10cm(value: str) -> None:
    if not ICD10CM.match(value or ""):
        raise ValidationError(
            f"{value!r} is not an ICD-10-CM code: a letter, two characters, then an optional dot "
            "and up to four more (e.g. F33.2)."
        )


def validate_date_of_birth(value: date) -> None:
    today = timezone.localdate()
    if value > today:
        raise ValidationError("Date of birth cannot be in the future.")
    if value.year < today.year - 120:
        raise ValidationError("Date of birth is more than 120 years ago.")


class Voidable(models.Model):
    """Charted facts are never deleted: they are voided with a reason and kept."""

    voided_at = models.DateTimeField(null=True, blank=True)
    voided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    void_reason = models.CharField(max_length=500, blank=True)
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        abstract = True

    @property
    def is_voided(self) -> bool:
        return self.voided_at is not None


class PatientQuerySet(models.QuerySet["Patient"]):
    def visible_to(self, user: object, capability: str) -> PatientQuerySet:
        """Patients of the clinics where ``user`` holds ``capability`` (none for anyone else)."""
        ids = user.clinic_ids(capability) if getattr(user, "is_authenticated", False) else []  # type: ignore[attr-defined]
        return self.filter(clinic_id__in=ids)

    def active(self) -> PatientQuerySet:
        return self.filter(voided_at__isnull=True)


class Patient(Voidable):
    SEX_AT_BIRTH = [("female", "Female"), ("male", "Male"), ("intersex", "Intersex"), ("unknown", "Unknown")]
    CONTACT = [("sms", "Text message"), ("email", "Email"), ("phone", "Phone call")]

    clinic = models.ForeignKey(Clinic, on_delete=models.PROTECT, related_name="patients")
    mrn = models.CharField("MRN", max_length=40)
    given_name = models.CharField(max_length=100)
    family_name = models.CharField(max_length=100)
    date_of_birth = models.DateField(validators=[validate_date_of_birth])
    sex_at_birth = models.CharField(max_length=10, choices=SEX_AT_BIRTH)
    gender_identity = models.CharField(max_length=60, blank=True)
    phone = models.CharField(max_length=40, blank=True)
    email = models.EmailField(blank=True)
    preferred_contact = models.CharField(max_length=10, choices=CONTACT, default="sms")
    consent_sms = models.BooleanField("Consents to text messages", default=False)
    consent_email = models.BooleanField("Consents to email", default=False)
    emergency_contact_name = models.CharField(max_length=200, blank=True)
    emergency_contact_phone = models.CharField(max_length=40, blank=True)
    postal_code = models.CharField(max_length=10, blank=True)

    objects = PatientQuerySet.as_manager()

    class Meta:
        ordering = ["family_name", "given_name", "id"]
        constraints = [models.UniqueConstraint(fields=["clinic", "mrn"], name="unique_mrn_per_clinic")]
        indexes = [
            models.Index(fields=["clinic", "family_name", "given_name"]),
            models.Index(fields=["clinic", "date_of_birth"]),
        ]

    def __str__(self) -> str:
        return f"{self.family_name}, {self.given_name} ({self.mrn})"

    @property
    def full_name(self) -> str:
        return f"{self.given_name} {self.family_name}"

    def age_on(self, day: date | None = None) -> int:
        day = day or timezone.localdate()
        dob = self.date_of_birth
        return day.year - dob.year - ((day.month, day.day) < (dob.month, dob.day))


class WeightEntry(Voidable):
    patient = models.ForeignKey(Patient, on_delete=models.PROTECT, related_name="weights")
    measured_on = models.DateField()
    weight_kg = models.DecimalField(
        max_digits=5,
        decimal_places=1,
        validators=[MinValueValidator(Decimal("1.0")), MaxValueValidator(Decimal("400.0"))],
    )

    class Meta:
        ordering = ["-measured_on", "-id"]

    def __str__(self) -> str:
        return f"{self.weight_kg} kg on {self.measured_on}"


class Diagnosis(Voidable):
    STATUS = [("active", "Active"), ("in_remission", "In remission"), ("resolved", "Resolved")]

    patient = models.ForeignKey(Patient, on_delete=models.PROTECT, related_name="diagnoses")
    code = models.CharField("ICD-10-CM code", max_length=8, validators=[validate_icd10cm])
    description = models.CharField(max_length=200, blank=True)
    status = models.CharField(max_length=20, choices=STATUS, default="active")
    onset_date = models.DateField(null=True, blank=True)
    resolved_date = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["code", "id"]
        verbose_name_plural = "diagnoses"

    def __str__(self) -> str:
        return f"{self.code} ({self.get_status_display()})"


class AntidepressantTrial(Voidable):
    OUTCOME = [
        ("no_response", "No response"),
        ("partial", "Partial response"),
        ("response", "Response"),
        ("not_tolerated", "Not tolerated"),
    ]

    patient = models.ForeignKey(Patient, on_delete=models.PROTECT, related_name="trials")
    drug = models.CharField(max_length=100)
    max_daily_dose_mg = models.DecimalField(
        max_digits=7, decimal_places=2, validators=[MinValueValidator(Decimal("0.01"))]
    )
    weeks = models.PositiveSmallIntegerField(validators=[MinValueValidator(1), MaxValueValidator(520)])
    adequate = models.BooleanField(help_text="Adequate dose for an adequate time")
    outcome = models.CharField(max_length=20, choices=OUTCOME)
    started_on = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["started_on", "id"]

    def __str__(self) -> str:
        return f"{self.drug} {self.max_daily_dose_mg} mg/day for {self.weeks} weeks"

    @property
    def failed_adequate(self) -> bool:
        return self.adequate and self.outcome in {"no_response", "partial"}


class Medication(Voidable):
    patient = models.ForeignKey(Patient, on_delete=models.PROTECT, related_name="medications")
    name = models.CharField(max_length=120)
    daily_dose_mg = models.DecimalField(
        max_digits=8, decimal_places=2, null=True, blank=True, validators=[MinValueValidator(Decimal("0"))]
    )
    started_on = models.DateField(null=True, blank=True)
    stopped_on = models.DateField(null=True, blank=True)
    is_benzodiazepine = models.BooleanField("Benzodiazepine", default=False)
    is_maoi = models.BooleanField("MAOI", default=False)
    is_psychostimulant = models.BooleanField("Psychostimulant", default=False)
    is_opioid = models.BooleanField("Opioid", default=False)
    is_opioid_antagonist = models.BooleanField("Opioid antagonist", default=False)

    class Meta:
        ordering = ["name", "id"]

    def __str__(self) -> str:
        return self.name

    def flags(self) -> list[str]:
        names = [
            ("is_benzodiazepine", "benzodiazepine"),
            ("is_maoi", "MAOI"),
            ("is_psychostimulant", "psychostimulant"),
            ("is_opioid", "opioid"),
            ("is_opioid_antagonist", "opioid antagonist"),
        ]
        return [label for field, label in names if getattr(self, field)]


class Allergy(Voidable):
    patient = models.ForeignKey(Patient, on_delete=models.PROTECT, related_name="allergies")
    substance = models.CharField(max_length=120)
    reaction = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["substance", "id"]
        verbose_name_plural = "allergies"

    def __str__(self) -> str:
        return self.substance


class EmergencyAccessQuerySet(models.QuerySet["EmergencyAccess"]):
    def active(self, now: datetime | None = None) -> EmergencyAccessQuerySet:
        """Not ended early and not yet expired (checked at every request: nothing has to run to end one)."""
        return self.filter(ended_at__isnull=True, expires_at__gt=now or timezone.now())


class EmergencyAccess(models.Model):
    """A clinician's read-only access to a patient of a clinic they do not belong to ("break the glass").

    Given by ``remit.patients.actions_emergency.grant`` with a written reason; it ends by itself at
    ``expires_at`` (REMIT_EMERGENCY_ACCESS_MINUTES after it was given) or earlier when the clinician
    ends it (``ended_at``). Rows are kept: they are the clinic's record of who broke the glass and why.
    """

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    patient = models.ForeignKey(Patient, on_delete=models.PROTECT, related_name="emergency_accesses")
    reason = models.TextField()
    granted_at = models.DateTimeField()
    expires_at = models.DateTimeField()
    ended_at = models.DateTimeField(null=True, blank=True)

    objects = EmergencyAccessQuerySet.as_manager()

    class Meta:
        ordering = ["-granted_at", "-id"]
        verbose_name = "emergency access"
        verbose_name_plural = "emergency accesses"
        indexes = [models.Index(fields=["user", "patient", "expires_at"], name="patients_emergency_lookup")]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(expires_at__gt=models.F("granted_at")),
                name="patients_emergency_access_ends_after_it_starts",
            ),
        ]

    def __str__(self) -> str:
        return f"emergency access #{self.pk} to patient {self.patient_id}"

    def is_active(self, now: datetime | None = None) -> bool:
        return self.ended_at is None and self.expires_at > (now or timezone.now())
