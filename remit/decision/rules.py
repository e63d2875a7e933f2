"""Decision support's rules: run ``remit.core.decision_support`` over a patient and raise alerts.

``evaluate_patient(patient, actor=None)`` is called in the same transaction
after an assessment is recorded, a session is signed, a medication or
diagnosis is added, or a booster request is logged (the actions emit named
events, and ``run_rules`` listens to them: see ``remit.wiring``);
``evaluate_all(clinic)`` runs it over every patient of a clinic (the
generator calls it after loading the demo).

Alerts
------
Rule findings map onto the alert inbox's kinds: ``nonresponse``, ``relapse``,
``dose_escalation`` (dose rise, shrinking intervals, booster rate),
``misuse_signal`` (early or repeated early booster requests, positive DAST-10,
new F10-F19 diagnosis) and ``opioid_antagonist``. The dedupe key is
``course:<id>:<rule>``: one open alert per course per rule. A *fingerprint*
of the evidence (the checkpoint, the relapse onset, the latest dose, ...) is
stored in the alert's detail; once a clinician has acknowledged an alert, the
same evidence does not raise it again, new evidence does.

Rules look only at courses that are active or had a session within the
clinic's ``alert_lookback_days``, so old history does not flood the inbox.
Every threshold comes from the clinic's ``ClinicOutcomeSettings``.
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone

from remit import events
from remit.alerts.actions import raise_alert
from remit.alerts.models import Alert
from remit.core import decision_support as rules
from remit.core.decision_support import Finding
from remit.decision.course_outcomes import (
    CourseView,
    PatientData,
    booster_histories,
    course_outcomes,
    load_patient_data,
)
from remit.decision.models import BoosterRequest, ClinicOutcomeSettings, outcome_settings_for
from remit.events import Event
from remit.measures.actions_follow_up import missed_in_a_row
from remit.measures.actions_questionnaire_requests import instrument_names
from remit.patients.models import Diagnosis, Medication, Patient
from remit.treatment.models import Course, Protocol

logger = logging.getLogger("remit.decision.rules")

ALERT_KIND: dict[str, str] = {
    "nonresponse_checkpoint": "nonresponse",
    "relapse_after_course": "relapse",
    "dose_escalation": "dose_escalation",
    "shrinking_booster_intervals": "dose_escalation",
    "booster_frequency": "dose_escalation",
    "early_booster_request": "misuse_signal",
    "repeated_early_requests": "misuse_signal",
    "positive_dast10": "misuse_signal",
    "new_substance_use_diagnosis": "misuse_signal",
    "opioid_antagonist": "opioid_antagonist",
}
ALERT_KINDS = frozenset(ALERT_KIND.values())
KETAMINE = rules.KETAMINE_MODALITIES


@dataclass(frozen=True)
class Raise:
    course: Course
    finding: Finding
    fingerprint: str
    extra: dict[str, Any]


def dedupe_key(course_id: int, rule: str) -> str:
    return f"course:{course_id}:{rule}"


def _local(value: dt.datetime) -> dt.date:
    return timezone.localdate(value)


class _Context:
    """Everything the rules need for one patient, read in a fixed number of queries."""

    def __init__(self, patient: Patient, as_of: dt.date) -> None:
        self.patient = patient
        self.as_of = as_of
        self.stored: ClinicOutcomeSettings = outcome_settings_for(patient.clinic_id)
        self.data: PatientData = load_patient_data(patient)
        self.medications = list(Medication.objects.filter(patient=patient, voided_at__isnull=True))
        antagonists = [m.name for m in self.medications if m.is_opioid_antagonist]
        self.decision = self.stored.to_decision_settings(antagonists)
        self.outcome_settings = self.stored.to_outcome_settings()
        self.views: list[CourseView] = course_outcomes(
            self.data, self.outcome_settings, self.stored.primary_instrument
        )
        self.since = as_of - dt.timedelta(days=self.stored.alert_lookback_days)

    def is_current(self, view: CourseView) -> bool:
        return view.course.status in (Course.PLANNED, Course.ACTIVE) or view.last_session >= self.since


def _outcomes_url(patient: Patient) -> str:
    return reverse("reports:patient", args=[patient.pk])


def _trajectory_words(view: CourseView, points: int | None = None) -> str:
    outcome = view.outcome
    if outcome is None or outcome.baseline is None:
        return ""
    shown = outcome.points if points is None else outcome.points[:points]
    totals = ", ".join(str(p.total) for p in shown)
    return f"{view.instrument_name} baseline {outcome.baseline.total} → {totals or 'no score since'}. "


def _course_rules(ctx: _Context, view: CourseView) -> list[Raise]:
    out: list[Raise] = []
    course = view.course
    outcome = view.outcome
    settings = ctx.decision
    if course.phase == "induction":
        definition = course.protocol.definition or {}
        checkpoint = definition.get("nonresponse_checkpoint_session") or settings.checkpoint_session.get(
            course.modality  # type: ignore[call-overload]
        )
        finding = None
        if checkpoint and view.sessions_given >= int(checkpoint):
            # Judge the first assessment after the checkpoint session, not the latest one: a responder who
            # relapses later is a relapse, not a non-responder. Without one yet, wait a grace period
            # (the outcome settings' end-of-induction grace), then report it missing.
            points = list(outcome.points) if outcome else []
            after = [p for p in points if p.sessions_before >= int(checkpoint)]
            checkpoint_day = view.sessions[int(checkpoint) - 1].date
            grace = ctx.outcome_settings.end_of_induction_grace_days
            if after:
                upto = points[: points.index(after[0]) + 1]
            elif (ctx.as_of - checkpoint_day).days > grace:
                upto = []
            else:
                upto = None
            if upto is not None:
                finding = rules.nonresponse_at_checkpoint(
                    after[0].sessions_before if after else view.sessions_given,
                    int(checkpoint),
                    outcome.baseline.total if outcome and outcome.baseline else None,
                    [(p.date, p.total) for p in upto],
                    settings,
                )
            if finding is not None:
                out.append(
                    Raise(
                        course,
                        finding,
                        f"checkpoint:{finding.severity}",
                        {"instrument": view.primary, "prefix": _trajectory_words(view, len(upto or []))},
                    )
                )
    if outcome is not None and outcome.course_end is not None:
        finding = rules.relapse_after_course(outcome, settings)
        if finding is not None and dt.date.fromisoformat(str(finding.data["confirmed"])) >= ctx.since:
            out.append(
                Raise(
                    course,
                    finding,
                    f"relapse:{finding.data['onset']}",
                    {
                        "instrument": view.primary,
                        "prefix": _trajectory_words(view),
                        "action": "Draft a maintenance course from the patient's outcomes page",
                        "action_url": _outcomes_url(ctx.patient) + f"#course-{course.pk}",
                    },
                )
            )
    return out


def _booster_rules(ctx: _Context) -> list[Raise]:
    out: list[Raise] = []
    settings = ctx.decision
    for history in booster_histories(ctx.data):
        course = history.latest_course
        if not (course.status in (Course.PLANNED, Course.ACTIVE) or history.boosters[-1].date >= ctx.since):
            continue
        chart = {"chart_url": _outcomes_url(ctx.patient) + f"#doses-{history.modality}"}
        doses = history.doses
        if history.induction_mg_per_kg and history.modality in ("ketamine_iv", "ketamine_im") and doses:
            finding = rules.dose_escalation(history.induction_mg_per_kg, doses, settings)
            if finding is not None:
                out.append(Raise(course, finding, f"dose:{doses[-1][1]:g}", chart))
        dates = history.booster_dates
        finding = rules.shrinking_booster_intervals(dates, settings)
        if finding is not None:
            out.append(Raise(course, finding, f"shrinking:{dates[-1].isoformat()}", chart))
        finding = rules.booster_frequency(history.modality, dates, ctx.as_of, settings)  # type: ignore[arg-type]
        if finding is not None:
            out.append(Raise(course, finding, f"frequency:{dates[-1].isoformat()}", chart))
    return out


def _min_interval(ctx: _Context, course: Course, modality: str, maintenance: dict[str, Any]) -> int:
    """The protocol's minimum days between boosters: the current maintenance course's, else the clinic's."""
    definition = course.protocol.definition if course.phase == "maintenance" else maintenance.get(modality)
    try:
        return int(definition["stages"][0]["min_days_between"])  # type: ignore[index]
    except (KeyError, IndexError, TypeError, ValueError):
        return ctx.stored.min_booster_interval_days


