"""Every change to screenings and screening settings: validate, write, audit, in one transaction.

The rules and the evaluator are ``remit.core.screening``; this module only
feeds them the clinic's settings, stores what they said, and records the
prescriber's decisions.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal, InvalidOperation
from typing import Any, cast

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone

from remit.accounts.models import Clinic
from remit.audit import actions as audit
from remit.core.modality import MODALITIES
from remit.core.screening import (
    IntakeError,
    Level,
    ScreeningSettings,
    SettingsError,
    evaluate,
    parse_intake,
    to_dict,
)
from remit.core.screening import resistance as tr
from remit.patients.models import AntidepressantTrial, Patient
from remit.screening.models import (
    DEFAULT_VALIDITY_DAYS,
    MODALITY_LABELS,
    ClinicScreeningSettings,
    Screening,
    ScreeningDecision,
)

# A time "now" on another machine may be this far ahead of ours and still not count as the future.
CLOCK_SKEW = timedelta(minutes=5)

SEVERITIES: list[tuple[str, str]] = [
    ("subsyndromal", "Subsyndromal"),
    ("mild", "Mild"),
    ("moderate", "Moderate"),
    ("severe_without_psychosis", "Severe without psychosis"),
    ("severe_with_psychosis", "Severe with psychosis"),
]


class IntakeValidationError(ValidationError):
    """A malformed intake document; ``field`` is the intake's JSON path (``diagnoses[0].code``)."""

    def __init__(self, error: IntakeError) -> None:
        self.field = error.field
        super().__init__(error.message)


# --- settings ----------------------------------------------------------------------------


def settings_for(clinic: Clinic | int) -> ClinicScreeningSettings:
    """The clinic's stored settings, or the defaults (unsaved) when it has none yet."""
    clinic_id = clinic.pk if isinstance(clinic, Clinic) else clinic
    found = ClinicScreeningSettings.objects.filter(clinic_id=clinic_id).first()
    return found if found is not None else ClinicScreeningSettings(clinic_id=clinic_id)


def update_settings(
    actor: Any, clinic: Clinic, values: Mapping[str, Any], request: HttpRequest | None = None
) -> ClinicScreeningSettings:
    """Change a clinic's screening settings; the core refuses a weakened label-mandated rule.

    ``values`` holds the model's fields (``level_overrides`` a dict, ``disabled_rules`` a list).
    Raises ValidationError keyed by field (``level_overrides.<rule>``, ``disabled_rules.<rule>``).
    """
    if actor is None or not actor.can("screening.configure", clinic):
        raise PermissionDenied("Only the clinic's administrator can change its screening settings.")
    try:
        benzo = Decimal(str(values["benzodiazepine_high_dose_diazepam_mg"]))
    except (InvalidOperation, KeyError):
        raise ValidationError({"benzodiazepine_high_dose_diazepam_mg": ["Enter a number of mg."]}) from None
    validity = int(values.get("validity_days") or DEFAULT_VALIDITY_DAYS)
    if not 1 <= validity <= 730:
        raise ValidationError({"validity_days": ["The validity period must be 1 to 730 days."]})
    # The core checks each level (and refuses anything but absolute or relative) below.
    overrides = cast(
        "dict[str, Level]", {str(k): str(v) for k, v in dict(values.get("level_overrides") or {}).items()}
    )
    disabled = sorted({str(r) for r in values.get("disabled_rules") or []})
    try:
        ScreeningSettings(
            bp_systolic_limit=int(values["bp_systolic_limit"]),
            bp_diastolic_limit=int(values["bp_diastolic_limit"]),
            benzodiazepine_high_dose_diazepam_mg=float(benzo),
            level_overrides=overrides,
            disabled_rules=frozenset(disabled),
        )
    except SettingsError as error:
        raise ValidationError({error.setting: [str(error)]}) from None
    with transaction.atomic():
        current = ClinicScreeningSettings.objects.select_for_update().filter(clinic=clinic).first()
        if current is None:
            current = ClinicScreeningSettings(clinic=clinic)
        before = current.snapshot() if current.pk else {**ClinicScreeningSettings(clinic=clinic).snapshot()}
        created = current.pk is None
        current.bp_systolic_limit = int(values["bp_systolic_limit"])
        current.bp_diastolic_limit = int(values["bp_diastolic_limit"])
        current.benzodiazepine_high_dose_diazepam_mg = benzo
        current.level_overrides = overrides
        current.disabled_rules = disabled
        current.validity_days = validity
        current.updated_at = timezone.now()
        current.updated_by = actor
        after = current.snapshot()
        if not created and before == after:
            return current
        current.save()
        audit.record(
            audit.CREATE if created else audit.UPDATE,
            actor=actor,
            request=request,
            obj=current,
            clinic_id=clinic.pk,
            detail={"before": before, "after": after},
        )
    return current


