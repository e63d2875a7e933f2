"""Courses and sessions: what was planned, what was given, what was seen.

Times are real timestamps. A signed session is never edited: corrections are
amendments that keep the original. Nothing charted is deleted: rows are voided
with a reason.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone

from remit.accounts.models import Clinic
from remit.core import vitals as core_vitals
from remit.core.modality import CHOICES as MODALITY_CHOICES
from remit.core.vitals import EXAMPLE_KETAMINE_THRESHOLDS as _EXAMPLE
from remit.patients.models import Patient, Voidable

MODALITIES = MODALITY_CHOICES
PHASES = [("induction", "Induction"), ("maintenance", "Maintenance / booster")]


class SignedRecordError(RuntimeError):
    """A signed session is locked; corrections are amendments."""


class Protocol(models.Model):
    """A clinic's editable, versioned protocol template; ``definition`` is ``remit.core.protocols.Protocol.to_dict()``.

    Editing makes a new version; courses keep the version they were planned with.
    """

    clinic = models.ForeignKey(Clinic, on_delete=models.PROTECT, related_name="protocols")
    code = models.CharField(max_length=60)
    version = models.PositiveIntegerField(default=1)
    name = models.CharField(max_length=200)
    modality = models.CharField(max_length=20, choices=MODALITIES)
    phase = models.CharField(max_length=20, choices=PHASES)
    definition = models.JSONField()
    is_active = models.BooleanField(default=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["modality", "phase", "name", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["clinic", "code", "version"], name="unique_protocol_version")
        ]

    def __str__(self) -> str:
        return f"{self.name} (v{self.version})"


class Course(Voidable):
    PLANNED, ACTIVE, COMPLETED, DISCONTINUED = "planned", "active", "completed", "discontinued"
    STATUS = [
        (PLANNED, "Planned"),
        (ACTIVE, "Active"),
        (COMPLETED, "Completed"),
        (DISCONTINUED, "Discontinued"),
    ]

    patient = models.ForeignKey(Patient, on_delete=models.PROTECT, related_name="courses")
    clinic = models.ForeignKey(Clinic, on_delete=models.PROTECT, related_name="courses")
    modality = models.CharField(max_length=20, choices=MODALITIES)
    phase = models.CharField(max_length=20, choices=PHASES)
    protocol = models.ForeignKey(Protocol, on_delete=models.PROTECT, related_name="courses")
    planned_sessions = models.PositiveSmallIntegerField(
        validators=[MinValueValidator(1), MaxValueValidator(200)]
    )
    status = models.CharField(max_length=20, choices=STATUS, default=PLANNED)
    discontinue_reason = models.CharField(max_length=500, blank=True)
    # The signed screening that let this course start (the gate's evidence).
    screening = models.ForeignKey(
        "screening.Screening", null=True, blank=True, on_delete=models.PROTECT, related_name="courses"
    )
    prescriber = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    start_date = models.DateField()
    end_date = models.DateField(null=True, blank=True)
    # Ketamine: the course's ordered dose (the session may differ, with a reason).
    mg_per_kg = models.DecimalField(max_digits=4, decimal_places=2, null=True, blank=True)
    # Esketamine: the prescriber's ordered dose in mg (28 mg a device); a session may differ, with a reason.
    esketamine_dose_mg = models.PositiveSmallIntegerField(null=True, blank=True)
    # Payer authorization (the field names keep their original spelling).
    authorised_sessions = models.PositiveSmallIntegerField(null=True, blank=True)
    authorisation_valid_until = models.DateField(null=True, blank=True)
    authorisation_reference = models.CharField(max_length=100, blank=True)
    notes = models.TextField(blank=True)

    class Meta:
        ordering = ["-start_date", "-id"]
        indexes = [models.Index(fields=["clinic", "modality", "status"])]

    def __str__(self) -> str:
        return f"{self.get_modality_display()} {self.phase} #{self.pk}"


class Session(Voidable):
    BOOKED, CHECKED_IN, DOSING, MONITORING, READY, COMPLETED = (
        "booked",
        "checked_in",
        "dosing",
        "monitoring",
        "ready_for_discharge",
        "completed",
    )
    CANCELLED, NO_SHOW = "cancelled", "no_show"
    STATUS = [
        (BOOKED, "Booked"),
        (CHECKED_IN, "Checked in"),
        (DOSING, "Dosing"),
        (MONITORING, "Monitoring"),
        (READY, "Ready for discharge"),
        (COMPLETED, "Done"),
        (CANCELLED, "Cancelled"),
        (NO_SHOW, "No show"),
    ]

    course = models.ForeignKey(Course, on_delete=models.PROTECT, related_name="sessions")
    patient = models.ForeignKey(Patient, on_delete=models.PROTECT, related_name="sessions")
    clinic = models.ForeignKey(Clinic, on_delete=models.PROTECT, related_name="sessions")
    modality = models.CharField(max_length=20, choices=MODALITIES)
    number = models.PositiveSmallIntegerField(help_text="Session number within the course, from 1")
    scheduled_for = models.DateTimeField()
    room = models.CharField("Chair / room", max_length=40, blank=True)
    status = models.CharField(max_length=24, choices=STATUS, default=BOOKED)

    checked_in_at = models.DateTimeField(null=True, blank=True)
    dose_started_at = models.DateTimeField(null=True, blank=True)
    dose_ended_at = models.DateTimeField(null=True, blank=True)
    discharged_at = models.DateTimeField(null=True, blank=True)
    checklist = models.JSONField(default=dict, blank=True)

    # Ketamine and esketamine dosing.
    weight_kg = models.DecimalField(
        max_digits=5,
        decimal_places=1,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("1.0")), MaxValueValidator(Decimal("400.0"))],
    )
    mg_per_kg = models.DecimalField(max_digits=4, decimal_places=2, null=True, blank=True)
    dose_mg = models.DecimalField(max_digits=6, decimal_places=1, null=True, blank=True)
    concentration_mg_per_ml = models.DecimalField(max_digits=6, decimal_places=2, null=True, blank=True)
    volume_ml = models.DecimalField(max_digits=7, decimal_places=2, null=True, blank=True)
    rate_ml_per_h = models.DecimalField(max_digits=7, decimal_places=1, null=True, blank=True)
    infusion_minutes = models.PositiveSmallIntegerField(null=True, blank=True)
    # Esketamine: the dose chosen for this session before the first device (devices given may stop short).
    planned_dose_mg = models.PositiveSmallIntegerField(null=True, blank=True)
    # A prescriber's override of the clinic maximum (ketamine) or the protocol's doses (esketamine):
    # who, when and the written reason; set only through ``session_chart.record_override``.
    dose_override_reason = models.TextField(blank=True)
    dose_override_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    dose_override_at = models.DateTimeField(null=True, blank=True)
    # Why the dose charted differs from the prescriber's order on the course (``actions_dose_order``).
    dose_difference_reason = models.TextField(blank=True)
    lot_number = models.CharField(max_length=60, blank=True)
    # Esketamine devices given: [{"n": 1, "mg": 28, "at": iso}], and the REMS form's other answers.
    devices = models.JSONField(default=list, blank=True)
    rems = models.JSONField(default=dict, blank=True)

    # TMS.
    motor_threshold = models.ForeignKey(
        "treatment.MotorThreshold", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    tms_pattern = models.CharField(max_length=20, blank=True)
    intensity_pct_mt = models.PositiveSmallIntegerField(null=True, blank=True)
    machine_output_pct = models.PositiveSmallIntegerField(null=True, blank=True)
    pulses_planned = models.PositiveIntegerField(null=True, blank=True)
    pulses_delivered = models.PositiveIntegerField(null=True, blank=True)
    coil_site_method = models.CharField(max_length=30, blank=True)
    coil_coordinates = models.CharField(max_length=120, blank=True)

    discharge = models.JSONField(default=dict, blank=True)
    note = models.TextField(blank=True)
    # Why this session is booked or given beyond the payer's authorization (remit.core.authorization).
    beyond_authorization_reason = models.TextField(blank=True)
    charted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    signed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    signed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["scheduled_for", "id"]
        indexes = [
            models.Index(fields=["clinic", "scheduled_for"]),
            models.Index(fields=["patient", "scheduled_for"]),
        ]

    def __str__(self) -> str:
        return f"{self.get_modality_display()} session {self.number} of course {self.course_id}"

    @property
    def is_signed(self) -> bool:
        return self.signed_at is not None

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None and not getattr(self, "_allow_signed_write", False):
            stored = Session.objects.filter(pk=self.pk).values_list("signed_at", flat=True).first()
            if stored is not None:
                raise SignedRecordError("This session is signed; add an amendment instead.")
        super().save(*args, **kwargs)


class VitalSign(Voidable):
    session = models.ForeignKey(Session, on_delete=models.PROTECT, related_name="vitals")
    taken_at = models.DateTimeField()
    systolic = models.PositiveSmallIntegerField(null=True, blank=True)
    diastolic = models.PositiveSmallIntegerField(null=True, blank=True)
    heart_rate = models.PositiveSmallIntegerField(null=True, blank=True)
    spo2 = models.PositiveSmallIntegerField("SpO2", null=True, blank=True)
    respiratory_rate = models.PositiveSmallIntegerField(null=True, blank=True)
    # Breaches of the clinic's thresholds found when charted: [{"field", "value", "limit", "direction", "message"}].
    breaches = models.JSONField(default=list, blank=True)
    entered_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["taken_at", "id"]


class SessionAction(Voidable):
    """What was done about a threshold breach or an event: slowed, paused, stopped, medication given."""

    KINDS = [
        ("slowed", "Infusion slowed"),
        ("paused", "Infusion paused"),
        ("stopped", "Infusion stopped"),
        ("medication_given", "Medication given"),
        ("observed", "Observed, no change needed"),
    ]
    session = models.ForeignKey(Session, on_delete=models.PROTECT, related_name="actions")
    vital = models.ForeignKey(
        VitalSign, null=True, blank=True, on_delete=models.PROTECT, related_name="actions"
    )
    kind = models.CharField(max_length=20, choices=KINDS)
    detail = models.CharField(max_length=500, blank=True)
    at = models.DateTimeField()
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["at", "id"]


class AdverseEvent(Voidable):
    SEVERITY = [("mild", "Mild"), ("moderate", "Moderate"), ("severe", "Severe"), ("serious", "Serious")]

    session = models.ForeignKey(Session, on_delete=models.PROTECT, related_name="adverse_events")
    kind = models.CharField(max_length=60)
    severity = models.CharField(max_length=10, choices=SEVERITY)
    action = models.CharField(max_length=300, blank=True)
    resolved = models.BooleanField(default=False)
    resolved_at = models.DateTimeField(null=True, blank=True)
    note = models.TextField(blank=True)
    occurred_at = models.DateTimeField()
    entered_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["occurred_at", "id"]


class Amendment(models.Model):
    """A correction or addition to a signed session; the original stays as it was signed."""

    session = models.ForeignKey(Session, on_delete=models.PROTECT, related_name="amendments")
    text = models.TextField()
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"amendment to session {self.session_id} at {self.at:%Y-%m-%d %H:%M}"


class MotorThreshold(Voidable):
    METHODS = [
        ("visual", "Visual (thumb twitch)"),
        ("emg", "EMG"),
        ("parameter_estimation", "Parameter estimation"),
    ]

    patient = models.ForeignKey(Patient, on_delete=models.PROTECT, related_name="motor_thresholds")
    determined_on = models.DateField()
    pct_mso = models.PositiveSmallIntegerField(
        "% machine output", validators=[MinValueValidator(1), MaxValueValidator(100)]
    )
    method = models.CharField(max_length=30, choices=METHODS)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["-determined_on", "-id"]

    def __str__(self) -> str:
        return f"motor threshold {self.pct_mso}% MSO on {self.determined_on}"


class RemsEnrolment(Voidable):
    """The patient's Spravato REMS enrolment, required before the first esketamine session."""

    patient = models.ForeignKey(Patient, on_delete=models.PROTECT, related_name="rems_enrolments")
    enrolled_on = models.DateField()
    reference = models.CharField(max_length=60, blank=True)
    entered_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    def __str__(self) -> str:
        return f"REMS enrolment {self.reference or ''} on {self.enrolled_on}"


