"""Remit's records as FHIR R4 resources, read from the database.

``row_*`` functions turn one Django row into the plain dataclasses of
``remit.fhir.mapping``; ``clinical_resources`` / ``patient_resources`` stream
the resources of a scope (one patient, one clinic, or every clinic; optionally
only what changed since a date) reading rows with ``.iterator()`` in chunks,
so memory stays fixed however large the clinic. ``export_bundle`` and
``export_ndjson`` write them and record the disclosure in the audit trail:
one ``export`` event for the run and one ``disclose`` event per patient
whose data went out (the patient's accounting of disclosures lists it).

What goes out (voided records never do):

- Patient; Condition per diagnosis;
- QuestionnaireResponse per assessment of a questionnaire (not the session
  ratings), with a score Observation (``<id>-score``) when the assessment is
  valid; CADSS, CADSS-6 and MOAA/S assessments as rating Observations
  (``<id>-rating``) instead;
- vital-sign Observations per charted set of vitals (``vitals-<id>-bp|hr|…``)
  and per weight entry (``weight-<id>-weight``);
- MedicationAdministration per ketamine/esketamine session whose dose was
  started; Procedure per TMS session whose pulses were charted (10 Hz or iTBS);
- Flag per open alert;
- DocumentReference per amendment request (``amendment-<id>``): the request, the decision, the
  statement of disagreement and the rebuttal, linked to the amended resource (``remit.fhir.mapping.amendments``
  says why this resource).
"""

from __future__ import annotations

import datetime as dt
import json
import os
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from functools import partial
from pathlib import Path
from typing import Any

from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone

from remit.accounts.models import Clinic
from remit.alerts.models import OPEN, Alert, kind_label
from remit.amendments.models import AmendmentRequest
from remit.audit import actions as audit
from remit.fhir.mapping import (
    AlertData,
    AssessmentData,
    ConditionData,
    DoseData,
    MappingError,
    PatientData,
    RatingData,
    TmsSessionData,
    VitalsData,
    collection_bundle,
    condition_resource,
    flag_resource,
    medication_administration,
    patient_resource,
    questionnaire_response,
    rating_observation,
    score_observation,
    tms_procedure,
    vital_sign_observations,
)
from remit.fhir.mapping.amendments import AmendmentData, amendment_document
from remit.measures.models import Assessment
from remit.patients.models import Diagnosis, Patient, WeightEntry
from remit.treatment.models import Session, VitalSign

JSON = dict[str, Any]
ACTOR_LABEL = "remit fhir export"
CHUNK = 500

RATING_INSTRUMENTS = frozenset({"cadss", "cadss6", "moaas"})
DOSE_MODALITIES = {
    "ketamine_iv": ("ketamine", "iv"),
    "ketamine_im": ("ketamine", "im"),
    "esketamine": ("esketamine", "intranasal"),
}
SESSION_TYPE = "treatment.session"
COIL_METHODS = {"beam_f3": "Beam F3", "5_5cm": "5.5 cm rule", "neuronavigation": "Neuronavigation"}
ESKETAMINE_MG_PER_DEVICE = 28
RESOURCE_TYPES = (
    "Patient",
    "Condition",
    "QuestionnaireResponse",
    "Observation",
    "MedicationAdministration",
    "Procedure",
    "Flag",
    "DocumentReference",
)


# --- rows -> mapping dataclasses -----------------------------------------------------------------


def row_patient(patient: Patient) -> PatientData:
    return PatientData(
        id=patient.pk,
        clinic_slug=patient.clinic.slug,
        mrn=patient.mrn,
        given_name=patient.given_name,
        family_name=patient.family_name,
        birth_date=patient.date_of_birth,
        sex_at_birth=patient.sex_at_birth,  # type: ignore[arg-type]
        phone=patient.phone,
        email=patient.email,
        active=not patient.is_voided,
    )


def row_condition(diagnosis: Diagnosis) -> ConditionData:
    return ConditionData(
        id=diagnosis.pk,
        patient_id=diagnosis.patient_id,
        icd10cm=diagnosis.code,
        description=diagnosis.description,
        status=diagnosis.status,  # type: ignore[arg-type]
        onset_date=diagnosis.onset_date,
        resolved_date=diagnosis.resolved_date,
    )