# --- screenings --------------------------------------------------------------------------


def failed_adequate_trials(patient: Patient) -> int:
    """Adequate antidepressant trials without response (no response or partial), voided ones left out."""
    trials = [
        tr.Trial(
            drug=t.drug,
            max_daily_dose_mg=float(t.max_daily_dose_mg) if t.max_daily_dose_mg is not None else None,
            weeks=float(t.weeks) if t.weeks is not None else None,
            adequate=t.adequate,
            outcome=t.outcome,  # type: ignore[arg-type]
        )
        for t in AntidepressantTrial.objects.filter(patient=patient, voided_at__isnull=True)
    ]
    return tr.count_failed_adequate_trials(trials)


def resistance_context(patient: Patient, facts: Mapping[str, Any]) -> dict[str, Any]:
    """The treatment-resistance context stored with a screening: trial count, Maudsley inputs and stage."""
    failed = failed_adequate_trials(patient)
    months = facts.get("episode_duration_months")
    severity = facts.get("severity") or None
    augmentation = facts.get("augmentation_used")
    ect = facts.get("ect_used")
    stage = tr.maudsley_stage(
        episode_duration_months=months,
        severity=severity,
        failed_antidepressants=failed,
        augmentation_used=augmentation,
        ect_used=ect,
    )
    return {
        "failed_adequate_trials": failed,
        "episode_duration_months": months,
        "severity": severity,
        "augmentation_used": augmentation,
        "ect_used": ect,
        "maudsley": None
        if stage is None
        else {"score": stage.score, "stage": stage.stage, "source": stage.source},
    }


def create_screening(
    *,
    actor: Any,
    patient: Patient,
    intake: Mapping[str, Any],
    resistance_facts: Mapping[str, Any] | None = None,
    request: HttpRequest | None = None,
    taken_at: datetime | None = None,
) -> Screening:
    """Validate the intake document, evaluate it with the clinic's settings, store a draft, audit it.

    ``taken_at`` is when the intake was taken, for one taken on paper and entered later (default: now;
    never in the future); the audit event records it, and its own time is when it was entered.
    Raises ``IntakeValidationError`` (naming the intake field) and stores nothing on a bad document.
    """
    if actor is None or not actor.can("screening.enter", patient.clinic_id):
        raise PermissionDenied("Your role does not allow entering a screening.")
    if patient.is_voided:
        raise PermissionDenied("This patient's record is voided.")
    entered = timezone.now()
    if taken_at is not None and taken_at > entered + CLOCK_SKEW:
        raise ValidationError({"taken_at": ["The time the intake was taken cannot be in the future."]})
    doc = dict(intake)
    try:
        parsed = parse_intake(doc)
    except IntakeError as error:
        raise IntakeValidationError(error) from None
    clinic_settings = settings_for(patient.clinic_id)
    result = to_dict(evaluate(parsed, clinic_settings.to_core()))
    with transaction.atomic():
        screening = Screening.objects.create(
            patient=patient,
            clinic_id=patient.clinic_id,
            created_by=actor,
            created_at=taken_at or entered,
            intake=doc,
            result=result,
            settings_snapshot=clinic_settings.snapshot(),
            resistance=resistance_context(patient, resistance_facts or {}),
        )
        audit.record(
            audit.CREATE,
            actor=actor,
            request=request,
            obj=screening,
            patient=patient,
            detail={
                "decisions": {m: r["decision"] for m, r in result.items()},
                **({"taken_at": taken_at.isoformat()} if taken_at is not None else {}),
            },
        )
    return screening


@dataclass(frozen=True)
class Choice:
    decision: str
    override_reason: str = ""
    note: str = ""


