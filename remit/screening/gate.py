"""The screening gate: may a course of this modality start for this patient?

``check_gate(patient, modality, on=None) -> GateResult(allowed, reason, screening)``

Allowed only when the patient's latest signed, not voided screening (signed
on or before ``on``) is within the clinic's validity period and the
prescriber's decision for the modality lets it start: an ``eligible`` or
``caution`` result accepted, or any result overridden with a written reason.
Every refusal says why in plain words; the treatment app shows it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from django.utils import timezone

from remit.core.modality import MODALITIES
from remit.core.screening.wording import fact_words
from remit.patients.models import Patient
from remit.screening.models import MODALITY_LABELS, Screening, ScreeningDecision


@dataclass(frozen=True)
class GateResult:
    allowed: bool
    reason: str
    screening: Screening | None


def _signer(screening: Screening) -> str:
    user = screening.signed_by
    name = (user.get_full_name() or user.get_username()) if user is not None else "an unknown prescriber"
    return f"Signed by {name} on {timezone.localdate(screening.signed_at).isoformat()}."


def _reason_texts(screening: Screening, modality: str, level: str) -> str:
    reasons = [r["message"].rstrip(".") for r in screening.result[modality]["reasons"] if r["level"] == level]
    return "; ".join(reasons)


def check_gate(patient: Patient | int, modality: str, on: date | None = None) -> GateResult:
    if modality not in MODALITIES:
        raise ValueError(f"modality must be one of {', '.join(MODALITIES)}, not {modality!r}")
    from remit.screening.actions import settings_for

    label = MODALITY_LABELS[modality]
    day = on or timezone.localdate()
    signed = [
        s
        for s in Screening.objects.signed()
        .filter(patient=patient)
        .select_related("signed_by")
        .order_by("-signed_at", "-id")[:20]
        if timezone.localdate(s.signed_at) <= day
    ]
    if not signed:
        return GateResult(
            False,
            f"{label} cannot start: there is no signed screening. A prescriber must sign one first.",
            None,
        )
    screening = signed[0]
    validity = settings_for(screening.clinic_id).validity_days
    signed_on = timezone.localdate(screening.signed_at)
    valid_until = signed_on + timedelta(days=validity)
    if day > valid_until:
        return GateResult(
            False,
            f"{label} cannot start: the latest screening expired on {valid_until.isoformat()} "
            f"(valid for {validity} days). {_signer(screening)} A new screening is needed.",
            screening,
        )
    choice = ScreeningDecision.objects.filter(screening=screening, modality=modality).first()
    evaluated = screening.result.get(modality, {}).get("decision", "incomplete")
    signer = _signer(screening)
    if choice is None:
        return GateResult(
            False, f"{label} cannot start: the screening has no decision for it. {signer}", screening
        )
    if choice.decision == ScreeningDecision.OVERRIDDEN:
        if choice.override_reason.strip():
            return GateResult(
                True,
                f"{label}: the {evaluated} result was overridden by the prescriber: "
                f"{choice.override_reason.strip()}. {signer}",
                screening,
            )
        return GateResult(False, f"{label} cannot start: an override without a reason. {signer}", screening)
    if choice.decision == ScreeningDecision.DECLINED:
        note = f" ({choice.note})" if choice.note else ""
        if evaluated == "contraindicated":
            why = _reason_texts(screening, modality, "absolute")
            return GateResult(
                False,
                f"{label} is contraindicated: {why}. The prescriber declined it{note}. {signer}",
                screening,
            )
        return GateResult(
            False, f"{label} cannot start: the prescriber declined it{note}. {signer}", screening
        )
    if evaluated == "eligible":
        return GateResult(
            True, f"{label}: eligible, accepted. {signer} Valid until {valid_until.isoformat()}.", screening
        )
    if evaluated == "caution":
        why = _reason_texts(screening, modality, "relative")
        return GateResult(
            True,
            f"{label}: caution accepted by the prescriber ({why}). {signer} Valid until {valid_until.isoformat()}.",
            screening,
        )
    if evaluated == "contraindicated":
        why = _reason_texts(screening, modality, "absolute")
        return GateResult(False, f"{label} is contraindicated: {why}. {signer}", screening)
    missing = (
        "; ".join(fact_words(fact) for fact in screening.result.get(modality, {}).get("missing", []))
        or "unknown facts"
    )
    return GateResult(
        False, f"{label} cannot start: the screening is incomplete (missing: {missing}). {signer}", screening
    )
