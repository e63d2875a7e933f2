"""Alerts: something a clinician must see and acknowledge; never deleted, never silently dropped.

Every rule in Remit (a suicidal-ideation answer, a vitals threshold, a seizure,
non-response, relapse, tolerance, misuse, an opioid antagonist, an out-of-date
screening, a missed assessment) raises an ``Alert`` through
``remit.alerts.actions.raise_alert``.  ``kind`` is an open vocabulary: new
rules add a kind to ``KINDS`` (a label for the inbox) without a migration.
"""

from __future__ import annotations

import re
from typing import Any

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.db.models import Q

from remit.accounts.models import Clinic


class AlertDeletionError(RuntimeError):
    """Alerts are never deleted: they are acknowledged, with a note."""


HIGH = "high"
MEDIUM = "medium"
LOW = "low"
SEVERITIES = [(HIGH, "High"), (MEDIUM, "Medium"), (LOW, "Low")]
# Larger is more severe; the inbox orders by this, descending.
SEVERITY_RANK: dict[str, int] = {HIGH: 3, MEDIUM: 2, LOW: 1}

OPEN = "open"
ACKNOWLEDGED = "acknowledged"
STATUSES = [(OPEN, "Open"), (ACKNOWLEDGED, "Acknowledged")]

# Known kinds and their inbox labels.  A kind not listed here is still stored
# and shown (as its code); list it here when you add a rule.
KINDS: dict[str, str] = {
    "suicidal_ideation": "Suicidal ideation reported",
    "cssrs_risk": "C-SSRS screen risk",
    "vitals_threshold": "Vital sign outside threshold",
    "vitals_overdue": "Vital signs overdue",
    "seizure": "Seizure",
    "adverse_event": "Serious adverse event",
    "nonresponse": "Non-response checkpoint",
    "relapse": "Relapse after a course",
    "dose_escalation": "Tolerance / dose escalation",
    "misuse_signal": "Misuse signal",
    "opioid_antagonist": "Opioid antagonist during a ketamine course",
    "screening_out_of_date": "Screening out of date",
    "missed_assessment": "Missed assessment",
    "decision_support_failed": "Decision support failed",
    "emergency_access": "Emergency access from another clinic",
}
# Sources whose model name does not read well to a clinician (alerts raised before the
# questionnaire request was renamed keep their old source name).
SOURCE_LABELS: dict[str, str] = {
    "measures.questionnairerequest": "Questionnaire request",
    "measures.measurementrequest": "Questionnaire request",
}
KIND_PATTERN = re.compile(r"^[a-z][a-z0-9_]{0,39}$")


def kind_label(kind: str) -> str:
    return KINDS.get(kind, kind.replace("_", " ").capitalize())


class AlertQuerySet(models.QuerySet["Alert"]):
    def delete(self) -> tuple[int, dict[str, int]]:
        raise AlertDeletionError("alerts are never deleted; acknowledge them with a note")

    def visible_to(self, user: object, capability: str = "clinical.view") -> AlertQuerySet:
        """Alerts of the clinics where the user holds ``capability`` (alerts are clinical: ``clinical.view``)."""
        ids = user.clinic_ids(capability) if getattr(user, "is_authenticated", False) else []  # type: ignore[attr-defined]
        return self.filter(clinic_id__in=ids)

    def open(self) -> AlertQuerySet:
        return self.filter(status=OPEN)

    def acknowledged(self) -> AlertQuerySet:
        return self.filter(status=ACKNOWLEDGED)

    def most_severe_first(self) -> AlertQuerySet:
        return self.order_by("-severity_rank", "created_at", "id")


