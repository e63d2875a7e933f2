"""Writing a synthetic plan to the database, and reading the demo accounts back.

The loader adds; it never replaces.  Clinics are found or created by slug;
staff whose username already exists are left as they are (their password
and devices untouched); patients are always added, their MRNs continuing
each clinic's sequence (``RKT-000201`` after ``RKT-000200``), so running it
twice gives twice the patients and no collision.

Rows go in with ``bulk_create`` in batches, inside one transaction, with ONE
audit event for the whole run (action ``create``, actor "remit generate",
detail ``{"generator": seed, "patients": N}``) rather than one per
synthetic row.  ``remit demo`` reads the seeds back from those events to
re-derive the demo passwords.

Questionnaires and ratings are scored by the clinical core's
``score`` as they are written, so a stored row holds exactly what the app
would store.  Three things go through the app's own code instead, and are
audited by it: every screening (one before each course, one to
review a relapse) is entered with ``remit.screening.actions.create_screening``
and signed by the clinic's prescriber with ``sign_screening``, dated when the
plan says, and each course links to its own; the few (recent) answers that flag suicidal ideation are stored
with ``remit.measures.actions_assessments.record_assessment`` (which raises their
alerts), and afterwards ``remit.decision.rules.evaluate_all`` runs the
decision-support rules over each clinic, raising the non-response, relapse,
dose-escalation, misuse and opioid-antagonist alerts the data calls for.
"""

from __future__ import annotations

import re
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from datetime import time as dtime
from decimal import Decimal
from typing import Any

from django.contrib.auth import password_validation
from django.db import transaction
from django.db.models import Prefetch
from django.utils import timezone

from remit.accounts.models import Clinic, Membership, SealedTOTPDevice, User, ordered_roles
from remit.audit import actions as audit
from remit.audit.models import AuditEvent
from remit.generator import people_plan, streams, synthetic
from remit.generator.plan import (
    AssessmentPlan,
    ClinicPlan,
    CourseHistoryPlan,
    PatientPlan,
    Plan,
    StaffPlan,
    VitalPlan,
)
from remit.patients.models import (
    Allergy,
    AntidepressantTrial,
    Diagnosis,
    Medication,
    Patient,
    WeightEntry,
)

ACTOR_LABEL = "remit generate"
DEVICE_NAME = "authenticator"
FLAG_FIELDS = {
    "benzodiazepine": "is_benzodiazepine",
    "maoi": "is_maoi",
    "psychostimulant": "is_psychostimulant",
    "opioid": "is_opioid",
    "opioid_antagonist": "is_opioid_antagonist",
}


@dataclass
class LoadResult:
    seed: int
    as_of: str
    patients: int = 0
    clinics: list[dict[str, Any]] = field(default_factory=list)
    staff_created: list[str] = field(default_factory=list)
    staff_existing: list[str] = field(default_factory=list)
    # plan index -> database id, for later steps (courses, sessions) to attach to
    patient_ids: dict[int, int] = field(default_factory=dict)
    courses: int = 0
    screenings: int = 0
    screening_overrides: int = (
        0  # the course's modality was not eligible or caution: overridden with a reason
    )
    sessions: int = 0
    assessments: int = 0
    alerts: dict[str, int] = field(default_factory=dict)  # open alerts by kind, in the plan's clinics
    seconds: float = 0.0

    def summary(self) -> dict[str, Any]:
        return {
            "seed": self.seed,
            "as_of": self.as_of,
            "patients": self.patients,
            "clinics": self.clinics,
            "staff_created": self.staff_created,
            "staff_existing": self.staff_existing,
            "courses": self.courses,
            "screenings": self.screenings,
            "screening_overrides": self.screening_overrides,
            "sessions": self.sessions,
            "assessments": self.assessments,
            "alerts": self.alerts,
            "seconds": round(self.seconds, 2),
        }