def check_choices(screening: Screening, choices: Mapping[str, Choice]) -> dict[str, Choice]:
    """One choice per modality; an override needs a written reason. Errors keyed ``<modality>_reason``."""
    errors: dict[str, list[str]] = {}
    clean: dict[str, Choice] = {}
    for modality in MODALITIES:
        label = MODALITY_LABELS[modality]
        choice = choices.get(modality)
        if choice is None or choice.decision not in dict(ScreeningDecision.CHOICES):
            errors[f"{modality}_decision"] = [f"Choose accept, decline or override for {label}."]
            continue
        reason = (choice.override_reason or "").strip()
        if choice.decision == ScreeningDecision.OVERRIDDEN and not reason:
            evaluated = screening.result[modality]["decision"]
            errors[f"{modality}_reason"] = [
                f"Overriding a {evaluated} result for {label} needs a written reason."
            ]
            continue
        clean[modality] = Choice(
            choice.decision,
            reason if choice.decision == ScreeningDecision.OVERRIDDEN else "",
            (choice.note or "").strip(),
        )
    if errors:
        raise ValidationError(errors)
    return clean


def sign_screening(
    *,
    actor: Any,
    screening: Screening,
    choices: Mapping[str, Choice],
    request: HttpRequest | None = None,
    signed_at: datetime | None = None,
) -> Screening:
    """Record the prescriber's choice for every modality and sign; refuses a signed or voided screening.

    ``signed_at`` is when the prescriber signed, for a screening signed on paper and entered later
    (default: now). It may not be in the future nor before the intake was taken; the audit event
    records it.
    """
    if actor is None or not actor.can("screening.sign", screening.patient.clinic_id):
        raise PermissionDenied("Only a prescriber of the patient's clinic can sign a screening.")
    clean = check_choices(screening, choices)
    now = timezone.now()
    if signed_at is not None:
        if signed_at > now + CLOCK_SKEW:
            raise ValidationError({"signed_at": ["The signing time cannot be in the future."]})
        if signed_at < screening.created_at:
            raise ValidationError({"signed_at": ["The signing time cannot be before the intake was taken."]})
    with transaction.atomic():
        locked = Screening.objects.select_for_update().get(pk=screening.pk)
        if locked.status != Screening.DRAFT:
            raise ValidationError("This screening is already signed; a correction is a new screening.")
        if locked.is_voided:
            raise ValidationError("This screening is voided and cannot be signed.")
        for modality, choice in clean.items():
            ScreeningDecision.objects.create(
                screening=locked,
                modality=modality,
                evaluated=locked.result[modality]["decision"],
                decision=choice.decision,
                override_reason=choice.override_reason,
                note=choice.note,
            )
        locked.status = Screening.SIGNED
        locked.signed_by = actor
        locked.signed_at = signed_at or now
        locked.save()
        audit.record(
            audit.UPDATE,
            actor=actor,
            request=request,
            obj=locked,
            patient=locked.patient_id,
            clinic_id=locked.clinic_id,
            detail={
                "status": "signed",
                **({"signed_at": signed_at.isoformat()} if signed_at is not None else {}),
                "decisions": {
                    m: {
                        "evaluated": locked.result[m]["decision"],
                        "decision": c.decision,
                        "override_reason": c.override_reason,
                    }
                    for m, c in clean.items()
                },
            },
        )
    for field in ("status", "signed_by", "signed_at"):
        setattr(screening, field, getattr(locked, field))
    return locked


def void_screening(
    actor: Any, screening: Screening, reason: str, request: HttpRequest | None = None
) -> Screening:
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": ["Give the reason this screening is voided."]})
    if actor is None or not actor.can("screening.sign", screening.patient.clinic_id):
        raise PermissionDenied("Only a prescriber of the patient's clinic can void a screening.")
    with transaction.atomic():
        locked = Screening.objects.select_for_update().get(pk=screening.pk)
        if locked.is_voided:
            raise ValidationError("This screening is already voided.")
        locked.voided_at = timezone.now()
        locked.voided_by = actor
        locked.void_reason = reason[:500]
        locked.save()
        audit.record(
            audit.VOID,
            actor=actor,
            request=request,
            obj=locked,
            patient=locked.patient_id,
            clinic_id=locked.clinic_id,
            detail={"reason": reason},
        )
    return locked