class Alert(models.Model):
    clinic = models.ForeignKey(Clinic, on_delete=models.PROTECT, related_name="alerts")
    patient = models.ForeignKey("patients.Patient", on_delete=models.PROTECT, related_name="alerts")
    kind = models.CharField(max_length=40, db_index=True)
    severity = models.CharField(max_length=10, choices=SEVERITIES)
    severity_rank = models.PositiveSmallIntegerField(editable=False)
    reason = models.TextField(help_text="What the clinician reads: why this alert was raised.")
    detail = models.JSONField(default=dict, blank=True, encoder=DjangoJSONEncoder)
    # The record that raised it (an assessment, a vitals entry, a session…), generically.
    source_type = models.CharField(max_length=100, blank=True)
    source_id = models.CharField(max_length=60, blank=True)
    created_at = models.DateTimeField(db_index=True)

    status = models.CharField(max_length=20, choices=STATUSES, default=OPEN)
    acknowledged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    acknowledged_at = models.DateTimeField(null=True, blank=True)
    acknowledgement_note = models.TextField(blank=True)

    # Escalation (high severity only).  ``escalation_level`` is the index of the
    # step on the clinic's escalation list most recently notified (0 = the
    # first person); ``escalated_at`` when that notification went out (None:
    # nobody notified yet); ``next_escalation_at`` when the worker takes the
    # next step if nobody has acknowledged (None: never again).
    escalation_level = models.PositiveSmallIntegerField(default=0)
    escalated_at = models.DateTimeField(null=True, blank=True)
    next_escalation_at = models.DateTimeField(null=True, blank=True)

    # A rule that may fire many times for one situation gives a key; while an
    # alert with that key is open, raising it again returns that alert.  Stored
    # scoped to the patient ("p<patient id>:<key>"), so one patient's key can
    # never match another patient's alert.
    dedupe_key = models.CharField(max_length=250, null=True, blank=True)

    objects = AlertQuerySet.as_manager()

    class Meta:
        ordering = ["-severity_rank", "created_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["dedupe_key"], condition=Q(status=OPEN), name="alerts_one_open_alert_per_dedupe_key"
            ),
            models.CheckConstraint(
                condition=Q(status=OPEN)
                | (
                    Q(status=ACKNOWLEDGED)
                    & Q(acknowledged_at__isnull=False)
                    & Q(acknowledged_by__isnull=False)
                    & ~Q(acknowledgement_note="")
                ),
                name="alerts_acknowledged_with_who_when_and_note",
            ),
            models.CheckConstraint(
                condition=Q(severity__in=[HIGH, MEDIUM, LOW]), name="alerts_known_severity"
            ),
        ]
        indexes = [
            models.Index(fields=["clinic", "status", "-severity_rank", "created_at"], name="alerts_inbox"),
            models.Index(
                fields=["next_escalation_at"], condition=Q(status=OPEN), name="alerts_open_escalation_due"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_severity_display()} alert #{self.pk}: {self.kind_label}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        self.severity_rank = SEVERITY_RANK.get(self.severity, 0)
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and "severity" in update_fields:
            kwargs["update_fields"] = {*update_fields, "severity_rank"}
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise AlertDeletionError("alerts are never deleted; acknowledge them with a note")

    @property
    def kind_label(self) -> str:
        return kind_label(self.kind)

    @property
    def is_open(self) -> bool:
        return self.status == OPEN

    @property
    def source_label(self) -> str:
        """What raised it, in words ("Questionnaire request"), never the internal model name."""
        if not self.source_type:
            return ""
        if self.source_type in SOURCE_LABELS:
            return SOURCE_LABELS[self.source_type]
        from django.apps import apps

        try:
            model = apps.get_model(self.source_type)
        except (LookupError, ValueError):
            return "Record"
        return str(model._meta.verbose_name).capitalize()


class EscalationContact(models.Model):
    """One person on a clinic's escalation list for unacknowledged high alerts, in ``order``.

    The first person is notified when a high alert is raised; each time the
    escalation time-out (REMIT_ALERT_ESCALATION_MINUTES) passes without an
    acknowledgement, the next person is.  When the list is exhausted the last
    person is notified again every period until someone acknowledges.
    """

    clinic = models.ForeignKey(Clinic, on_delete=models.PROTECT, related_name="escalation_contacts")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    order = models.PositiveSmallIntegerField(default=1)
    notify_by_email = models.BooleanField(default=True)
    notify_by_sms = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["clinic", "order", "id"]
        constraints = [
            models.UniqueConstraint(fields=["clinic", "user"], name="alerts_one_escalation_entry_per_user"),
        ]

    def __str__(self) -> str:
        return f"{self.clinic}: {self.order}. {self.user}"