def load_plan(plan: Plan, *, batch_size: int = 1000, now: datetime | None = None) -> LoadResult:
    """Write ``plan`` in one transaction and record one audit event.

    ``now`` anchors today's live sessions (checked in, dosing, monitoring...)
    when ``plan.as_of`` is today; otherwise they are placed around 11:00 on
    ``as_of``.
    """
    from remit.decision.rules import evaluate_all

    started = time.monotonic()
    now = now or timezone.now()
    result = LoadResult(seed=plan.seed, as_of=plan.as_of.isoformat())
    with transaction.atomic():
        clinics = _clinics(plan.clinics)
        _staff(plan.staff, clinics, result)
        _patients(plan, clinics, result, batch_size)
        screenings = _screenings(plan, result, now)
        sessions = _courses(plan, clinics, result, batch_size, now, screenings)
        safety = _measures(plan, result, sessions, batch_size, now)
        audit.record(
            audit.CREATE,
            actor_label=ACTOR_LABEL,
            object_type="patients.patient",
            detail={"generator": plan.seed, "patients": len(plan.patients)},
        )
        for c in plan.clinics:
            evaluate_all(clinics[c.slug], as_of=plan.as_of)
        _safety_answers(safety, result)
        result.alerts = _open_alerts(list(clinics.values()))
    result.seconds = time.monotonic() - started
    return result


def _clinics(plans: Sequence[ClinicPlan]) -> dict[str, Clinic]:
    out = {}
    for c in plans:
        out[c.slug], _ = Clinic.objects.get_or_create(slug=c.slug, defaults={"name": c.name})
    return out


def _staff(plans: Sequence[StaffPlan], clinics: dict[str, Clinic], result: LoadResult) -> None:
    existing = set(
        User.objects.filter(username__in=[s.username for s in plans]).values_list("username", flat=True)
    )
    for s in plans:
        if s.username in existing:
            result.staff_existing.append(s.username)
            continue
        user = User(
            username=s.username,
            first_name=s.first_name,
            last_name=s.last_name,
            email=s.email,
        )
        password_validation.validate_password(s.password, user)
        user.set_password(s.password)
        user.save()
        # The plan's roles are held in each of its clinics.
        Membership.objects.bulk_create(
            [Membership(user=user, clinic=clinics[slug], roles=ordered_roles(s.roles)) for slug in s.clinics]
        )
        SealedTOTPDevice.objects.create(user=user, name=DEVICE_NAME, key=s.totp_key, confirmed=True)
        result.staff_created.append(s.username)


def _mrn_offset(clinic: Clinic, prefix: str) -> int:
    pattern = re.compile(rf"^{re.escape(prefix)}-(\d+)$")
    numbers = [
        int(m.group(1))
        for mrn in Patient.objects.filter(clinic=clinic, mrn__startswith=f"{prefix}-").values_list(
            "mrn", flat=True
        )
        if (m := pattern.match(mrn))
    ]
    return max(numbers, default=0)


def _batches(items: Sequence[Any], size: int) -> Iterable[Sequence[Any]]:
    for i in range(0, len(items), size):
        yield items[i : i + size]


def _patients(plan: Plan, clinics: dict[str, Clinic], result: LoadResult, batch_size: int) -> None:
    by_clinic = {c.slug: c for c in plan.clinics}
    offsets = {slug: _mrn_offset(clinics[slug], by_clinic[slug].mrn_prefix) for slug in clinics}
    counts = dict.fromkeys(clinics, 0)
    for batch in _batches(plan.patients, batch_size):
        rows = []
        for p in batch:
            mrn = people_plan.format_mrn(by_clinic[p.clinic].mrn_prefix, offsets[p.clinic] + p.number)
            rows.append(
                Patient(
                    clinic=clinics[p.clinic],
                    mrn=mrn,
                    given_name=p.given_name,
                    family_name=p.family_name,
                    date_of_birth=p.date_of_birth,
                    sex_at_birth=p.sex_at_birth,
                    gender_identity=p.gender_identity,
                    phone=p.phone,
                    email=p.email,
                    preferred_contact=p.preferred_contact,
                    consent_sms=p.consent_sms,
                    consent_email=p.consent_email,
                    emergency_contact_name=p.emergency_contact_name,
                    emergency_contact_phone=p.emergency_contact_phone,
                    postal_code=p.postal_code,
                )
            )
        Patient.objects.bulk_create(rows)
        ids = _ids_for(rows)
        for p, row in zip(batch, rows, strict=True):
            result.patient_ids[p.index] = ids[(row.clinic_id, row.mrn)]
            counts[p.clinic] += 1
        _children(batch, result.patient_ids, batch_size)
    result.patients = len(plan.patients)
    result.clinics = [
        {"slug": c.slug, "name": clinics[c.slug].name, "patients": counts[c.slug]} for c in plan.clinics
    ]


