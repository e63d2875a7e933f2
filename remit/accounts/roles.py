"""Staff roles and what each may do.

One table answers "may this role do that?" for every view, the API and the
tests' permission matrix, so a change of policy is a change here only.
"""

from __future__ import annotations

PRESCRIBER = "prescriber"
NURSE = "nurse"
TMS_TECHNICIAN = "tms_technician"
FRONT_DESK = "front_desk"
CLINIC_ADMIN = "clinic_admin"

ROLES: dict[str, str] = {
    PRESCRIBER: "Prescriber (MD/NP)",
    NURSE: "Nurse",
    TMS_TECHNICIAN: "TMS technician",
    FRONT_DESK: "Front desk",
    CLINIC_ADMIN: "Clinic administrator",
}

CLINICAL_ROLES = frozenset({PRESCRIBER, NURSE, TMS_TECHNICIAN})

# Capability -> roles that hold it.
CAPABILITIES: dict[str, frozenset[str]] = {
    # Demographics and scheduling: everyone who works the front of the clinic.
    "patient.view": frozenset({PRESCRIBER, NURSE, TMS_TECHNICIAN, FRONT_DESK, CLINIC_ADMIN}),
    "patient.edit": frozenset({PRESCRIBER, NURSE, TMS_TECHNICIAN, FRONT_DESK}),
    # Diagnoses, medications, trials, allergies, weights, scores, notes.
    "clinical.view": CLINICAL_ROLES,
    "clinical.edit": frozenset({PRESCRIBER, NURSE}),
    "clinical.weight": CLINICAL_ROLES,
    # Rating scales (MADRS, CADSS, MOAA/S...) and sending questionnaires: every clinical role rates.
    "measures.rate": CLINICAL_ROLES,
    "reports.view": frozenset({PRESCRIBER, CLINIC_ADMIN}),
    "audit.view": frozenset({CLINIC_ADMIN}),
    "users.manage": frozenset({CLINIC_ADMIN}),
    # The clinic's own details: its name, phone number and logo, shown to patients on the portal.
    "clinic.configure": frozenset({CLINIC_ADMIN}),
    # Screening: enter an intake; sign the eligibility decision; configure the clinic's rules.
    "screening.enter": CLINICAL_ROLES,
    "screening.sign": frozenset({PRESCRIBER}),
    "screening.configure": frozenset({CLINIC_ADMIN}),
    # Treatment courses: plan, complete or discontinue a course; view courses; reschedule a
    # booked session (scheduling, so front desk too); the Today board; edit the clinic's protocol templates.
    "courses.plan": frozenset({PRESCRIBER}),
    "courses.view": CLINICAL_ROLES,
    "courses.schedule": frozenset({PRESCRIBER, NURSE, TMS_TECHNICIAN, FRONT_DESK}),
    "today.view": frozenset({PRESCRIBER, NURSE, TMS_TECHNICIAN, FRONT_DESK}),
    "protocols.manage": frozenset({CLINIC_ADMIN}),
    # Outcomes: the clinic's outcome and decision-support thresholds.
    "outcomes.configure": frozenset({CLINIC_ADMIN}),
    # Session charting. Charting: a TMS technician only on TMS sessions (the views and
    # actions check the modality). Signing: a prescriber signs any session; a nurse signs ketamine
    # and esketamine nursing notes; a TMS technician signs TMS sessions
    # (remit.treatment.permissions.may_sign).
    "sessions.chart": CLINICAL_ROLES,
    "sessions.sign": CLINICAL_ROLES,
    # Co-signing: a prescriber adds their co-signature to a session a nurse or TMS technician signed.
    "sessions.cosign": frozenset({PRESCRIBER}),
    # Amendments (45 CFR 164.526): ask on a patient's behalf (front desk: demographics only) or add their
    # statement of disagreement; decide a request (accept or deny) and add the clinic's rebuttal.
    "amendments.request": frozenset({PRESCRIBER, NURSE, TMS_TECHNICIAN, FRONT_DESK}),
    "amendments.decide": frozenset({PRESCRIBER}),
    # Interoperability: issue and revoke the FHIR API tokens of the clinic's integrations.
    "integrations.manage": frozenset({CLINIC_ADMIN}),
    # Emergency access ("break the glass"): read a patient of a clinic one does not belong to, with a
    # written reason, for a limited time (remit.patients.access). Clinical roles only.
    "patient.emergency_access": CLINICAL_ROLES,
}

# All a clinician may do on a page read under emergency access: read, never change (and still see,
# and end, their emergency access).
EMERGENCY_READ_ONLY: frozenset[str] = frozenset(
    {"patient.view", "clinical.view", "courses.view", "patient.emergency_access"}
)


def roles_with(capability: str) -> frozenset[str]:
    try:
        return CAPABILITIES[capability]
    except KeyError:
        raise KeyError(f"unknown capability {capability!r}; known: {', '.join(sorted(CAPABILITIES))}")


def can(roles: list[str] | frozenset[str] | set[str], capability: str) -> bool:
    return bool(set(roles) & roles_with(capability))
