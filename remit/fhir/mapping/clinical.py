"""Patients, diagnoses, vitals, doses, TMS sessions and safety alerts as FHIR R4 resources."""

from __future__ import annotations

from remit.core.fhir_systems import (
    ALERT_KIND_SYSTEM,
    CONDITION_CATEGORY,
    CONDITION_CLINICAL,
    CONDITION_VERIFICATION,
    CPT,
    FLAG_CATEGORY,
    FLAG_PRIORITY,
    FLAG_PRIORITY_CODES,
    ICD10CM,
    MEDICATION_SYSTEM,
    OBSERVATION_CATEGORY,
    PROCEDURE_SYSTEM,
    RXNORM,
    SNOMED,
    US_CORE_BIRTHSEX,
    V2_0203,
    mrn_system,
    remit_extension,
)
from remit.fhir.mapping.common import (
    JSON,
    MappingError,
    build,
    coding,
    concept,
    date_only,
    date_time,
    fhir_id,
    loinc,
    number,
    quantity,
    reference,
)
from remit.fhir.mapping.data import (
    AlertData,
    ConditionData,
    DoseData,
    PatientData,
    TmsSessionData,
    VitalsData,
)

# --- Patient -------------------------------------------------------------------------------------

# Administrative gender from sex at birth (Remit records no administrative gender of its own).
GENDER = {"female": "female", "male": "male", "intersex": "other", "unknown": "unknown"}
BIRTHSEX = {"female": "F", "male": "M", "intersex": "UNK", "unknown": "UNK"}


def patient_resource(patient: PatientData) -> JSON:
    """Patient with the clinic's MRN identifier, name, birth date and gender from sex at birth."""
    if patient.sex_at_birth not in GENDER:
        raise MappingError("sex_at_birth", f"{patient.sex_at_birth!r} is not one of {', '.join(GENDER)}")
    resource: JSON = {
        "resourceType": "Patient",
        "id": fhir_id(patient.id),
        "extension": [{"url": US_CORE_BIRTHSEX, "valueCode": BIRTHSEX[patient.sex_at_birth]}],
        "identifier": [
            {
                "use": "usual",
                "type": concept(coding(V2_0203, "MR", "Medical record number")),
                "system": mrn_system(patient.clinic_slug),
                "value": patient.mrn,
            }
        ],
        "active": patient.active,
        "name": [{"use": "official", "family": patient.family_name, "given": [patient.given_name]}],
        "gender": GENDER[patient.sex_at_birth],
        "birthDate": date_only(patient.birth_date, "birth_date"),
    }
    telecom = []
    if patient.phone:
        telecom.append({"system": "phone", "value": patient.phone})
    if patient.email:
        telecom.append({"system": "email", "value": patient.email})
    if telecom:
        resource["telecom"] = telecom
    return build(resource)


# --- Condition -----------------------------------------------------------------------------------

CLINICAL_STATUS = {"active": "active", "in_remission": "remission", "resolved": "resolved"}


def condition_resource(condition: ConditionData) -> JSON:
    """A diagnosis coded in ICD-10-CM; Remit's status mapped to condition-clinical."""
    if condition.status not in CLINICAL_STATUS:
        raise MappingError("status", f"{condition.status!r} is not one of {', '.join(CLINICAL_STATUS)}")
    status = CLINICAL_STATUS[condition.status]
    resource: JSON = {
        "resourceType": "Condition",
        "id": fhir_id(condition.id),
        "clinicalStatus": concept(coding(CONDITION_CLINICAL, status)),
        "verificationStatus": concept(coding(CONDITION_VERIFICATION, "confirmed")),
        "category": [concept(coding(CONDITION_CATEGORY, "problem-list-item", "Problem List Item"))],
        "code": concept(
            coding(ICD10CM, condition.icd10cm, condition.description or None),
            text=condition.description or condition.icd10cm,
        ),
        "subject": reference("Patient", condition.patient_id),
    }
    if condition.onset_date:
        resource["onsetDateTime"] = date_only(condition.onset_date, "onset_date")
    # An abatement date is only allowed once the condition is no longer active (con-4).
    if condition.resolved_date and status != "active":
        resource["abatementDateTime"] = date_only(condition.resolved_date, "resolved_date")
    return build(resource)