def _ids_for(rows: list[Patient]) -> dict[tuple[int, str], int]:
    """Database ids of freshly bulk-created rows (PostgreSQL and SQLite return them; others may not)."""
    if all(r.pk is not None for r in rows):
        return {(r.clinic_id, r.mrn): r.pk for r in rows}
    out: dict[tuple[int, str], int] = {}
    for clinic_id in {r.clinic_id for r in rows}:
        mrns = [r.mrn for r in rows if r.clinic_id == clinic_id]
        for mrn, pk in Patient.objects.filter(clinic_id=clinic_id, mrn__in=mrns).values_list("mrn", "id"):
            out[(clinic_id, mrn)] = pk
    return out


def _children(batch: Sequence[PatientPlan], ids: dict[int, int], batch_size: int) -> None:
    diagnoses, trials, meds, weights, allergies = [], [], [], [], []
    for p in batch:
        pid = ids[p.index]
        diagnoses += [
            Diagnosis(
                patient_id=pid,
                code=d.code,
                description=d.description,
                status=d.status,
                onset_date=d.onset_date,
            )
            for d in p.diagnoses
        ]
        trials += [
            AntidepressantTrial(
                patient_id=pid,
                drug=t.drug,
                max_daily_dose_mg=t.max_daily_dose_mg,
                weeks=t.weeks,
                adequate=t.adequate,
                outcome=t.outcome,
                started_on=t.started_on,
            )
            for t in p.trials
        ]
        meds += [
            Medication(
                patient_id=pid,
                name=m.name,
                daily_dose_mg=m.daily_dose_mg,
                started_on=m.started_on,
                **{FLAG_FIELDS[f]: True for f in m.flags},
            )
            for m in p.medications
        ]
        weights += [
            WeightEntry(patient_id=pid, measured_on=w.measured_on, weight_kg=w.weight_kg) for w in p.weights
        ]
        allergies += [
            Allergy(patient_id=pid, substance=a.substance, reaction=a.reaction) for a in p.allergies
        ]
    Diagnosis.objects.bulk_create(diagnoses, batch_size=batch_size)
    AntidepressantTrial.objects.bulk_create(trials, batch_size=batch_size)
    Medication.objects.bulk_create(meds, batch_size=batch_size)
    WeightEntry.objects.bulk_create(weights, batch_size=batch_size)
    Allergy.objects.bulk_create(allergies, batch_size=batch_size)


# ---------------------------------------------------------------------------
# Courses and sessions (course_plan)

CONCENTRATION_MG_PER_ML = 10  # the demo clinic's ketamine dilution


def _anchor(as_of: date, now: datetime) -> datetime:
    if timezone.localdate(now) == as_of:
        return now
    return timezone.make_aware(datetime.combine(as_of, dtime(11, 0)))


def _within_day(at: datetime, day: date) -> datetime:
    start = timezone.make_aware(datetime.combine(day, dtime(0, 5)))
    end = timezone.make_aware(datetime.combine(day, dtime(23, 55)))
    return min(max(at, start), end)


def _staff_by_clinic(plan: Plan) -> dict[str, dict[str, User]]:
    """Each clinic's own prescriber, nurse and technician (the generated accounts).

    Only someone who holds the role in that clinic: an account of the same name that already
    existed with other clinics (not made by this plan) is passed over for another planned member
    who holds the role there (the multisite prescriber, say).
    """
    users = {u.username: u for u in User.objects.filter(username__in=[s.username for s in plan.staff])}
    out: dict[str, dict[str, User]] = {}
    slugs = {c.slug: c.pk for c in Clinic.objects.filter(slug__in=[c.slug for c in plan.clinics])}
    # Single-clinic staff first: each clinic's own people before the multisite prescriber.
    for s in sorted(plan.staff, key=lambda s: len(s.clinics)):
        user = users.get(s.username)
        if user is None:
            continue
        for slug in s.clinics:
            for role in s.roles:
                if slug in slugs and user.has_role(slugs[slug], role):
                    out.setdefault(slug, {}).setdefault(role, user)
    return out


SessionKey = tuple[int, int, int]  # (patient index, course index, session number)


OVERRIDE_REASON = (
    "Synthetic history: the prescriber weighed the flagged risk against the depression's severity with "
    "the patient and chose to treat, with closer monitoring."
)