class RemsMonitoringForm(models.Model):
    """The REMS Patient Monitoring Form made when an esketamine session is signed; due within 7 days."""

    session = models.OneToOneField(Session, on_delete=models.PROTECT, related_name="rems_form")
    data = models.JSONField()
    created_at = models.DateTimeField(default=timezone.now)
    due_by = models.DateField()
    submitted_at = models.DateTimeField(null=True, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    submission_reference = models.CharField(max_length=100, blank=True)

    class Meta:
        ordering = ["due_by", "id"]

    def __str__(self) -> str:
        return f"REMS monitoring form for session {self.session_id}, due {self.due_by}"


class ClinicTreatmentSettings(models.Model):
    """Per-clinic limits. Every default is an EXAMPLE the medical director must confirm (clinical-reference §8)."""

    clinic = models.OneToOneField(Clinic, on_delete=models.PROTECT, related_name="treatment_settings")
    max_mg_per_kg = models.DecimalField(max_digits=4, decimal_places=2, default=Decimal("1.00"))
    vitals_interval_minutes = models.PositiveSmallIntegerField(default=15)
    vitals_grace_minutes = models.PositiveSmallIntegerField(
        default=core_vitals.EXAMPLE_VITALS_GRACE_MINUTES,
        help_text=(
            "Minutes a vital-signs reading may run past the interval before it is overdue "
            "(overdue readings raise an alert and hold discharge). Example value: 5 minutes."
        ),
    )
    systolic_high = models.PositiveSmallIntegerField(default=_EXAMPLE.systolic_high)
    systolic_low = models.PositiveSmallIntegerField(default=_EXAMPLE.systolic_low)
    diastolic_high = models.PositiveSmallIntegerField(default=_EXAMPLE.diastolic_high)
    diastolic_low = models.PositiveSmallIntegerField(default=_EXAMPLE.diastolic_low)
    heart_rate_high = models.PositiveSmallIntegerField(default=_EXAMPLE.heart_rate_high)
    heart_rate_low = models.PositiveSmallIntegerField(default=_EXAMPLE.heart_rate_low)
    spo2_low = models.PositiveSmallIntegerField(default=_EXAMPLE.spo2_low)
    respiratory_rate_high = models.PositiveSmallIntegerField(default=_EXAMPLE.respiratory_rate_high)
    respiratory_rate_low = models.PositiveSmallIntegerField(default=_EXAMPLE.respiratory_rate_low)
    ketamine_monitoring_minutes = models.PositiveSmallIntegerField(default=120)
    confirmed_by_medical_director = models.BooleanField(
        default=False, help_text="Unticked: the values are Remit's labelled examples, not yet confirmed."
    )
    updated_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"treatment settings for clinic {self.clinic_id}"