def row_assessment(assessment: Assessment) -> AssessmentData:
    return AssessmentData(
        id=assessment.pk,
        patient_id=assessment.patient_id,
        instrument_code=assessment.instrument,
        answers=dict(assessment.answers or {}),
        taken_at=assessment.taken_at,
        total=assessment.total if assessment.valid else None,
        band=assessment.band or None,
        instrument_version=assessment.instrument_version or None,
    )


def session_reference(session: Session) -> str | None:
    """The resource a session is exported as ("MedicationAdministration/12"), or None if none."""
    if session.is_voided:
        return None
    if session.modality in DOSE_MODALITIES and _dose_mg(session) is not None and session.dose_started_at:
        return f"MedicationAdministration/{session.pk}"
    if session.modality == "tms" and _tms_ready(session):
        return f"Procedure/{session.pk}"
    return None


def _dose_mg(session: Session) -> Decimal | None:
    if session.dose_mg is not None:
        return session.dose_mg
    if session.modality == "esketamine" and session.devices:
        return Decimal(sum(int(d.get("mg") or ESKETAMINE_MG_PER_DEVICE) for d in session.devices))
    return None


def _tms_ready(session: Session) -> bool:
    return (
        session.pulses_delivered is not None
        and session.intensity_pct_mt is not None
        and session.tms_pattern in ("10hz", "itbs")
    )


def _end(start: dt.datetime | None, end: dt.datetime | None) -> dt.datetime | None:
    return end if (start is not None and end is not None and end >= start) else None


def row_dose(session: Session) -> DoseData:
    drug, route = DOSE_MODALITIES[session.modality]
    dose = _dose_mg(session)
    assert dose is not None and session.dose_started_at is not None
    end = _end(session.dose_started_at, session.dose_ended_at)
    finished = end is not None or session.status in (Session.MONITORING, Session.READY, Session.COMPLETED)
    return DoseData(
        id=session.pk,
        patient_id=session.patient_id,
        drug=drug,  # type: ignore[arg-type]
        route=route,  # type: ignore[arg-type]
        dose_mg=dose,
        start=session.dose_started_at,
        end=end,
        status="completed" if finished else "in-progress",
        mg_per_kg=session.mg_per_kg,
        devices=len(session.devices) if session.modality == "esketamine" and session.devices else None,
        lot_number=session.lot_number,
    )


def row_tms(session: Session) -> TmsSessionData:
    start = session.checked_in_at or session.scheduled_for
    itbs = session.tms_pattern == "itbs"
    target = COIL_METHODS.get(session.coil_site_method, session.coil_site_method) or "Not recorded"
    if session.coil_coordinates:
        target += f" ({session.coil_coordinates})"
    threshold = session.motor_threshold
    return TmsSessionData(
        id=session.pk,
        patient_id=session.patient_id,
        start=start,
        end=_end(start, session.discharged_at),
        pattern=session.tms_pattern,  # type: ignore[arg-type]
        frequency_hz=5 if itbs else 10,
        burst_frequency_hz=50 if itbs else None,
        pulses=session.pulses_delivered or 0,
        intensity_pct_mt=session.intensity_pct_mt or 0,
        motor_threshold_pct_mso=threshold.pct_mso if threshold is not None else None,
        machine_output_pct_mso=session.machine_output_pct,
        target=target,
        session_number=session.number,
        status="completed",
    )


def row_vitals(vital: VitalSign) -> VitalsData:
    return VitalsData(
        id=f"vitals-{vital.pk}",
        patient_id=vital.session.patient_id,
        taken_at=vital.taken_at,
        systolic=vital.systolic,
        diastolic=vital.diastolic,
        heart_rate=vital.heart_rate,
        spo2=vital.spo2,
        respiratory_rate=vital.respiratory_rate,
        part_of=session_reference(vital.session),
    )


def row_weight(weight: WeightEntry) -> VitalsData:
    return VitalsData(
        id=f"weight-{weight.pk}",
        patient_id=weight.patient_id,
        taken_at=weight.measured_on,  # type: ignore[arg-type]  # a date is a valid FHIR dateTime
        weight_kg=weight.weight_kg,
    )


