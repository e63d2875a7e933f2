"""Questionnaire answers (assessments), what is due when (questionnaire request), and portal links.

Assessments are charted facts: never deleted, voided with a reason.  A
questionnaire request is one day's questionnaires (several
instruments bundled) that the patient answers through a single-use portal
link; the worker sends, reminds and marks it missed.

Each questionnaire of a questionnaire request is stored as its own assessment the moment the
patient moves on from its page (``actions_portal.submit_page``), so a safety answer
on page 1 raises its alert even if page 2 is never sent.  A request holds at
most one live (not voided) assessment per instrument: a database constraint,
on top of the row lock the portal takes, makes a double tap or a retry store
nothing more.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone

from remit.patients.models import Patient, Voidable


class QuestionnaireRequest(models.Model):
    """One questionnaire request's questionnaires.

    Status: ``pending`` (not sent yet) → ``sent`` (a link is out; stays ``sent``
    while the patient has answered some pages and not others) → one of
    ``completed`` (every questionnaire answered and the questionnaire request submitted),
    ``partial`` (the window closed with some questionnaires answered: their
    assessments are kept and charted; the rest were not answered), ``missed``
    (the window closed with nothing answered) or ``cancelled`` (by staff).
    The worker's ``mark_missed`` job decides between ``partial`` and
    ``missed`` from the live assessments stored for the request.
    """

    PENDING = "pending"
    SENT = "sent"
    COMPLETED = "completed"
    PARTIAL = "partial"
    MISSED = "missed"
    CANCELLED = "cancelled"
    STATUS = [
        (PENDING, "Pending"),
        (SENT, "Sent"),
        (COMPLETED, "Completed"),
        (PARTIAL, "Partly answered"),
        (MISSED, "Missed"),
        (CANCELLED, "Cancelled"),
    ]
    OPEN = (PENDING, SENT)
    # Closed without being completed: the link says "expired".
    CLOSED_UNANSWERED = (PARTIAL, MISSED, CANCELLED)

    patient = models.ForeignKey(Patient, on_delete=models.PROTECT, related_name="questionnaire_requests")
    instruments = models.JSONField(
        default=list, help_text="Instrument codes asked in this questionnaire request, in order"
    )
    due_date = models.DateField()
    window_days = models.PositiveSmallIntegerField(default=0)
    # End of the window: the request counts as missed once this has passed.
    closes_at = models.DateTimeField()
    kind = models.CharField(
        max_length=20, blank=True, help_text="Schedule rule (pre_session, post_dose, …) or one_off"
    )
    reason = models.CharField(max_length=300, blank=True)
    status = models.CharField(max_length=12, choices=STATUS, default=PENDING)
    reminders_sent = models.PositiveSmallIntegerField(default=0)
    last_sent_at = models.DateTimeField(null=True, blank=True)
    last_channel = models.CharField(max_length=8, blank=True)
    # The worker's last attempt, so a request it cannot send (no consented contact) is retried daily, not every minute.
    last_attempt_at = models.DateTimeField(null=True, blank=True)
    last_error = models.CharField(max_length=300, blank=True)
    completed_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    # Links to the treatment app's course and session, as plain strings until that app exists.
    course_type = models.CharField(max_length=60, blank=True)
    course_id = models.CharField(max_length=60, blank=True)
    session_type = models.CharField(max_length=60, blank=True)
    session_id = models.CharField(max_length=60, blank=True)
    session_number = models.PositiveIntegerField(null=True, blank=True)

    class Meta:
        ordering = ["due_date", "id"]
        indexes = [
            models.Index(fields=["status", "due_date"]),
            models.Index(fields=["patient", "due_date"]),
        ]

    def __str__(self) -> str:
        return f"{', '.join(self.instruments)} due {self.due_date} ({self.status})"

    @property
    def is_open(self) -> bool:
        return self.status in self.OPEN


class RequestedInstrument(models.Model):
    """One questionnaire of a questionnaire request: what the one-per-day rule is enforced on.

    A patient is asked an instrument at most once a day, whatever course or
    person asked for it: a database constraint allows one live item per
    patient, instrument and due date.  ``remit.measures.dedupe`` drops an
    instrument already asked that day when requests are created, and merged
    the duplicates stored before the rule (``merged_into``).  An item stops
    being live when its request is cancelled or it was merged into another;
    it is never deleted, and any answer stays where the patient gave it.
    """

    questionnaire_request = models.ForeignKey(
        QuestionnaireRequest, on_delete=models.PROTECT, related_name="requested_instruments"
    )
    patient = models.ForeignKey(Patient, on_delete=models.PROTECT, related_name="+")
    instrument = models.CharField(max_length=30)
    due_date = models.DateField()
    live = models.BooleanField(default=True)
    merged_into = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="merged_from"
    )

    class Meta:
        ordering = ["due_date", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["patient", "instrument", "due_date"],
                condition=models.Q(live=True),
                name="measures_one_questionnaire_per_patient_instrument_day",
            )
        ]

    def __str__(self) -> str:
        return f"{self.instrument} due {self.due_date}{'' if self.live else ' (not live)'}"


class Assessment(Voidable):
    PATIENT = "patient"
    CLINICIAN = "clinician"
    RESPONDENT = [(PATIENT, "Patient"), (CLINICIAN, "Clinician")]

    patient = models.ForeignKey(Patient, on_delete=models.PROTECT, related_name="assessments")
    instrument = models.CharField(max_length=30, db_index=True)
    instrument_version = models.CharField(max_length=20)
    answers = models.JSONField(default=dict, help_text="Stored answers keyed by item id (None = unanswered)")
    total = models.IntegerField(null=True, blank=True)
    max_total = models.IntegerField(null=True, blank=True)
    band = models.CharField(max_length=30, blank=True)
    flags = models.JSONField(default=list, blank=True)
    valid = models.BooleanField(default=True)
    missing = models.JSONField(default=list, blank=True)
    respondent = models.CharField(max_length=10, choices=RESPONDENT)
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    session_type = models.CharField(max_length=60, blank=True)
    session_id = models.CharField(max_length=60, blank=True)
    questionnaire_request = models.ForeignKey(
        QuestionnaireRequest, null=True, blank=True, on_delete=models.PROTECT, related_name="assessments"
    )
    # The portal link the patient answered through (None when entered by staff or the API).
    portal_link = models.ForeignKey(
        "PortalLink", null=True, blank=True, on_delete=models.PROTECT, related_name="assessments"
    )
    taken_at = models.DateTimeField(default=timezone.now)
    sex = models.CharField(
        max_length=10, blank=True, help_text="Sex used for sex-specific cut-offs (AUDIT-C)"
    )

    class Meta:
        ordering = ["-taken_at", "-id"]
        indexes = [models.Index(fields=["patient", "instrument", "taken_at"])]
        constraints = [
            # One live answer per questionnaire of a questionnaire request, whichever of its links (first or reminder)
            # sent it and however often it was posted.  Voiding one lets the patient answer again.
            models.UniqueConstraint(
                fields=["questionnaire_request", "instrument"],
                condition=models.Q(questionnaire_request__isnull=False, voided_at__isnull=True),
                name="measures_one_live_assessment_per_request_instrument",
            )
        ]

    def __str__(self) -> str:
        return f"{self.instrument} {self.total} ({self.taken_at:%Y-%m-%d})"


class PortalLink(models.Model):
    EMAIL = "email"
    SMS = "sms"
    # Started by a staff member on a clinic tablet for a patient who is there (no message is sent).
    KIOSK = "kiosk"
    CHANNELS = [(EMAIL, "Email"), (SMS, "Text message"), (KIOSK, "Clinic tablet")]

    questionnaire_request = models.ForeignKey(
        QuestionnaireRequest, on_delete=models.PROTECT, related_name="links"
    )
    # sha256 hex of the token; the token itself is only in the URL that was sent.
    token_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True)
    dob_failures = models.PositiveSmallIntegerField(default=0)
    locked_at = models.DateTimeField(null=True, blank=True)
    channel = models.CharField(max_length=8, choices=CHANNELS)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"portal link {self.pk} ({self.channel})"

    def state(self, now: object = None) -> str:
        """``open``, ``used``, ``locked`` or ``expired`` (in that order of precedence for a closed link)."""
        now = now or timezone.now()
        if self.used_at is not None or self.questionnaire_request.status == QuestionnaireRequest.COMPLETED:
            return "used"
        if self.locked_at is not None:
            return "locked"
        if (
            self.expires_at <= now  # type: ignore[operator]
            or self.questionnaire_request.status in QuestionnaireRequest.CLOSED_UNANSWERED
        ):
            return "expired"
        return "open"
