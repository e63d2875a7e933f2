"""Decision support's data: each clinic's outcome and decision-support settings, and patients' booster requests.

Every value that decides a classification (remission threshold, relapse rule)
or raises an alert (non-response checkpoint, dose escalation, misuse signals)
is a clinic setting. The defaults are the documented ones of
``remit.core.outcomes.OutcomeSettings`` and ``remit.core.decision_support.
DecisionSettings``; the ones no source fixes are EXAMPLE values that the
clinic's medical director must confirm (clinical-reference §2, §3, §8).

Both tables were created by other apps (``reports`` and ``treatment``) and
moved here with their rows: see this app's first two migrations.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import replace
from typing import Any

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone

from remit.accounts.models import Clinic
from remit.core.decision_support import DecisionSettings
from remit.core.outcomes import DEFAULT_INSTRUMENT_RULES, OutcomeSettings
from remit.patients.models import Patient

EXAMPLE = "Example value, to be confirmed by the medical director."
DEPRESSION_INSTRUMENTS = [
    ("phq9", "PHQ-9"),
    ("qids_sr16", "QIDS-SR16"),
    ("madrs", "MADRS"),
    ("hamd17", "HAM-D17"),
]


def _pct(default: int, help_text: str) -> models.PositiveSmallIntegerField:
    return models.PositiveSmallIntegerField(
        default=default, validators=[MinValueValidator(1), MaxValueValidator(100)], help_text=help_text
    )


class ClinicOutcomeSettings(models.Model):
    """One clinic's outcome definitions and decision-support thresholds; absent row = the defaults."""

    clinic = models.OneToOneField(Clinic, on_delete=models.PROTECT, related_name="outcome_settings")

    # --- outcome definitions (remit.core.outcomes) ---
    primary_instrument = models.CharField(
        max_length=20,
        choices=DEPRESSION_INSTRUMENTS,
        default="phq9",
        help_text="The instrument decisions (non-response, relapse) are judged on when a course has a baseline on it.",
    )
    response_pct = _pct(50, "Response: at least this % drop from baseline (Trivedi 2006; McInnes 2022).")
    partial_response_pct = _pct(
        25, "Partial response: at least this % drop, below response (a convention, unverified as a standard)."
    )
    baseline_window_days = models.PositiveSmallIntegerField(
        default=30,
        validators=[MaxValueValidator(365)],
        help_text="A baseline is the last score at most this many days before the first session (an example default).",
    )
    remission_phq9 = models.PositiveSmallIntegerField(
        "PHQ-9 remission: total at or below",
        default=DEFAULT_INSTRUMENT_RULES["phq9"].remission_at_or_below,
        validators=[MaxValueValidator(27)],
        help_text="4 means < 5 (McInnes 2022; SUSTAIN-3).",
    )
    remission_qids_sr16 = models.PositiveSmallIntegerField(
        "QIDS-SR16 remission: total at or below",
        default=DEFAULT_INSTRUMENT_RULES["qids_sr16"].remission_at_or_below,
        validators=[MaxValueValidator(27)],
        help_text="Trivedi 2006 (STAR*D).",
    )
    remission_madrs = models.PositiveSmallIntegerField(
        "MADRS remission: total at or below",
        default=DEFAULT_INSTRUMENT_RULES["madrs"].remission_at_or_below,
        validators=[MaxValueValidator(60)],
        help_text="10 (KetECT); SUSTAIN-3 used 12.",
    )
    remission_hamd17 = models.PositiveSmallIntegerField(
        "HAM-D17 remission: total at or below",
        default=DEFAULT_INSTRUMENT_RULES["hamd17"].remission_at_or_below,
        validators=[MaxValueValidator(52)],
        help_text="Trivedi 2006; Frank 1991 consensus.",
    )
    relapse_assessments = models.PositiveSmallIntegerField(
        default=2,
        validators=[MinValueValidator(1), MaxValueValidator(10)],
        help_text="Relapse: this many consecutive assessments without benefit after response or remission. "
        "Remit's own default (SUSTAIN-1 definitions not found). " + EXAMPLE,
    )
    relapse_min_days_apart = models.PositiveSmallIntegerField(
        default=5,
        validators=[MaxValueValidator(90)],
        help_text="…the first and the confirming one at least this many days apart. " + EXAMPLE,
    )

    # --- decision support (remit.core.decision_support) ---
    checkpoint_ketamine_iv = models.PositiveSmallIntegerField(
        "Non-response checkpoint, IV ketamine (session)",
        default=6,
        validators=[MinValueValidator(1)],
        help_text="Used when the course's protocol sets none. Murrough 2013; Oliver 2022.",
    )
    checkpoint_ketamine_im = models.PositiveSmallIntegerField(
        "Non-response checkpoint, IM ketamine (session)",
        default=6,
        validators=[MinValueValidator(1)],
        help_text=EXAMPLE,
    )
    checkpoint_esketamine = models.PositiveSmallIntegerField(
        "Non-response checkpoint, esketamine (session)",
        default=8,
        validators=[MinValueValidator(1)],
        help_text="End of the 4-week twice-weekly induction (Spravato label).",
    )
    checkpoint_tms = models.PositiveSmallIntegerField(
        "Non-response checkpoint, TMS (session)",
        default=20,
        validators=[MinValueValidator(1)],
        help_text=EXAMPLE,
    )
    nonresponse_min_improvement_pct = _pct(
        25, "Less improvement than this % at the checkpoint raises a review (lower edge of partial response)."
    )
    max_dose_rise_pct = _pct(
        25,
        "Maintenance mg/kg more than this % above the induction dose is flagged. No source quantifies "
        "tolerance. " + EXAMPLE,
    )
    shrinking_interval_run = models.PositiveSmallIntegerField(
        default=3,
        validators=[MinValueValidator(2), MaxValueValidator(10)],
        help_text="Consecutive booster intervals, each shorter than the last, that raise a flag. " + EXAMPLE,
    )
    booster_window_days = models.PositiveSmallIntegerField(
        default=30, validators=[MinValueValidator(1), MaxValueValidator(365)], help_text=EXAMPLE
    )
    max_boosters_ketamine = models.PositiveSmallIntegerField(
        "Most ketamine boosters in the window",
        default=2,
        validators=[MinValueValidator(1)],
        help_text=EXAMPLE,
    )
    max_boosters_esketamine = models.PositiveSmallIntegerField(
        "Most esketamine maintenance sessions in the window",
        default=5,
        validators=[MinValueValidator(1)],
        help_text="Weekly maintenance (Spravato label): five fit in 30 days.",
    )
    min_booster_interval_days = models.PositiveSmallIntegerField(
        default=7,
        validators=[MinValueValidator(1), MaxValueValidator(365)],
        help_text="A booster request sooner than this after the last session is early, when no maintenance "
        "protocol says otherwise. " + EXAMPLE,
    )
    dast10_positive_at_or_above = models.PositiveSmallIntegerField(
        "DAST-10 positive at or above",
        default=3,
        validators=[MinValueValidator(1), MaxValueValidator(10)],
        help_text="3-5 is 'moderate, further investigation' (Skinner 1982).",
    )
    repeated_early_requests = models.PositiveSmallIntegerField(
        default=2, validators=[MinValueValidator(2), MaxValueValidator(20)], help_text=EXAMPLE
    )
    repeated_early_window_days = models.PositiveSmallIntegerField(
        default=90, validators=[MinValueValidator(1), MaxValueValidator(730)], help_text=EXAMPLE
    )
    alert_lookback_days = models.PositiveSmallIntegerField(
        default=90,
        validators=[MinValueValidator(1), MaxValueValidator(3650)],
        help_text="Rules look at courses active now or with a session in this many days, so old history "
        "does not flood the inbox. " + EXAMPLE,
    )
    missed_questionnaires_alert = models.PositiveSmallIntegerField(
        "Missed questionnaires in a row before an alert",
        default=3,
        validators=[MinValueValidator(1), MaxValueValidator(20)],
        help_text="A patient who answers none of this many questionnaires in a row raises a missed "
        "assessment alert (a partly answered one ends the run). No source fixes it. " + EXAMPLE,
    )

    confirmed_by_medical_director = models.BooleanField(
        default=False, help_text="Unticked: the values are Remit's labelled examples, not yet confirmed."
    )
    updated_at = models.DateTimeField(default=timezone.now)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name_plural = "clinic outcome settings"

    def __str__(self) -> str:
        return f"Outcome settings of clinic {self.clinic_id}"

    EDITABLE = (
        "primary_instrument",
        "response_pct",
        "partial_response_pct",
        "baseline_window_days",
        "remission_phq9",
        "remission_qids_sr16",
        "remission_madrs",
        "remission_hamd17",
        "relapse_assessments",
        "relapse_min_days_apart",
        "checkpoint_ketamine_iv",
        "checkpoint_ketamine_im",
        "checkpoint_esketamine",
        "checkpoint_tms",
        "nonresponse_min_improvement_pct",
        "max_dose_rise_pct",
        "shrinking_interval_run",
        "booster_window_days",
        "max_boosters_ketamine",
        "max_boosters_esketamine",
        "min_booster_interval_days",
        "dast10_positive_at_or_above",
        "repeated_early_requests",
        "repeated_early_window_days",
        "alert_lookback_days",
        "missed_questionnaires_alert",
        "confirmed_by_medical_director",
    )

    def snapshot(self) -> dict[str, Any]:
        return {name: getattr(self, name) for name in self.EDITABLE}

    def to_outcome_settings(self) -> OutcomeSettings:
        base = OutcomeSettings(
            response_fraction=self.response_pct / 100,
            partial_response_fraction=self.partial_response_pct / 100,
            baseline_window_days=self.baseline_window_days,
            relapse_assessments=self.relapse_assessments,
            relapse_min_days_apart=self.relapse_min_days_apart,
        )
        rules = dict(base.instruments)
        for code in ("phq9", "qids_sr16", "madrs", "hamd17"):
            value = getattr(self, f"remission_{code}")
            if value != rules[code].remission_at_or_below:
                rules[code] = replace(
                    rules[code],
                    remission_at_or_below=value,
                    remission_source=f"clinic setting ({rules[code].remission_source})",
                )
        return replace(base, instruments=rules)

    def to_decision_settings(self, extra_antagonists: Iterable[str] = ()) -> DecisionSettings:
        default = DecisionSettings()
        names = {n.strip().lower() for n in extra_antagonists if n and n.strip()}
        return replace(
            default,
            checkpoint_session={
                "ketamine_iv": self.checkpoint_ketamine_iv,
                "ketamine_im": self.checkpoint_ketamine_im,
                "esketamine": self.checkpoint_esketamine,
                "tms": self.checkpoint_tms,
            },
            nonresponse_min_improvement=self.nonresponse_min_improvement_pct / 100,
            max_dose_rise_fraction=self.max_dose_rise_pct / 100,
            shrinking_interval_run=self.shrinking_interval_run,
            booster_window_days=self.booster_window_days,
            max_boosters_per_window={
                "ketamine_iv": self.max_boosters_ketamine,
                "ketamine_im": self.max_boosters_ketamine,
                "esketamine": self.max_boosters_esketamine,
            },
            dast10_positive_at_or_above=self.dast10_positive_at_or_above,
            repeated_early_requests=self.repeated_early_requests,
            repeated_early_window_days=self.repeated_early_window_days,
            opioid_antagonists=tuple(sorted({*default.opioid_antagonists, *names})),
        )


def outcome_settings_for(clinic: Clinic | int) -> ClinicOutcomeSettings:
    """The clinic's stored settings, or the defaults (unsaved) when it has none yet."""
    clinic_id = clinic.pk if isinstance(clinic, Clinic) else clinic
    found = ClinicOutcomeSettings.objects.filter(clinic_id=clinic_id).first()
    return found if found is not None else ClinicOutcomeSettings(clinic_id=clinic_id)


class BoosterRequest(models.Model):
    """A patient's request for a booster, kept so early or repeated requests are visible."""

    patient = models.ForeignKey(Patient, on_delete=models.PROTECT, related_name="booster_requests")
    requested_on = models.DateField()
    note = models.CharField(max_length=500, blank=True)
    entered_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"booster request on {self.requested_on}"