def _screenings(plan: Plan, result: LoadResult, now: datetime) -> dict[tuple[int, int], int]:
    """Each planned screening through the screening app's own actions: entered by the clinic's nurse,
    evaluated by the rules, signed by its prescriber (both audited), dated when the plan says.

    The prescriber accepts every eligible or caution result; the modality the screening is for is
    overridden with a written reason if the rules did not allow it (counted in the result), the other
    modalities are declined. Returns the screening id for each (patient index, course index) whose
    course it precedes.
    """
    from remit.screening.actions import Choice, create_screening, sign_screening
    from remit.screening.models import ScreeningDecision

    staff = _staff_by_clinic(plan)
    patients = Patient.objects.in_bulk(list(result.patient_ids.values()))
    out: dict[tuple[int, int], int] = {}
    for p in plan.patients:
        people = staff.get(p.clinic, {})
        prescriber = people.get("prescriber")
        if not p.screenings or prescriber is None:
            continue
        patient = patients[result.patient_ids[p.index]]
        for s in p.screenings:
            taken = min(_taken_at(s.day, s.minute), now - timedelta(minutes=2))
            signed = min(taken + timedelta(minutes=s.signed_after), now - timedelta(minutes=1))
            screening = create_screening(
                actor=people.get("nurse") or prescriber,
                patient=patient,
                intake=s.intake,
                taken_at=taken,
            )
            choices = {}
            for modality, value in screening.result.items():
                if value["decision"] in ("eligible", "caution"):
                    choices[modality] = Choice(ScreeningDecision.ACCEPTED)
                elif modality == s.modality:
                    choices[modality] = Choice(ScreeningDecision.OVERRIDDEN, OVERRIDE_REASON)
                    result.screening_overrides += 1
                else:
                    choices[modality] = Choice(ScreeningDecision.DECLINED)
            sign_screening(actor=prescriber, screening=screening, choices=choices, signed_at=signed)
            result.screenings += 1
            if s.purpose == "course":
                out[(p.index, s.course)] = screening.pk
    return out


