"""A patient's request to amend their record (45 CFR 164.526), the clinic's decision and the statements after it.

The record part the request concerns is never changed by it: an accepted request keeps the original
as it was and appends the amendment (``amendment_text``), linked to the part; the chart shows the
original marked as amended. A denial keeps its written reason; the patient (or staff on their behalf)
may then add a statement of disagreement, and the clinic a rebuttal. Each of those is written once,
through ``remit.amendments.actions``, and never edited.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models
from django.utils import timezone

from remit.accounts.models import Clinic
from remit.patients.models import Patient

# HIPAA: act on a request no later than 60 days after receiving it (45 CFR 164.526(b)(2)).
RESPONSE_DAYS = 60


class AmendmentRequest(models.Model):
    DEMOGRAPHICS = "demographics"
    DIAGNOSIS = "diagnosis"
    MEDICATION = "medication"
    ALLERGY = "allergy"
    ASSESSMENT = "assessment"
    SESSION = "session"
    PARTS = [
        (DEMOGRAPHICS, "Demographics (name, date of birth, contact details)"),
        (DIAGNOSIS, "A diagnosis"),
        (MEDICATION, "A medication"),
        (ALLERGY, "An allergy"),
        (ASSESSMENT, "A questionnaire answer"),
        (SESSION, "A session note"),
    ]
    CLINICAL_PARTS = frozenset({DIAGNOSIS, MEDICATION, ALLERGY, ASSESSMENT, SESSION})

    OPEN, ACCEPTED, DENIED = "open", "accepted", "denied"
    STATUS = [(OPEN, "Waiting for a decision"), (ACCEPTED, "Accepted: amended"), (DENIED, "Denied")]

    PORTAL, STAFF = "portal", "staff"
    VIA = [(PORTAL, "the patient, through the portal"), (STAFF, "staff, on the patient's behalf")]

    patient = models.ForeignKey(Patient, on_delete=models.PROTECT, related_name="amendment_requests")
    clinic = models.ForeignKey(Clinic, on_delete=models.PROTECT, related_name="+")
    part = models.CharField(max_length=20, choices=PARTS)
    diagnosis = models.ForeignKey(
        "patients.Diagnosis", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    medication = models.ForeignKey(
        "patients.Medication", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    allergy = models.ForeignKey(
        "patients.Allergy", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    assessment = models.ForeignKey(
        "measures.Assessment", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    session = models.ForeignKey(
        "treatment.Session", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    # What the part said when the request was made, in words, so the request always names it.
    part_label = models.CharField(max_length=300)
    request_text = models.TextField()

    requested_via = models.CharField(max_length=10, choices=VIA)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    requested_at = models.DateTimeField(default=timezone.now)
    due_on = models.DateField()

    status = models.CharField(max_length=10, choices=STATUS, default=OPEN)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    amendment_text = models.TextField(blank=True)
    denial_reason = models.TextField(blank=True)

    disagreement_text = models.TextField(blank=True)
    disagreement_via = models.CharField(max_length=10, choices=VIA, blank=True)
    disagreement_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    disagreement_at = models.DateTimeField(null=True, blank=True)

    rebuttal_text = models.TextField(blank=True)
    rebuttal_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    rebuttal_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-requested_at", "-id"]
        indexes = [
            models.Index(fields=["clinic", "status", "due_on"]),
            models.Index(fields=["patient", "-requested_at"]),
        ]

    def __str__(self) -> str:
        return f"amendment request {self.pk} ({self.status})"

    @property
    def record_id(self) -> int | None:
        """The id of the record part (None for demographics)."""
        return {
            self.DIAGNOSIS: self.diagnosis_id,
            self.MEDICATION: self.medication_id,
            self.ALLERGY: self.allergy_id,
            self.ASSESSMENT: self.assessment_id,
            self.SESSION: self.session_id,
        }.get(self.part)

    @property
    def is_open(self) -> bool:
        return self.status == self.OPEN

    def is_overdue(self, today: dt.date | None = None) -> bool:
        return self.is_open and (today or timezone.localdate()) > self.due_on

    def days_left(self, today: dt.date | None = None) -> int:
        return (self.due_on - (today or timezone.localdate())).days

    @property
    def may_disagree(self) -> bool:
        return self.status == self.DENIED and not self.disagreement_text

    @property
    def may_rebut(self) -> bool:
        return bool(self.disagreement_text) and not self.rebuttal_text
