"""Dissociation and sedation rated at a ketamine or esketamine session (stored by the measures app)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.db import transaction
from django.http import HttpRequest

from remit.core.modality import DRUG_MODALITIES
from remit.measures.actions_assessments import record_assessment
from remit.treatment import clock
from remit.treatment.models import Session
from remit.treatment.session_chart import fail, locked

RATED_AT_SESSION = ("cadss6", "cadss", "moaas")


def rate(
    session: Session,
    code: str,
    answers: Mapping[str, Any],
    *,
    actor: Any,
    request: HttpRequest | None = None,
) -> Any:
    """CADSS-6, CADSS or MOAA/S, stored as an assessment linked to this session (measures app)."""
    if code not in RATED_AT_SESSION:
        raise fail(None, f"{code} is not rated at a session.")
    if session.modality not in DRUG_MODALITIES:
        raise fail(None, "Dissociation and sedation are rated at ketamine and esketamine sessions.")
    with transaction.atomic():
        current = locked(session, actor)
        assessment = record_assessment(
            patient=current.patient,
            instrument=code,
            answers=answers,
            respondent="clinician",
            actor=actor,
            request=request,
            session=current,
            taken_at=clock.now(),
        )
    return assessment