def row_alert(alert: Alert) -> AlertData:
    return AlertData(
        id=alert.pk,
        patient_id=alert.patient_id,
        kind=alert.kind,
        severity=alert.severity,  # type: ignore[arg-type]
        reason=alert.reason,
        created_at=alert.created_at,
        status=alert.status,  # type: ignore[arg-type]
        acknowledged_at=alert.acknowledged_at,
        kind_label=kind_label(alert.kind),
    )


def amendment_related(amendment: AmendmentRequest) -> str | None:
    """The exported resource an amendment request concerns ("Condition/12"), or None when that part
    is not exported as a resource (medications, allergies, a session without one)."""
    if amendment.part == AmendmentRequest.DEMOGRAPHICS:
        return f"Patient/{amendment.patient_id}"
    if amendment.part == AmendmentRequest.DIAGNOSIS:
        return f"Condition/{amendment.diagnosis_id}"
    if amendment.part == AmendmentRequest.ASSESSMENT and amendment.assessment is not None:
        if amendment.assessment.instrument in RATING_INSTRUMENTS:
            return f"Observation/{amendment.assessment_id}-rating"
        return f"QuestionnaireResponse/{amendment.assessment_id}"
    if amendment.part == AmendmentRequest.SESSION and amendment.session is not None:
        return session_reference(amendment.session)
    return None


def row_amendment(amendment: AmendmentRequest) -> AmendmentData:
    return AmendmentData(
        id=amendment.pk,
        patient_id=amendment.patient_id,
        part_label=amendment.part_label,
        related=amendment_related(amendment),
        status=amendment.status,
        requested_at=amendment.requested_at,
        requested_via=amendment.requested_via,
        request_text=amendment.request_text,
        due_on=amendment.due_on,
        decided_at=amendment.decided_at,
        amendment_text=amendment.amendment_text,
        denial_reason=amendment.denial_reason,
        disagreement_text=amendment.disagreement_text,
        disagreement_at=amendment.disagreement_at,
        rebuttal_text=amendment.rebuttal_text,
        rebuttal_at=amendment.rebuttal_at,
    )


def _amendment(amendment: AmendmentRequest) -> list[JSON]:
    return [amendment_document(row_amendment(amendment))]


def assessment_resources(assessment: Assessment, part_of: str | None = None) -> list[JSON]:
    """The resources of one assessment: QR (+ score Observation), or a rating Observation."""
    if assessment.instrument in RATING_INSTRUMENTS:
        if not assessment.valid or assessment.total is None:
            return []
        rating = RatingData(
            id=f"{assessment.pk}-rating",
            patient_id=assessment.patient_id,
            instrument_code=assessment.instrument,
            total=assessment.total,
            taken_at=assessment.taken_at,
            answers={k: v for k, v in (assessment.answers or {}).items() if v is not None},
            part_of=part_of,
        )
        return [rating_observation(rating)]
    data = row_assessment(assessment)
    out = [questionnaire_response(data)]
    if data.total is not None:
        out.append(score_observation(data))
    return out


# --- scopes and streams --------------------------------------------------------------------------


@dataclass(frozen=True)
class Scope:
    """Which patients (one, a clinic's, or everyone's) and, optionally, only changes since when."""

    clinic: Clinic | None = None
    patient: Patient | None = None
    since: dt.datetime | None = None

    def patients(self) -> QuerySet[Patient]:
        rows = Patient.objects.filter(voided_at__isnull=True)
        if self.patient is not None:
            return rows.filter(pk=self.patient.pk)
        if self.clinic is not None:
            return rows.filter(clinic=self.clinic)
        return rows

    def filter(self, rows: QuerySet[Any], patient_field: str, *date_fields: str) -> QuerySet[Any]:
        rows = rows.filter(**{f"{patient_field}__voided_at__isnull": True})
        if self.patient is not None:
            rows = rows.filter(**{patient_field: self.patient.pk})
        elif self.clinic is not None:
            rows = rows.filter(**{f"{patient_field}__clinic": self.clinic})
        if self.since is not None and date_fields:
            changed = Q()
            for name in date_fields:
                changed |= Q(**{f"{name}__gte": self.since})
            rows = rows.filter(changed)
        return rows


