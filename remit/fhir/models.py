"""Instruments and wording a clinic loads from FHIR Questionnaires."""

from __future__ import annotations

from typing import Any

from django.db import models
from django.utils import timezone

from remit.accounts.models import Clinic
from remit.core.instruments import Instrument
from remit.core.instruments.codec import instrument_from_json


class InstrumentWording(models.Model):
    """Item wording for a built-in instrument, loaded by a clinic that holds its licence.

    Never edited or deleted: a new load adds a row and the latest one is used.
    """

    clinic = models.ForeignKey(Clinic, on_delete=models.PROTECT, related_name="instrument_wordings")
    instrument_code = models.CharField(max_length=40)
    wording = models.JSONField(help_text="Remit item id -> item text")
    source = models.CharField(max_length=500, help_text="The file or Questionnaire URL it came from")
    licence_confirmed_by = models.CharField(max_length=200)
    loaded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-loaded_at", "-id"]
        indexes = [models.Index(fields=["clinic", "instrument_code", "-loaded_at"])]

    def __str__(self) -> str:
        return f"{self.instrument_code} wording for {self.clinic_id} ({self.loaded_at:%Y-%m-%d})"

    @classmethod
    def current(cls, clinic: Clinic | int, instrument_code: str) -> dict[str, str] | None:
        """The clinic's latest wording for an instrument, or None."""
        clinic_id = getattr(clinic, "pk", clinic)
        row = cls.objects.filter(clinic_id=clinic_id, instrument_code=instrument_code).first()
        return dict(row.wording) if row else None


class ImportedInstrument(models.Model):
    """An instrument a clinic imported from an SDC Questionnaire (sum scoring, no bands)."""

    clinic = models.ForeignKey(Clinic, on_delete=models.PROTECT, related_name="imported_instruments")
    code = models.CharField(max_length=40)
    definition = models.JSONField(
        help_text="The instrument: its items, answers and scoring, as Remit stores it"
    )
    source_questionnaire = models.JSONField()
    source_url = models.CharField(max_length=500, blank=True)
    imported_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["code", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["clinic", "code"], name="unique_imported_instrument_code_per_clinic"
            )
        ]

    def __str__(self) -> str:
        return f"{self.code} (imported by {self.clinic_id})"

    def instrument(self) -> Instrument:
        definition: dict[str, Any] = self.definition
        return instrument_from_json(definition)


class QuestionnaireAlias(models.Model):
    """A partner's Questionnaire (its canonical URL and version) that is a built-in instrument, per clinic.

    ``remit instruments import`` remembers it, so a later QuestionnaireResponse that names only the
    canonical URL is read with this Questionnaire (kept whole in ``questionnaire``: its item codes and
    answer codes map the answers) and scored as ``instrument_code``. Never edited or deleted; one row per
    clinic, URL and version (a blank version is a Questionnaire that states none).
    """

    clinic = models.ForeignKey(Clinic, on_delete=models.PROTECT, related_name="questionnaire_aliases")
    url = models.CharField(max_length=500, help_text="The Questionnaire's canonical URL, without |version")
    version = models.CharField(max_length=100, blank=True)
    instrument_code = models.CharField(max_length=40)
    matched_by = models.CharField(max_length=20, help_text="How the Questionnaire matched the instrument")
    questionnaire = models.JSONField(help_text="The Questionnaire as imported")
    source = models.CharField(max_length=500, help_text="The file it came from")
    added_by_label = models.CharField(max_length=200, blank=True)
    added_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["url", "-added_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["clinic", "url", "version"], name="unique_questionnaire_alias_per_clinic"
            )
        ]

    def __str__(self) -> str:
        version = f"|{self.version}" if self.version else ""
        return f"{self.url}{version} = {self.instrument_code} ({self.clinic_id})"

    @classmethod
    def find(cls, clinic: Clinic | int, canonical: str) -> QuestionnaireAlias | None:
        """The clinic's alias for a canonical reference (``url`` or ``url|version``), or None.

        With a version, only that version; without one, the latest added (FHIR: an unversioned
        canonical means the current version).
        """
        clinic_id = getattr(clinic, "pk", clinic)
        url, _, version = canonical.partition("|")
        rows = cls.objects.filter(clinic_id=clinic_id, url=url.rstrip("/"))
        if version:
            rows = rows.filter(version=version)
        return rows.order_by("-added_at", "-id").first()


class ApiTokenQuerySet(models.QuerySet["ApiToken"]):
    def active(self) -> ApiTokenQuerySet:
        return self.filter(revoked_at__isnull=True)


class ApiToken(models.Model):
    """A read-only FHIR API token for one integration of one clinic.

    Only the sha256 of the token is stored; the token itself is shown once,
    when it is issued. ``prefix`` (``remit_`` and the first 8 characters of
    the secret) lets staff recognise it in logs and lists. Never deleted:
    revoked, with who and when in the audit trail.
    """

    PREFIX = "remit_"

    clinic = models.ForeignKey(Clinic, on_delete=models.PROTECT, related_name="api_tokens")
    name = models.CharField(max_length=100, help_text="The integration this token is for")
    # Why the integration receives the clinic's data: shown, with the name as the recipient, in each
    # patient's accounting of disclosures. Required when a token is issued; blank only on tokens issued
    # before it was asked for.
    purpose = models.CharField(max_length=200, blank=True, help_text="Why the integration reads patient data")
    token_hash = models.CharField(max_length=64, unique=True)
    prefix = models.CharField(max_length=20)
    created_by = models.ForeignKey(
        "accounts.User", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    revoked_at = models.DateTimeField(null=True, blank=True)
    revoked_by = models.ForeignKey(
        "accounts.User", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    last_used_at = models.DateTimeField(null=True, blank=True)

    objects = ApiTokenQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    @property
    def is_revoked(self) -> bool:
        return self.revoked_at is not None

    @property
    def actor_label(self) -> str:
        return f"token:{self.name}"