def _misuse_rules(ctx: _Context, view: CourseView) -> list[Raise]:
    """Patient-level signals, attached to the patient's latest current ketamine or esketamine course."""
    out: list[Raise] = []
    settings = ctx.decision
    course = view.course
    start = view.first_session

    requests = list(BoosterRequest.objects.filter(patient=ctx.patient).order_by("requested_on", "id"))
    if requests:
        maintenance = {
            row["modality"]: row["definition"]
            for row in Protocol.objects.filter(
                clinic_id=ctx.patient.clinic_id, phase="maintenance", is_active=True
            ).values("modality", "definition")
        }
        courses = {c.pk: c for c in ctx.data.courses}
        early: list[tuple[BoosterRequest, Finding]] = []
        for req in requests:
            before = [s for s in ctx.data.sessions if s.modality in KETAMINE and s.date <= req.requested_on]
            if not before:
                continue
            last = before[-1]
            minimum = _min_interval(ctx, courses[last.course_id], last.modality, maintenance)
            finding = rules.early_booster_request(req.requested_on, last.date, minimum, settings)
            if finding is not None:
                early.append((req, finding))
        recent = [(r, f) for r, f in early if r.requested_on >= ctx.since]
        if recent:
            req, finding = recent[-1]
            out.append(Raise(course, finding, f"request:{req.pk}", {}))
        finding = rules.repeated_early_requests([r.requested_on for r, _ in early], ctx.as_of, settings)
        if finding is not None:
            out.append(Raise(course, finding, f"repeated:{early[-1][0].requested_on.isoformat()}", {}))

    dast = [(s.date, s.total) for s in ctx.data.scores_on("dast10")]
    finding = rules.positive_dast10_after_start(start, dast, settings)
    if finding is not None:
        out.append(Raise(course, finding, f"dast10:{finding.data['date']}", {}))

    diagnoses = [
        (d.code, d.onset_date or _local(d.created_at))
        for d in Diagnosis.objects.filter(patient=ctx.patient, voided_at__isnull=True)
    ]
    try:
        finding = rules.new_substance_use_diagnosis(start, diagnoses, settings)
    except ValueError:
        logger.warning(
            "patient %s: a diagnosis code is not ICD-10-CM; the substance-use rule skipped it", ctx.patient.pk
        )
        finding = rules.new_substance_use_diagnosis(
            start, [(c, d) for c, d in diagnoses if rules._ICD10.match(c.strip().upper())], settings
        )
    if finding is not None:
        codes = ",".join(sorted(c for c, _ in finding.data["diagnoses"]))  # type: ignore[attr-defined]
        out.append(Raise(course, finding, f"diagnosis:{codes}", {}))

    end = course.end_date or (
        view.last_session if course.status in (Course.COMPLETED, Course.DISCONTINUED) else None
    )
    meds = [
        (m.name, m.started_on or _local(m.created_at), m.stopped_on)
        for m in ctx.medications
        if m.is_opioid_antagonist or any(a in m.name.lower() for a in settings.opioid_antagonists)
    ]
    finding = rules.opioid_antagonist_during_course(course.modality, start, end, meds, settings)  # type: ignore[arg-type]
    if finding is not None:
        names = ",".join(sorted(str(h["name"]).lower() for h in finding.data["medications"]))  # type: ignore[attr-defined]
        out.append(Raise(course, finding, f"antagonist:{names}", {}))
    return out