def _courses(
    plan: Plan,
    clinics: dict[str, Clinic],
    result: LoadResult,
    batch_size: int,
    now: datetime,
    screenings: dict[tuple[int, int], int] | None = None,
) -> dict[SessionKey, Any]:
    """Courses, sessions and vitals; returns the session rows by plan key (for the ratings to link to)."""
    from remit.treatment.actions_checkin import completed_checklist
    from remit.treatment.actions_courses import ensure_protocols
    from remit.treatment.models import Course, MotorThreshold, Protocol, RemsEnrolment, Session, VitalSign

    if not any(p.courses for p in plan.patients):
        return {}
    staff = _staff_by_clinic(plan)
    protocols: dict[tuple[str, str], Protocol] = {}
    for slug, clinic in clinics.items():
        ensure_protocols(clinic, record=False)
        for version in Protocol.objects.filter(clinic=clinic).order_by("version"):
            if version.is_active or (slug, version.code) not in protocols:
                protocols[(slug, version.code)] = version
    anchor = _anchor(plan.as_of, now)

    course_rows: list[Course] = []
    pending: list[tuple[Course, PatientPlan, CourseHistoryPlan]] = []
    for p in plan.patients:
        pid = result.patient_ids[p.index]
        people = staff.get(p.clinic, {})
        prescriber = people.get("prescriber")
        if prescriber is None:
            continue
        for i, c in enumerate(p.courses):
            row = Course(
                patient_id=pid,
                clinic=clinics[p.clinic],
                modality=c.modality,
                phase=c.phase,
                protocol=protocols[(p.clinic, c.protocol)],
                planned_sessions=len(c.sessions),
                status=c.status,
                discontinue_reason=c.discontinue_reason,
                screening_id=(screenings or {}).get((p.index, i)),
                prescriber=prescriber,
                created_by=prescriber,
                start_date=c.start_date,
                end_date=c.end_date,
                mg_per_kg=c.mg_per_kg,
                authorised_sessions=c.authorised_sessions,
                authorisation_valid_until=c.authorisation_valid_until,
                authorisation_reference="SYNTHETIC-PA" if c.authorised_sessions else "",
            )
            course_rows.append(row)
            pending.append((row, p, c))
    Course.objects.bulk_create(course_rows, batch_size=batch_size)

    thresholds: list[MotorThreshold] = []
    enrolments: list[RemsEnrolment] = []
    for row, p, c in pending:
        people = staff[p.clinic]
        if c.motor_threshold_pct is not None:
            thresholds.append(
                MotorThreshold(
                    patient_id=row.patient_id,
                    determined_on=c.start_date,
                    pct_mso=c.motor_threshold_pct,
                    method="visual",
                    by=people.get("tms_technician") or people["prescriber"],
                )
            )
        if c.modality == "esketamine":
            enrolments.append(
                RemsEnrolment(
                    patient_id=row.patient_id,
                    enrolled_on=c.start_date - timedelta(days=3),
                    reference=f"SYN-REMS-{row.patient_id}",
                    entered_by=people["prescriber"],
                )
            )
    MotorThreshold.objects.bulk_create(thresholds, batch_size=batch_size)
    RemsEnrolment.objects.bulk_create(enrolments, batch_size=batch_size)
    mt_by_patient = {t.patient_id: t for t in thresholds}

    session_rows: list[Session] = []
    by_key: dict[SessionKey, Session] = {}
    vitals_for: list[tuple[Session, datetime, tuple[VitalPlan, ...], User]] = []
    for row, p, c in pending:
        people = staff[p.clinic]
        charting = people.get("tms_technician" if c.modality == "tms" else "nurse") or people["prescriber"]
        mt = mt_by_patient.get(row.patient_id) if c.modality == "tms" else None
        person = Patient(date_of_birth=p.date_of_birth, sex_at_birth=p.sex_at_birth)
        for s in c.sessions:
            if s.today_offset is not None:
                scheduled = _within_day(anchor + timedelta(minutes=s.today_offset), plan.as_of)
            else:
                scheduled = timezone.make_aware(datetime.combine(s.day, dtime(0, 0))) + timedelta(
                    minutes=s.minute_of_day
                )

            def at(minutes: int | None, base: datetime = scheduled) -> datetime | None:
                return None if minutes is None else base + timedelta(minutes=minutes)

            dose_ml = rate = None
            if s.dose_mg is not None and c.modality.startswith("ketamine"):
                dose_ml = (s.dose_mg / CONCENTRATION_MG_PER_ML).quantize(Decimal("0.01"))
                if c.modality == "ketamine_iv":
                    rate = (dose_ml * 60 / 40).quantize(Decimal("0.1"))
            dose_start = at(s.dose_at)
            devices = (
                [
                    {"n": n + 1, "mg": 28, "at": (dose_start + timedelta(minutes=5 * n)).isoformat()}
                    for n in range(s.devices)
                ]
                if dose_start is not None and s.devices
                else []
            )
            tms = c.modality == "tms"
            output = min(100, round(mt.pct_mso * 1.2)) if (tms and mt is not None) else None
            session = Session(
                course=row,
                patient_id=row.patient_id,
                clinic_id=row.clinic_id,
                modality=c.modality,
                number=s.number,
                scheduled_for=scheduled,
                room=s.room,
                status=s.status,
                checked_in_at=at(s.checked_in_at),
                dose_started_at=dose_start,
                dose_ended_at=at(s.end_at),
                discharged_at=at(s.discharge_at),
                # Every item answered, as the charting actions require before a dose.
                checklist=(
                    completed_checklist(c.modality, person, timezone.localdate(scheduled))
                    if s.checked_in_at is not None
                    else {}
                ),
                weight_kg=s.weight_kg,
                mg_per_kg=s.mg_per_kg,
                dose_mg=s.dose_mg,
                concentration_mg_per_ml=CONCENTRATION_MG_PER_ML if dose_ml is not None else None,
                volume_ml=dose_ml,
                rate_ml_per_h=rate,
                infusion_minutes=40 if c.modality == "ketamine_iv" and dose_ml is not None else None,
                lot_number=s.lot_number,
                devices=devices,
                planned_dose_mg=28 * s.devices if devices else None,
                motor_threshold=mt if s.checked_in_at is not None else None,
                tms_pattern="10hz" if tms else "",
                intensity_pct_mt=120 if tms and s.checked_in_at is not None else None,
                machine_output_pct=output if s.checked_in_at is not None else None,
                pulses_planned=3000 if tms and s.checked_in_at is not None else None,
                pulses_delivered=s.pulses if tms else None,
                coil_site_method="beam_f3" if tms and s.checked_in_at is not None else "",
                charted_by=charting if s.checked_in_at is not None else None,
                signed_by=people["prescriber"] if s.signed else None,
                signed_at=at(s.discharge_at) if s.signed else None,
                note="Synthetic session: uneventful." if s.signed else "",
            )
            session_rows.append(session)
            by_key[(p.index, next(i for i, x in enumerate(p.courses) if x is c), s.number)] = session
            if s.vitals and dose_start is not None:
                vitals_for.append((session, dose_start, s.vitals, charting))
    Session.objects.bulk_create(session_rows, batch_size=batch_size)
    vitals = [
        VitalSign(
            session=session,
            taken_at=dose_started_at + timedelta(minutes=v.minute),
            systolic=v.systolic,
            diastolic=v.diastolic,
            heart_rate=v.heart_rate,
            spo2=v.spo2,
            respiratory_rate=v.respiratory_rate,
            entered_by=by,
        )
        for session, dose_started_at, plans, by in vitals_for
        for v in plans
    ]
    VitalSign.objects.bulk_create(vitals, batch_size=batch_size)
    result.courses = len(course_rows)
    result.sessions = len(session_rows)
    return by_key


