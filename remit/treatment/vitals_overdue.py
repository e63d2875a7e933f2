"""Overdue vital signs: an alert for the charting nurse, raised once, resolved by the next reading.

A session being monitored (dosing, monitoring or ready for discharge, ketamine
or esketamine, not yet discharged) is overdue when its last reading (or the
start of monitoring, before any) is older than the clinic's vitals interval
plus its grace period (``remit.core.vitals.vitals_overdue``). The worker's
``treatment.vitals_overdue`` job raises one *medium* ``vitals_overdue`` alert
per missed reading, naming the nurse charting the session (alerts are read by
the clinic's clinical staff; ``detail["charting_user_id"]`` says whose it is).
It is raised once per missed reading, never again on the next run, even after
it was acknowledged. Charting a reading resolves the open one
(``resolve_overdue``, called by ``actions_vitals.add_vitals``).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction

from remit.alerts.actions import acknowledge_alert, raise_alert
from remit.alerts.models import OPEN, Alert
from remit.core import vitals as core_vitals
from remit.core.modality import DRUG_MODALITIES
from remit.treatment.models import Session
from remit.treatment.monitoring import monitoring_start
from remit.treatment.session_chart import hm
from remit.treatment.treatment_settings import treatment_settings

KIND = "vitals_overdue"

MONITORED = (Session.DOSING, Session.MONITORING, Session.READY)


def _last_reading_at(session: Session) -> dt.datetime | None:
    last = session.vitals.filter(voided_at__isnull=True).order_by("-taken_at", "-id").first()
    return last.taken_at if last is not None else monitoring_start(session)


def _key(session: Session, since: dt.datetime) -> str:
    return f"session:{session.pk}:{KIND}:{since.isoformat()}"


def raise_overdue(now: dt.datetime) -> int:
    """Raise an alert for each monitored session whose vitals are overdue at ``now``; how many were raised."""
    raised = 0
    candidates = Session.objects.filter(
        status__in=MONITORED,
        modality__in=DRUG_MODALITIES,
        discharged_at__isnull=True,
        signed_at__isnull=True,
        voided_at__isnull=True,
    ).values_list("pk", flat=True)
    for pk in list(candidates):
        with transaction.atomic():
            session = (
                Session.objects.select_for_update(skip_locked=True, of=("self",))
                .select_related("patient", "charted_by")
                .filter(pk=pk, status__in=MONITORED, discharged_at__isnull=True, signed_at__isnull=True)
                .first()
            )
            if session is None:
                continue
            raised += _raise_one(session, now)
    return raised


def _raise_one(session: Session, now: dt.datetime) -> int:
    last = _last_reading_at(session)
    if last is None:
        return 0
    settings = treatment_settings(session.clinic_id)
    interval, grace = settings.vitals_interval_minutes, settings.vitals_grace_minutes
    if not core_vitals.vitals_overdue(last, now, interval, grace):
        return 0
    key = _key(session, last)
    # Once per missed reading: an acknowledged alert for it is not raised again.
    if Alert.objects.filter(kind=KIND, dedupe_key__endswith=f":{key}").exists():
        return 0
    nurse = session.charted_by
    who = (nurse.get_full_name() or nurse.get_username()) if nurse is not None else "nobody yet"
    raise_alert(
        patient=session.patient,
        kind=KIND,
        severity="medium",
        reason=(
            f"Vital signs overdue: {session.get_modality_display()} session {session.number}"
            f"{f' in {session.room}' if session.room else ''}. The last reading was at {hm(last)}; "
            f"readings are due every {interval} minutes. Charting nurse: {who}."
        ),
        detail={
            "session_id": session.pk,
            "charting_user_id": nurse.pk if nurse is not None else None,
            "last_reading_at": last.isoformat(),
        },
        source=session,
        dedupe_key=key,
    )
    return 1


def resolve_overdue(session: Session, *, actor: Any, at: dt.datetime) -> None:
    """Acknowledge the session's open overdue-vitals alerts on the reading ``actor`` just charted."""
    if not actor.can("clinical.view", session.clinic_id):
        return
    for alert in Alert.objects.filter(
        kind=KIND, status=OPEN, source_type=Session._meta.label_lower, source_id=str(session.pk)
    ):
        acknowledge_alert(alert, actor=actor, note=f"Resolved: vital signs charted at {hm(at)}.")