@dataclass
class Skipped:
    """Records that could not become valid resources (reported, never silently dropped)."""

    count: int = 0
    examples: list[str] = field(default_factory=list)

    def add(self, what: str, error: Exception) -> None:
        self.count += 1
        if len(self.examples) < 20:
            self.examples.append(f"{what}: {error}")


def _chunks(rows: QuerySet[Any], size: int = CHUNK) -> Iterator[list[Any]]:
    batch: list[Any] = []
    for row in rows.iterator(chunk_size=size):
        batch.append(row)
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch


def _safe(skipped: Skipped, what: str, build: Callable[[], list[JSON]]) -> list[JSON]:
    try:
        return build()
    except (MappingError, ValueError, TypeError) as error:
        skipped.add(what, error)
        return []


# One record's resources, for ``_safe`` (a failure skips the record, not the export).
def _condition(diagnosis: Diagnosis) -> list[JSON]:
    return [condition_resource(row_condition(diagnosis))]


def _vitals(vital: VitalSign) -> list[JSON]:
    return vital_sign_observations(row_vitals(vital))


def _weight(weight: WeightEntry) -> list[JSON]:
    return vital_sign_observations(row_weight(weight))


def _dose(session: Session) -> list[JSON]:
    return [medication_administration(row_dose(session))]


def _tms(session: Session) -> list[JSON]:
    return [tms_procedure(row_tms(session))]


def _flag(alert: Alert) -> list[JSON]:
    return [flag_resource(row_alert(alert))]


def _patient(patient: Patient) -> list[JSON]:
    return [patient_resource(row_patient(patient))]


def clinical_resources(scope: Scope, skipped: Skipped | None = None) -> Iterator[tuple[int, JSON]]:
    """(patient id, resource) for everything but the Patients, in a fixed order, chunk by chunk."""
    skipped = skipped if skipped is not None else Skipped()
    diagnoses = scope.filter(
        Diagnosis.objects.filter(voided_at__isnull=True), "patient", "created_at"
    ).order_by("patient_id", "id")
    for diagnosis in diagnoses.iterator(chunk_size=CHUNK):
        for resource in _safe(skipped, f"diagnosis {diagnosis.pk}", partial(_condition, diagnosis)):
            yield diagnosis.patient_id, resource

    assessments = scope.filter(
        Assessment.objects.filter(voided_at__isnull=True), "patient", "created_at", "taken_at"
    ).order_by("patient_id", "taken_at", "id")
    for batch in _chunks(assessments):
        session_ids = {
            int(a.session_id) for a in batch if a.session_type == SESSION_TYPE and a.session_id.isdigit()
        }
        by_id = {s.pk: s for s in Session.objects.filter(pk__in=session_ids)} if session_ids else {}
        for assessment in batch:
            session = (
                by_id.get(int(assessment.session_id))
                if assessment.session_type == SESSION_TYPE and assessment.session_id.isdigit()
                else None
            )
            part_of = session_reference(session) if session is not None else None
            for resource in _safe(
                skipped,
                f"assessment {assessment.pk}",
                partial(assessment_resources, assessment, part_of),
            ):
                yield assessment.patient_id, resource

    vitals = scope.filter(
        VitalSign.objects.filter(voided_at__isnull=True, session__voided_at__isnull=True).select_related(
            "session"
        ),
        "session__patient",
        "created_at",
        "taken_at",
    ).order_by("session__patient_id", "taken_at", "id")
    for vital in vitals.iterator(chunk_size=CHUNK):
        for resource in _safe(skipped, f"vitals {vital.pk}", partial(_vitals, vital)):
            yield vital.session.patient_id, resource

    weights = scope.filter(
        WeightEntry.objects.filter(voided_at__isnull=True), "patient", "created_at"
    ).order_by("patient_id", "measured_on", "id")
    for weight in weights.iterator(chunk_size=CHUNK):
        for resource in _safe(skipped, f"weight {weight.pk}", partial(_weight, weight)):
            yield weight.patient_id, resource

    sessions = scope.filter(
        Session.objects.filter(voided_at__isnull=True).select_related("motor_threshold"),
        "patient",
        "created_at",
        "scheduled_for",
        "dose_started_at",
    ).order_by("patient_id", "scheduled_for", "id")
    for session in sessions.iterator(chunk_size=CHUNK):
        reference = session_reference(session)
        if reference is None:
            continue
        if reference.startswith("MedicationAdministration/"):
            build = partial(_dose, session)
        else:
            build = partial(_tms, session)
        for resource in _safe(skipped, f"session {session.pk}", build):
            yield session.patient_id, resource

    alerts = scope.filter(Alert.objects.filter(status=OPEN), "patient", "created_at").order_by(
        "patient_id", "created_at", "id"
    )
    for alert in alerts.iterator(chunk_size=CHUNK):
        for resource in _safe(skipped, f"alert {alert.pk}", partial(_flag, alert)):
            yield alert.patient_id, resource

    amendments = scope.filter(
        AmendmentRequest.objects.select_related("assessment", "session"),
        "patient",
        "requested_at",
        "decided_at",
        "disagreement_at",
        "rebuttal_at",
    ).order_by("patient_id", "requested_at", "id")
    for amendment in amendments.iterator(chunk_size=CHUNK):
        for resource in _safe(skipped, f"amendment request {amendment.pk}", partial(_amendment, amendment)):
            yield amendment.patient_id, resource


