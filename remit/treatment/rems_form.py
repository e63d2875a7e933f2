"""The Spravato REMS Patient Monitoring Form's content, built from the chart at signing.

Fields follow clinical-reference §4 and field.md §1 (the Janssen 11/2021 form
and the "Patient Monitoring Form overview"): patient, first treatment,
enrolment, concomitant medicines that may cause sedation or a BP change,
monitoring HCP and setting, treatment date, dose and lot number, minutes from
the first device to the end of monitoring, the REMS evaluation question, vital
signs acceptable before dosing and at completion, BP before dosing / at about
40 minutes / before completion, sedation, dissociation and respiratory
depression (and whether resolved), and adverse events.  The form must reach
the REMS within 7 days; Remit fills and tracks it, the clinic submits it.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone

from remit.core.screening.medications import BENZODIAZEPINES, MAOIS, PSYCHOSTIMULANTS, matching_name
from remit.patients.models import Medication
from remit.treatment.actions_adverse_events import ADVERSE_EVENT_KINDS
from remit.treatment.actions_esketamine import REMS_YES_NO, active_enrolment
from remit.treatment.models import AdverseEvent, Session
from remit.treatment.monitoring import bp_slots, first_device_at

DUE_DAYS = 7


# Non-benzodiazepine sedative hypnotics: Remit's own short list (the registry has no such flag);
# staff see the names the form found and can correct the registry.
NON_BENZO_HYPNOTICS = frozenset(
    {
        "zolpidem",
        "ambien",
        "zaleplon",
        "sonata",
        "eszopiclone",
        "lunesta",
        "zopiclone",
        "suvorexant",
        "belsomra",
        "lemborexant",
        "dayvigo",
        "daridorexant",
        "quviviq",
    }
)

OPIOIDS = frozenset(
    {
        "morphine",
        "oxycodone",
        "hydrocodone",
        "hydromorphone",
        "codeine",
        "tramadol",
        "tapentadol",
        "fentanyl",
        "methadone",
        "buprenorphine",
        "oxymorphone",
    }
)


# (key, label) in the order of the paper form.
FIELDS: tuple[tuple[str, str], ...] = (
    ("patient_name", "Patient name"),
    ("patient_dob", "Date of birth"),
    ("patient_sex", "Sex"),
    ("first_treatment", "Is this the patient's first treatment?"),
    ("enrolled_in_rems", "Is the patient enrolled in the REMS?"),
    ("benzodiazepines", "Concomitant benzodiazepines"),
    ("non_benzodiazepine_hypnotics", "Concomitant non-benzodiazepine sedative hypnotics"),
    ("psychostimulants", "Concomitant psychostimulants"),
    ("maois", "Concomitant MAOIs"),
    ("opioids", "Concomitant opioids"),
    ("monitoring_hcp_name", "Monitoring healthcare provider"),
    ("monitoring_hcp_contact", "Monitoring HCP phone / email"),
    ("setting_name", "Healthcare setting name"),
    ("setting_address", "Healthcare setting address"),
    ("treatment_date", "Treatment date"),
    ("dose", "Dose"),
    ("dose_override", "Dose outside the protocol: prescriber override"),
    ("lot_number", "Lot number"),
    ("total_minutes", "Total minutes from first device to end of monitoring"),
    (
        "ready_to_leave_minutes",
        "Without the 2-hour minimum, when would the patient have been ready to leave (minutes)?",
    ),
    ("vitals_ok_pre_dose", "Vital signs acceptable before administration?"),
    ("vitals_ok_at_completion", "Vital signs acceptable before session completion?"),
    ("bp_pre_dose", "BP before dosing"),
    ("bp_40_min", "BP about 40 minutes after dosing"),
    ("bp_pre_discharge", "BP before session completion"),
    ("sedation", "Sedation"),
    ("sedation_resolved", "Sedation resolved?"),
    ("dissociation", "Dissociation"),
    ("dissociation_resolved", "Dissociation resolved?"),
    ("respiratory_depression", "Respiratory depression"),
    ("respiratory_depression_resolved", "Respiratory depression resolved?"),
    ("adverse_events", "Adverse events"),
    ("signed_by", "Session signed by"),
)


def _yes_no(value: Any) -> str:
    return {"yes": "Yes", "no": "No"}.get(value, "")


def _active_on(medication: Medication, day: dt.date) -> bool:
    if medication.started_on and medication.started_on > day:
        return False
    return not (medication.stopped_on and medication.stopped_on < day)


def _concomitant(medications: list[Medication], day: dt.date) -> dict[str, str]:
    classes: dict[str, list[str]] = {
        "benzodiazepines": [],
        "non_benzodiazepine_hypnotics": [],
        "psychostimulants": [],
        "maois": [],
        "opioids": [],
    }
    for med in medications:
        if med.is_voided or not _active_on(med, day):
            continue
        if med.is_benzodiazepine or matching_name(med.name, BENZODIAZEPINES):
            classes["benzodiazepines"].append(med.name)
        if matching_name(med.name, NON_BENZO_HYPNOTICS):
            classes["non_benzodiazepine_hypnotics"].append(med.name)
        if med.is_psychostimulant or matching_name(med.name, PSYCHOSTIMULANTS):
            classes["psychostimulants"].append(med.name)
        if med.is_maoi or matching_name(med.name, MAOIS):
            classes["maois"].append(med.name)
        if med.is_opioid or matching_name(med.name, OPIOIDS):
            classes["opioids"].append(med.name)
    return {key: ("Yes: " + ", ".join(names)) if names else "No" for key, names in classes.items()}


def _bp(vital: Any) -> str:
    if vital is None:
        return ""
    return f"{vital.systolic}/{vital.diastolic} mmHg at {timezone.localtime(vital.taken_at):%H:%M}"


def override_text(session: Session) -> str:
    """The prescriber's dose override in words ("No" when the dose was one the protocol allows)."""
    if not session.dose_override_reason:
        return "No"
    by = session.dose_override_by
    who = (by.get_full_name() or by.get_username()) if by is not None else "a prescriber"
    when = (
        f" on {timezone.localtime(session.dose_override_at):%Y-%m-%d %H:%M}"
        if session.dose_override_at
        else ""
    )
    planned = f"{session.planned_dose_mg} mg " if session.planned_dose_mg else ""
    return f"Yes: {planned}given on the override of {who}{when}. Reason: {session.dose_override_reason}"