def findings_for(patient: Patient, as_of: dt.date | None = None) -> list[Raise]:
    """Every rule's finding for the patient now (no alerts raised)."""
    ctx = _Context(patient, as_of or timezone.localdate())
    found: list[Raise] = []
    current = [v for v in ctx.views if ctx.is_current(v)]
    for view in current:
        found.extend(_course_rules(ctx, view))
    found.extend(_booster_rules(ctx))
    ketamine = [v for v in current if v.course.modality in KETAMINE]
    if ketamine:
        found.extend(_misuse_rules(ctx, ketamine[-1]))
    return found


def _reason(item: Raise) -> str:
    prefix = item.extra.get("prefix", "")
    reason = item.finding.reason
    return f"{prefix}{reason[:1].upper()}{reason[1:]}."


def evaluate_patient(
    patient: Patient, *, actor: Any = None, request: HttpRequest | None = None, as_of: dt.date | None = None
) -> list[Alert]:
    """Run every rule for the patient; raise the alerts that are new. Returns the alerts raised."""
    if patient.is_voided:
        return []
    raised: list[Alert] = []
    with transaction.atomic():
        found = findings_for(patient, as_of)
        if not found:
            return []
        existing: dict[str, list[tuple[str, str]]] = {}
        prefix = f"p{patient.pk}:"
        for row in Alert.objects.filter(
            patient=patient, kind__in=ALERT_KINDS, dedupe_key__isnull=False
        ).values("dedupe_key", "status", "detail"):
            fingerprint = (row["detail"] or {}).get("fingerprint", "")
            existing.setdefault(str(row["dedupe_key"]), []).append((row["status"], fingerprint))
        for item in found:
            key = dedupe_key(item.course.pk, item.finding.kind)
            seen = existing.get(prefix + key, [])
            if any(status == "open" for status, _ in seen):
                continue  # one open alert per course per rule
            if any(fp == item.fingerprint for _, fp in seen):
                continue  # acknowledged already, on the same evidence
            detail = {
                "rule": item.finding.kind,
                "course": item.course.pk,
                "modality": item.course.modality,
                "fingerprint": item.fingerprint,
                "source": item.finding.source,
                "outcomes_url": _outcomes_url(patient),
                **{k: v for k, v in item.extra.items() if k != "prefix" and v},
                **{f"data_{k}": v for k, v in item.finding.data.items()},
            }
            alert = raise_alert(
                patient=patient,
                kind=ALERT_KIND[item.finding.kind],
                severity=item.finding.severity,
                reason=_reason(item),
                detail=detail,
                source=item.course,
                dedupe_key=key,
                actor=actor,
                request=request,
            )
            existing.setdefault(prefix + key, []).append(("open", item.fingerprint))
            raised.append(alert)
    return raised