def patient_resources(
    scope: Scope, also: Iterable[int] = (), skipped: Skipped | None = None
) -> Iterator[tuple[int, JSON]]:
    """Patients of the scope; with ``since``, those created since plus those in ``also``."""
    skipped = skipped if skipped is not None else Skipped()
    rows = scope.patients().select_related("clinic").order_by("id")
    if scope.since is not None and scope.patient is None:
        extra = set(also)
        rows = (
            rows.filter(Q(created_at__gte=scope.since) | Q(pk__in=extra))
            if extra
            else rows.filter(created_at__gte=scope.since)
        )
    for patient in rows.iterator(chunk_size=CHUNK):
        for resource in _safe(skipped, f"patient {patient.pk}", partial(_patient, patient)):
            yield patient.pk, resource


# --- writing and auditing ------------------------------------------------------------------------


@dataclass
class ExportResult:
    format: str
    path: str
    counts: dict[str, int]
    patients: int
    files: list[str]
    skipped: Skipped
    export_event_seq: int | None = None

    def to_dict(self) -> JSON:
        return {
            "format": self.format,
            "path": self.path,
            "counts": self.counts,
            "patients": self.patients,
            "files": self.files,
            "skipped": self.skipped.count,
            "skipped_examples": self.skipped.examples,
            "audit_event": self.export_event_seq,
        }


def _audit_disclosure(
    *,
    scope: Scope,
    per_patient: dict[int, Counter[str]],
    counts: Counter[str],
    fmt: str,
    path: str,
    recipient: str,
    purpose: str,
    actor: Any,
    actor_label: str,
) -> int:
    """One ``export`` event for the run, one ``disclose`` event per patient (one batch), in one transaction."""
    clinic_of: dict[int, int] = {}
    ids = sorted(per_patient)
    for start in range(0, len(ids), CHUNK):
        clinic_of.update(
            Patient.objects.filter(pk__in=ids[start : start + CHUNK]).values_list("pk", "clinic_id")
        )
    base = {
        "format": fmt,
        "since": scope.since.isoformat() if scope.since else None,
        "recipient": recipient,
        "purpose": purpose,
    }
    with transaction.atomic():
        event = audit.record(
            audit.EXPORT,
            actor=actor,
            actor_label=actor_label,
            object_type="fhir.export",
            clinic_id=scope.clinic.pk
            if scope.clinic
            else (scope.patient.clinic_id if scope.patient else None),
            patient=scope.patient,
            detail={
                **base,
                "path": path,
                "patients": len(per_patient),
                "counts": dict(sorted(counts.items())),
            },
        )
        audit.record_many(
            audit.DISCLOSE,
            (
                {
                    "patient": patient_id,
                    "clinic_id": clinic_of.get(patient_id),
                    "detail": {**base, "resources": dict(sorted(per_patient[patient_id].items()))},
                }
                for patient_id in ids
            ),
            actor=actor,
            actor_label=actor_label,
            object_type="fhir.export",
            object_id=event.seq,
        )
    return event.seq