def build_form_data(session: Session, *, signer: Any) -> dict[str, str]:
    """Every PMF field from the chart, as text; an empty value means the chart lacks it."""
    patient = session.patient
    day = timezone.localdate(first_device_at(session) or session.scheduled_for)
    vitals = list(session.vitals.filter(voided_at__isnull=True))
    slots = bp_slots(session, vitals)
    answers = session.rems or {}
    enrolment = active_enrolment(patient)
    earlier = (
        Session.objects.filter(
            patient=patient, modality="esketamine", discharged_at__isnull=False, voided_at__isnull=True
        )
        .exclude(pk=session.pk)
        .filter(scheduled_for__lt=session.scheduled_for)
        .exists()
    )
    start = first_device_at(session)
    end = session.discharged_at
    devices = len(session.devices or [])
    given = devices * 28
    dose = {2: "56 mg", 3: "84 mg"}.get(devices, f"Other: {given} mg" if devices else "")
    if devices and session.planned_dose_mg and session.planned_dose_mg != given:
        dose += (
            f" ({session.planned_dose_mg} mg planned; dosing stopped after {devices} "
            f"device{'s' if devices != 1 else ''})"
        )
    events = [
        f"{dict(ADVERSE_EVENT_KINDS).get(e.kind, e.kind)} ({e.severity}{', resolved' if e.resolved else ', not resolved'})"
        for e in AdverseEvent.objects.filter(session=session, voided_at__isnull=True)
    ]
    resolved_text = {"yes": "Yes", "no": "No"}
    data: dict[str, str] = {
        "patient_name": patient.full_name,
        "patient_dob": patient.date_of_birth.isoformat(),
        "patient_sex": patient.get_sex_at_birth_display(),
        "first_treatment": "No" if earlier else "Yes",
        "enrolled_in_rems": (
            f"Yes (enrolled {enrolment.enrolled_on:%Y-%m-%d}"
            + (f", reference {enrolment.reference}" if enrolment.reference else "")
            + ")"
            if enrolment
            else ""
        ),
        **_concomitant(list(patient.medications.all()), day),
        "monitoring_hcp_name": answers.get("monitoring_hcp_name") or "",
        "monitoring_hcp_contact": answers.get("monitoring_hcp_contact") or "",
        "setting_name": session.clinic.name,
        "setting_address": answers.get("setting_address") or "",
        "treatment_date": day.isoformat(),
        "dose": dose,
        "dose_override": override_text(session),
        "lot_number": session.lot_number,
        "total_minutes": str(int((end - start).total_seconds() // 60)) if start and end else "",
        "ready_to_leave_minutes": (
            str(answers["ready_to_leave_minutes"])
            if answers.get("ready_to_leave_minutes") not in (None, "")
            else ""
        ),
        "vitals_ok_pre_dose": _yes_no(answers.get("vitals_ok_pre_dose")),
        "vitals_ok_at_completion": _yes_no(answers.get("vitals_ok_at_completion")),
        "bp_pre_dose": _bp(slots["pre_dose"]),
        "bp_40_min": _bp(slots["forty"]),
        "bp_pre_discharge": _bp(slots["pre_discharge"]),
    }
    for name in REMS_YES_NO:
        observed = answers.get(name)
        data[name] = _yes_no(observed)
        data[f"{name}_resolved"] = (
            resolved_text.get(answers.get(f"{name}_resolved") or "", "")
            if observed == "yes"
            else ("Not applicable (not observed)" if observed == "no" else "")
        )
    data["adverse_events"] = "; ".join(events) if events else "None"
    data["signed_by"] = signer.get_full_name() or signer.get_username()
    return {key: data.get(key, "") for key, _label in FIELDS}
