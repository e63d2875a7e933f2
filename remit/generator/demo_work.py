"""Work waiting in the demo clinic, so a newcomer finds each role's queue with something in it.

The synthetic history signs every screening and submits nothing to the REMS; a clinic on a
normal day has intakes waiting for a prescriber's sign-off and REMS Patient Monitoring Forms to
send. After the plan is loaded, the demo adds both:

- a few intake screenings entered today by the clinic's nurse through the screening app's own
  action (evaluated and audited, not signed), for patients with no screening yet;
- a REMS form for each esketamine session signed within the form's 7-day window, made from the
  chart as signing makes it, due 7 days after the signature.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db import transaction
from django.utils import timezone

from remit.audit import actions as audit
from remit.generator import streams
from remit.generator.load import ACTOR_LABEL, LoadResult, _staff_by_clinic
from remit.generator.plan import Plan
from remit.generator.screening_plan import intake_on
from remit.patients.models import Patient

SCREENINGS_PER_CLINIC = 3
REMS_FORMS_PER_CLINIC = 4


@dataclass
class DemoWork:
    screenings: int = 0
    rems_forms: int = 0


def add_demo_work(plan: Plan, result: LoadResult, now: datetime | None = None) -> DemoWork:
    """Screenings awaiting sign-off and REMS forms due, in every clinic of the plan (one transaction)."""
    now = now or timezone.now()
    work = DemoWork()
    with transaction.atomic():
        work.screenings = _screenings_to_sign(plan, result, now)
        work.rems_forms = _rems_forms_due(plan, now)
    return work


def _screenings_to_sign(plan: Plan, result: LoadResult, now: datetime) -> int:
    from remit.screening.actions import create_screening

    staff = _staff_by_clinic(plan)
    patients = Patient.objects.in_bulk(list(result.patient_ids.values()))
    made: dict[str, int] = {}
    for p in plan.patients:
        nurse = staff.get(p.clinic, {}).get("nurse")
        if nurse is None or p.screenings or made.get(p.clinic, 0) >= SCREENINGS_PER_CLINIC:
            continue
        if p.index not in result.patient_ids:
            continue
        rng = streams.stream(plan.seed, "demo-screening", p.index)
        taken = now - timedelta(minutes=20 + 25 * made.get(p.clinic, 0))
        create_screening(
            actor=nurse,
            patient=patients[result.patient_ids[p.index]],
            intake=intake_on(rng, p, timezone.localdate(taken)),
            taken_at=taken,
        )
        made[p.clinic] = made.get(p.clinic, 0) + 1
    return sum(made.values())


def _rems_forms_due(plan: Plan, now: datetime) -> int:
    from remit.treatment.models import RemsMonitoringForm, Session
    from remit.treatment.rems_form import DUE_DAYS, build_form_data

    since = now - timedelta(days=DUE_DAYS)
    count = 0
    for clinic in {c.slug for c in plan.clinics}:
        sessions = (
            Session.objects.filter(
                clinic__slug=clinic,
                modality="esketamine",
                signed_at__gte=since,
                signed_at__lte=now,
                rems_form__isnull=True,
                voided_at__isnull=True,
            )
            .select_related("patient", "clinic", "signed_by")
            .order_by("-signed_at")[:REMS_FORMS_PER_CLINIC]
        )
        for session in sessions:
            assert session.signed_at is not None  # filtered above
            form = RemsMonitoringForm.objects.create(
                session=session,
                data=build_form_data(session, signer=session.signed_by),
                created_at=session.signed_at,
                due_by=timezone.localdate(session.signed_at) + timedelta(days=DUE_DAYS),
            )
            audit.record(
                audit.CREATE,
                actor_label=ACTOR_LABEL,
                obj=form,
                patient=session.patient,
                detail={"step": "rems_form", "demo": True},
            )
            count += 1
    return count