# ---------------------------------------------------------------------------
# Questionnaires, ratings and demo signals (measures_plan, signals_plan)

SESSION_LINK = "treatment.session"  # as record_assessment stores a session link (its model's label)


def _taken_at(day: date, minute: int) -> datetime:
    return timezone.make_aware(datetime.combine(day, dtime(0, 0))) + timedelta(minutes=minute)


SafetyRow = tuple[int, AssessmentPlan, datetime]


def _measures(
    plan: Plan, result: LoadResult, sessions: dict[SessionKey, Any], batch_size: int, now: datetime
) -> list[SafetyRow]:
    """Assessments (scored by the core), booster requests and added medications.

    Returns the answers that flag suicidal ideation (all recent), to be stored through the app's
    ``record_assessment`` (which raises their alerts) once everything else is in.
    """
    from remit.core.instruments import score
    from remit.decision.models import BoosterRequest
    from remit.measures.models import Assessment

    staff = _staff_by_clinic(plan)
    anchor = _anchor(plan.as_of, now)
    rows: list[Assessment] = []
    safety: list[SafetyRow] = []
    requests: list[BoosterRequest] = []
    meds: list[Medication] = []
    for p in plan.patients:
        pid = result.patient_ids[p.index]
        people = staff.get(p.clinic, {})
        rater = people.get("nurse") or people.get("prescriber")
        for a in p.assessments:
            session = None
            if a.session is not None:
                session = sessions.get((p.index, a.course, a.session)) if a.course is not None else None
                if session is None or session.dose_started_at is None:
                    continue
                taken = session.dose_started_at + timedelta(minutes=a.after_dose or 0)
                if a.day >= plan.as_of and taken > anchor:
                    continue  # today's session: not rated yet
            else:
                taken = _taken_at(a.day, a.minute_of_day)
            scored = score(a.instrument, a.answer_dict)
            if "suicidal_ideation" in scored.flags:  # the plan draws these only in the recent weeks
                # record_assessment refuses an answer time in the future: one planned for later today
                # is taken as answered by now.
                safety.append((pid, a, min(taken, anchor)))
                continue
            clinician = a.respondent == Assessment.CLINICIAN
            rows.append(
                Assessment(
                    patient_id=pid,
                    instrument=scored.instrument,
                    instrument_version=scored.version,
                    answers=dict(scored.answers),
                    total=scored.total,
                    max_total=scored.max,
                    band=scored.band or "",
                    flags=list(scored.flags),
                    valid=scored.valid,
                    missing=list(scored.missing),
                    respondent=a.respondent,
                    entered_by=rater if clinician else None,
                    session_type=SESSION_LINK if session is not None else "",
                    session_id=str(session.pk) if session is not None else "",
                    taken_at=taken,
                )
            )
        if p.booster_requests and people.get("prescriber") is not None:
            requests += [
                BoosterRequest(
                    patient_id=pid,
                    requested_on=day,
                    note='Phoned asking for a booster: "the last one has worn off".',
                    entered_by=people.get("nurse") or people["prescriber"],
                    created_at=_taken_at(day, 10 * 60),
                )
                for day in p.booster_requests
            ]
        meds += [
            Medication(
                patient_id=pid,
                name=m.name,
                daily_dose_mg=m.daily_dose_mg,
                started_on=m.started_on,
                **{FLAG_FIELDS[f]: True for f in m.flags},
            )
            for m in p.extra_medications
        ]
    Assessment.objects.bulk_create(rows, batch_size=batch_size)
    BoosterRequest.objects.bulk_create(requests, batch_size=batch_size)
    Medication.objects.bulk_create(meds, batch_size=batch_size)
    result.assessments = len(rows)
    return safety