# --- Vital signs ---------------------------------------------------------------------------------

VITAL_SIGNS = concept(coding(OBSERVATION_CATEGORY, "vital-signs", "Vital Signs"))
PROFILE = "http://hl7.org/fhir/StructureDefinition/"


def _vital(vitals: VitalsData, suffix: str, profile: str, code: JSON) -> JSON:
    resource: JSON = {
        "resourceType": "Observation",
        "id": fhir_id(f"{vitals.id}-{suffix}"),
        "meta": {"profile": [PROFILE + profile]},
        "status": "final",
        "category": [VITAL_SIGNS],
        "code": code,
        "subject": reference("Patient", vitals.patient_id),
        "effectiveDateTime": date_time(vitals.taken_at, "taken_at"),
    }
    if vitals.part_of:
        resource["partOf"] = [{"reference": vitals.part_of}]
    return resource


def vital_sign_observations(vitals: VitalsData) -> list[JSON]:
    """One Observation per measured sign, per the FHIR vital-signs profiles.

    BP panel 85354-9 with systolic 8480-6 / diastolic 8462-4 components
    (mm[Hg]); heart rate 8867-4 and respiratory rate 9279-1 (/min); SpO2
    2708-6 + 59408-5 (%); body weight 29463-7 (kg). Ids are
    ``<vitals id>-bp|hr|spo2|rr|weight``.
    """
    out: list[JSON] = []
    if (vitals.systolic is None) != (vitals.diastolic is None):
        raise MappingError("diastolic", "blood pressure needs both systolic and diastolic")
    if vitals.systolic is not None and vitals.diastolic is not None:
        bp = _vital(
            vitals,
            "bp",
            "bp",
            concept(
                loinc("85354-9", "Blood pressure panel with all children optional"), text="Blood pressure"
            ),
        )
        bp["component"] = [
            {
                "code": concept(loinc("8480-6", "Systolic blood pressure")),
                "valueQuantity": quantity(vitals.systolic, "mm[Hg]", "mmHg"),
            },
            {
                "code": concept(loinc("8462-4", "Diastolic blood pressure")),
                "valueQuantity": quantity(vitals.diastolic, "mm[Hg]", "mmHg"),
            },
        ]
        out.append(bp)
    singles = (
        (
            "hr",
            "heartrate",
            vitals.heart_rate,
            [loinc("8867-4", "Heart rate")],
            "/min",
            "beats/minute",
            "Heart rate",
        ),
        (
            "spo2",
            "oxygensat",
            vitals.spo2,
            [
                loinc("2708-6", "Oxygen saturation in Arterial blood"),
                loinc("59408-5", "Oxygen saturation in Arterial blood by Pulse oximetry"),
            ],
            "%",
            "%",
            "Oxygen saturation",
        ),
        (
            "rr",
            "resprate",
            vitals.respiratory_rate,
            [loinc("9279-1", "Respiratory rate")],
            "/min",
            "breaths/minute",
            "Respiratory rate",
        ),
        (
            "weight",
            "bodyweight",
            vitals.weight_kg,
            [loinc("29463-7", "Body weight")],
            "kg",
            "kg",
            "Body weight",
        ),
    )
    for suffix, profile, value, codings, ucum, unit, text in singles:
        if value is None:
            continue
        observation = _vital(vitals, suffix, profile, concept(*codings, text=text))
        observation["valueQuantity"] = quantity(value, ucum, unit)
        out.append(observation)
    return [build(resource) for resource in out]


# --- Medication administration -------------------------------------------------------------------