def run_rules(event: Event) -> None:
    """Listener (see ``remit.wiring``): run every rule for the patient the event concerns."""
    source = event.source
    if getattr(source, "voided_at", None) is not None:
        return
    if event.name == events.ASSESSMENT_RECORDED and (not source.valid or source.total is None):
        return  # an invalid or partial questionnaire carries no score for a rule to read
    evaluate_patient(event.patient, actor=event.actor)


MISSED_ALERT_KEY = "missed_assessment"


def raise_missed_alert(event: Event) -> Alert | None:
    """Listener: a ``missed_assessment`` alert once the run of missed questionnaires reaches the clinic's setting.

    The number is the clinic's "missed questionnaires in a row before an
    alert" (``ClinicOutcomeSettings.missed_questionnaires_alert``, an example
    value the medical director confirms).  While that alert is open, more
    missed questionnaires add nothing.  Returns the alert, or None.
    """
    patient = event.patient
    limit = outcome_settings_for(patient.clinic_id).missed_questionnaires_alert
    run = missed_in_a_row(patient)
    if len(run) < limit:
        return None
    latest = run[0]
    names = instrument_names(dict.fromkeys(code for m in run for code in m.instruments))
    return raise_alert(
        patient=patient,
        kind=MISSED_ALERT_KEY,
        severity="medium",
        reason=(
            f"{len(run)} questionnaires in a row were not answered ({names}; the latest was due "
            f"{latest.due_date:%Y-%m-%d}). The clinic alerts after {limit}."
        ),
        detail={
            "requests": [m.pk for m in run],
            "due_dates": [m.due_date.isoformat() for m in run],
            "limit": limit,
        },
        source=latest,
        dedupe_key=MISSED_ALERT_KEY,
    )


def evaluate_all(clinic: Any, *, as_of: dt.date | None = None) -> int:
    """Run the rules over every (not voided) patient of a clinic; returns how many alerts were raised."""
    count = 0
    for patient in Patient.objects.filter(
        clinic_id=getattr(clinic, "pk", clinic), voided_at__isnull=True
    ).iterator():
        count += len(evaluate_patient(patient, as_of=as_of))
    return count