def export_bundle(
    patient: Patient,
    out: str | os.PathLike[str],
    *,
    since: dt.datetime | None = None,
    recipient: str = "",
    purpose: str = "",
    actor: Any = None,
    actor_label: str = ACTOR_LABEL,
) -> ExportResult:
    """One patient's ``collection`` Bundle written to ``out`` (a file), audited as a disclosure."""
    scope = Scope(clinic=patient.clinic, patient=patient, since=since)
    skipped = Skipped()
    resources = [r for _pid, r in patient_resources(scope, skipped=skipped)]
    resources += [r for _pid, r in clinical_resources(scope, skipped)]
    bundle = collection_bundle(
        resources, bundle_id=f"export-{patient.pk}-{timezone.now():%Y%m%d%H%M%S}", timestamp=timezone.now()
    )
    path = Path(out)
    if path.parent and not path.parent.exists():
        path.parent.mkdir(parents=True)
    tmp = path.with_name(path.name + ".part")
    tmp.write_text(json.dumps(bundle, indent=2, ensure_ascii=False), encoding="utf-8")
    tmp.replace(path)
    counts: Counter[str] = Counter(r["resourceType"] for r in resources)
    seq = _audit_disclosure(
        scope=scope,
        per_patient={patient.pk: counts} if resources else {},
        counts=counts,
        fmt="bundle",
        path=str(path),
        recipient=recipient,
        purpose=purpose,
        actor=actor,
        actor_label=actor_label,
    )
    return ExportResult("bundle", str(path), dict(counts), 1 if resources else 0, [str(path)], skipped, seq)


def export_ndjson(
    out: str | os.PathLike[str],
    *,
    clinic: Clinic | None = None,
    since: dt.datetime | None = None,
    recipient: str = "",
    purpose: str = "",
    actor: Any = None,
    actor_label: str = ACTOR_LABEL,
    progress: Callable[[int], None] | None = None,
) -> ExportResult:
    """Bulk Data NDJSON: ``<out>/<Type>.ndjson`` per resource type (types with no resources get no
    file), streamed line by line; audited as a disclosure."""
    directory = Path(out)
    directory.mkdir(parents=True, exist_ok=True)
    scope = Scope(clinic=clinic, since=since)
    skipped = Skipped()
    counts: Counter[str] = Counter()
    per_patient: dict[int, Counter[str]] = {}
    handles: dict[str, Any] = {}
    written = 0
    try:

        def write(patient_id: int, resource: JSON) -> None:
            nonlocal written
            kind = resource["resourceType"]
            handle = handles.get(kind)
            if handle is None:
                handle = handles[kind] = (directory / f"{kind}.ndjson.part").open("w", encoding="utf-8")
            handle.write(json.dumps(resource, separators=(",", ":"), ensure_ascii=False) + "\n")
            counts[kind] += 1
            per_patient.setdefault(patient_id, Counter())[kind] += 1
            written += 1
            if progress is not None and written % 1000 == 0:
                progress(written)

        for patient_id, resource in clinical_resources(scope, skipped):
            write(patient_id, resource)
        for patient_id, resource in patient_resources(scope, also=list(per_patient), skipped=skipped):
            write(patient_id, resource)
    finally:
        for handle in handles.values():
            handle.close()
    files = []
    for kind in handles:
        final = directory / f"{kind}.ndjson"
        (directory / f"{kind}.ndjson.part").replace(final)
        files.append(str(final))
    seq = _audit_disclosure(
        scope=scope,
        per_patient=per_patient,
        counts=counts,
        fmt="ndjson",
        path=str(directory),
        recipient=recipient,
        purpose=purpose,
        actor=actor,
        actor_label=actor_label,
    )
    return ExportResult("ndjson", str(directory), dict(counts), len(per_patient), sorted(files), skipped, seq)


__all__ = [
    "ACTOR_LABEL",
    "RATING_INSTRUMENTS",
    "RESOURCE_TYPES",
    "ExportResult",
    "Scope",
    "Skipped",
    "assessment_resources",
    "clinical_resources",
    "export_bundle",
    "export_ndjson",
    "patient_resources",
    "row_alert",
    "row_assessment",
    "row_condition",
    "row_dose",
    "row_patient",
    "row_tms",
    "row_vitals",
    "row_weight",
    "session_reference",
]