# SNOMED CT route codes (FHIR route-codes value set).
ROUTES = {
    "iv": ("47625008", "Intravenous route"),
    "im": ("78421000", "Intramuscular route"),
    "intranasal": ("46713006", "Nasal route"),
}
# RxNorm: only codes checked against a published RxNorm page are claimed. Esketamine nasal
# spray (SCDF 2201623, ndclist.com/rxnorm/rxcui/2201623). Ketamine's code was not verified,
# so ketamine goes out as text plus Remit's own medication code.
MEDICATIONS: dict[str, tuple[str, tuple[str, str] | None]] = {
    "ketamine": ("Ketamine", None),
    "esketamine": ("Esketamine nasal spray", ("2201623", "esketamine Nasal Spray")),
}


def _medication_concept(drug: str) -> JSON:
    text, rxnorm = MEDICATIONS[drug]
    codings = [coding(MEDICATION_SYSTEM, drug, text)]
    if rxnorm:
        codings.insert(0, coding(RXNORM, *rxnorm))
    return concept(*codings, text=text)


def medication_administration(dose: DoseData) -> JSON:
    """A ketamine or esketamine dose: drug, dose in mg, SNOMED route, effective period.

    A lot number goes on a contained Medication (R4's MedicationAdministration
    has no lot of its own).
    """
    if dose.drug not in MEDICATIONS:
        raise MappingError("drug", f"{dose.drug!r} is not one of {', '.join(MEDICATIONS)}")
    if dose.route not in ROUTES:
        raise MappingError("route", f"{dose.route!r} is not one of {', '.join(ROUTES)}")
    route_code, route_display = ROUTES[dose.route]
    text = f"{number(dose.dose_mg)} mg {route_display.lower()}"
    if dose.mg_per_kg is not None:
        text += f" ({number(dose.mg_per_kg)} mg/kg)"
    if dose.devices is not None:
        text += f", {dose.devices} device{'s' if dose.devices != 1 else ''}"
    resource: JSON = {
        "resourceType": "MedicationAdministration",
        "id": fhir_id(dose.id),
        "status": dose.status,
        "subject": reference("Patient", dose.patient_id),
        "dosage": {
            "text": text,
            "route": concept(coding(SNOMED, route_code, route_display)),
            "dose": quantity(dose.dose_mg, "mg"),
        },
    }
    if dose.end is not None:
        if dose.end < dose.start:
            raise MappingError("end", "ends before it starts")
        resource["effectivePeriod"] = {
            "start": date_time(dose.start, "start"),
            "end": date_time(dose.end, "end"),
        }
    else:
        resource["effectiveDateTime"] = date_time(dose.start, "start")
    if dose.lot_number:
        resource["contained"] = [
            {
                "resourceType": "Medication",
                "id": "medication",
                "code": _medication_concept(dose.drug),
                "batch": {"lotNumber": dose.lot_number},
            }
        ]
        resource["medicationReference"] = {"reference": "#medication"}
    else:
        resource["medicationCodeableConcept"] = _medication_concept(dose.drug)
    if dose.note:
        resource["note"] = [{"text": dose.note}]
    return build(resource)


# --- TMS session ---------------------------------------------------------------------------------

TMS_CODE = coding(PROCEDURE_SYSTEM, "tms-session", "Transcranial magnetic stimulation session")
CPT_CODES = frozenset({"90867", "90868", "90869"})
PATTERN_TEXT = {"10hz": "10 Hz rTMS", "itbs": "intermittent theta burst (iTBS)"}


def tms_extension(name: str) -> str:
    """URL of one stimulation-parameter extension, e.g. ``tms_extension("pulses")``."""
    return remit_extension(f"tms-{name}")