def _safety_answers(rows: list[SafetyRow], result: LoadResult) -> None:
    """The recent flagged answers, through the app's own code path, so their alerts are raised as in use."""
    from remit.measures.actions_assessments import record_assessment

    patients = Patient.objects.in_bulk([pid for pid, _, _ in rows])
    for pid, a, taken in rows:
        record_assessment(
            patient=patients[pid],
            instrument=a.instrument,
            answers=a.answer_dict,
            respondent=a.respondent,
            taken_at=taken,
            actor_label=ACTOR_LABEL,
        )
    result.assessments += len(rows)


def _open_alerts(clinics: list[Clinic]) -> dict[str, int]:
    from django.db.models import Count

    from remit.alerts.models import Alert

    counts = (
        Alert.objects.filter(clinic__in=clinics, status="open")
        .values("kind")
        .annotate(n=Count("id"))
        .order_by("kind")
    )
    return {row["kind"]: row["n"] for row in counts}


# ---------------------------------------------------------------------------
# Demo accounts


@dataclass
class DemoAccount:
    username: str
    password: str
    roles: list[str]  # every role held in any clinic
    clinics: list[str]
    totp_secret: str | None
    # Clinic name -> the roles held there (roles are per clinic).
    roles_by_clinic: dict[str, list[str]] = field(default_factory=dict)
    # False when the stored password no longer matches any seed's (changed since).
    password_current: bool = True

    @property
    def clinic(self) -> str:
        return self.clinics[0] if self.clinics else ""

    def as_json(self) -> dict[str, Any]:
        return {
            "username": self.username,
            "password": self.password,
            "roles": self.roles,
            "roles_by_clinic": self.roles_by_clinic,
            "clinic": self.clinic,
            "clinics": self.clinics,
            "totp_secret": self.totp_secret,
        }


def generator_seeds() -> list[int]:
    """Seeds of every ``remit generate`` run recorded in the audit trail, oldest first."""
    seeds: list[int] = []
    rows = AuditEvent.objects.filter(action=audit.CREATE, actor_label=ACTOR_LABEL, actor__isnull=True)
    for detail in rows.order_by("seq").values_list("detail", flat=True):
        seed = detail.get("generator") if isinstance(detail, dict) else None
        if isinstance(seed, int) and seed not in seeds:
            seeds.append(seed)
    return seeds


def demo_accounts(default_seed: int = synthetic.DEMO_SEED) -> list[DemoAccount]:
    """The generated staff accounts that exist, with the credentials to sign in as them.

    Passwords are re-derived from the seeds recorded in the audit trail (the
    first whose password still checks wins); TOTP secrets are read from the
    user's confirmed device, so a re-enrolled device shows its new secret.
    """
    seeds = generator_seeds() or [default_seed]
    slugs = {s.slug for s in people_plan.CLINIC_SPECS}
    count = max(2, Clinic.objects.filter(slug__in=slugs).count())
    names = [s.username for s in people_plan.staff_plans(seeds[0], people_plan.clinic_plans(count))]
    users = {
        u.username: u
        for u in User.objects.filter(username__in=names).prefetch_related(
            Prefetch(
                "memberships", queryset=Membership.objects.select_related("clinic").order_by("clinic_id")
            )
        )
    }
    devices: dict[int, SealedTOTPDevice] = {}
    for device in SealedTOTPDevice.objects.filter(user__in=users.values(), confirmed=True).order_by("-id"):
        devices[device.user_id] = device  # the oldest confirmed device wins
    accounts = []
    for name in names:
        user = users.get(name)
        if user is None:
            continue
        password, current = streams.staff_password(seeds[0], name), False
        for seed in seeds:
            candidate = streams.staff_password(seed, name)
            if user.check_password(candidate):
                password, current = candidate, True
                break
        device = devices.get(user.pk)
        memberships = list(user.memberships.all())
        accounts.append(
            DemoAccount(
                username=name,
                password=password,
                roles=ordered_roles({r for m in memberships for r in m.roles or []}),
                roles_by_clinic={m.clinic.name: ordered_roles(m.roles or []) for m in memberships},
                clinics=[m.clinic.name for m in memberships],
                totp_secret=streams.totp_secret_from_hex(device.key) if device is not None else None,
                password_current=current,
            )
        )
    return accounts