def tms_procedure(session: TmsSessionData) -> JSON:
    """A TMS session as a Procedure: Remit's code (+ CPT where given), target as bodySite,
    stimulation parameters as ``tms-*`` extensions and a readable note."""
    if session.cpt is not None and session.cpt not in CPT_CODES:
        raise MappingError("cpt", f"{session.cpt!r} is not one of {', '.join(sorted(CPT_CODES))}")
    if session.pattern not in PATTERN_TEXT:
        raise MappingError("pattern", f"{session.pattern!r} is not one of {', '.join(PATTERN_TEXT)}")
    extensions: list[JSON] = [
        {"url": tms_extension("pattern"), "valueCode": session.pattern},
        {"url": tms_extension("frequency-hz"), "valueDecimal": number(session.frequency_hz)},
        {"url": tms_extension("pulses"), "valueInteger": session.pulses},
        {"url": tms_extension("intensity-pct-mt"), "valueDecimal": number(session.intensity_pct_mt)},
    ]
    optional = (
        ("burst-frequency-hz", session.burst_frequency_hz),
        ("motor-threshold-pct-mso", session.motor_threshold_pct_mso),
        ("machine-output-pct-mso", session.machine_output_pct_mso),
    )
    for name, value in optional:
        if value is not None:
            extensions.append({"url": tms_extension(name), "valueDecimal": number(value)})
    if session.coil:
        extensions.append({"url": tms_extension("coil"), "valueString": session.coil})
    if session.session_number is not None:
        extensions.append({"url": tms_extension("session-number"), "valueInteger": session.session_number})
    summary = (
        f"{PATTERN_TEXT[session.pattern]}, {session.pulses} pulses at {number(session.intensity_pct_mt)}% MT"
    )
    if session.machine_output_pct_mso is not None:
        summary += f" ({number(session.machine_output_pct_mso)}% MSO)"
    summary += f", target {session.target}"
    codings = [TMS_CODE]
    if session.cpt:
        codings.append(coding(CPT, session.cpt))
    resource: JSON = {
        "resourceType": "Procedure",
        "id": fhir_id(session.id),
        "extension": extensions,
        "status": session.status,
        "code": concept(*codings, text="TMS session"),
        "subject": reference("Patient", session.patient_id),
        "bodySite": [{"text": session.target}],
        "note": [{"text": summary + (f". {session.note}" if session.note else "")}],
    }
    if session.end is not None:
        if session.end < session.start:
            raise MappingError("end", "ends before it starts")
        resource["performedPeriod"] = {
            "start": date_time(session.start, "start"),
            "end": date_time(session.end, "end"),
        }
    else:
        resource["performedDateTime"] = date_time(session.start, "start")
    return build(resource)


# --- Flag ----------------------------------------------------------------------------------------

PRIORITY = {
    "high": ("PH", "High priority"),
    "medium": ("PM", "Medium priority"),
    "low": ("PL", "Low priority"),
}


def flag_resource(alert: AlertData) -> JSON:
    """A safety alert as a Flag: active while open, inactive (period closed) once acknowledged."""
    if alert.severity not in PRIORITY:
        raise MappingError("severity", f"{alert.severity!r} is not one of {', '.join(PRIORITY)}")
    label = alert.kind_label or alert.kind.replace("_", " ").capitalize()
    period: JSON = {"start": date_time(alert.created_at, "created_at")}
    if alert.status == "acknowledged" and alert.acknowledged_at is not None:
        period["end"] = date_time(alert.acknowledged_at, "acknowledged_at")
    resource: JSON = {
        "resourceType": "Flag",
        "id": fhir_id(alert.id),
        "extension": [
            {
                "url": FLAG_PRIORITY,
                "valueCodeableConcept": concept(coding(FLAG_PRIORITY_CODES, *PRIORITY[alert.severity])),
            }
        ],
        "status": "active" if alert.status == "open" else "inactive",
        "category": [concept(coding(FLAG_CATEGORY, "safety", "Safety"))],
        "code": concept(coding(ALERT_KIND_SYSTEM, alert.kind, label), text=alert.reason),
        "subject": reference("Patient", alert.patient_id),
        "period": period,
    }
    return build(resource)
