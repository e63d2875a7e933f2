"""Code systems, extension URLs and canonical bases used in Remit's FHIR resources.

External systems are the official FHIR R4 (4.0.1) URIs. Remit's own systems
live under ``https://remit.invalid/fhir/`` (the ``.invalid`` TLD never
resolves, so nobody mistakes them for published terminology).
"""

from __future__ import annotations

# --- External terminologies --------------------------------------------------------------------
LOINC = "http://loinc.org"
UCUM = "http://unitsofmeasure.org"
SNOMED = "http://snomed.info/sct"
ICD10CM = "http://hl7.org/fhir/sid/icd-10-cm"
RXNORM = "http://www.nlm.nih.gov/research/umls/rxnorm"
CPT = "http://www.ama-assn.org/go/cpt"
V2_0203 = "http://terminology.hl7.org/CodeSystem/v2-0203"
OBSERVATION_CATEGORY = "http://terminology.hl7.org/CodeSystem/observation-category"
CONDITION_CLINICAL = "http://terminology.hl7.org/CodeSystem/condition-clinical"
CONDITION_VERIFICATION = "http://terminology.hl7.org/CodeSystem/condition-ver-status"
CONDITION_CATEGORY = "http://terminology.hl7.org/CodeSystem/condition-category"
FLAG_CATEGORY = "http://terminology.hl7.org/CodeSystem/flag-category"
FLAG_PRIORITY_CODES = "http://hl7.org/fhir/flag-priority-code"

# --- Extensions ----------------------------------------------------------------------------------
ORDINAL_VALUE = "http://hl7.org/fhir/StructureDefinition/ordinalValue"
# Older / newer spellings of "the score of this answer" that other tools write.
ORDINAL_VALUE_VARIANTS = (
    ORDINAL_VALUE,
    "http://hl7.org/fhir/StructureDefinition/iso21090-CO-value",  # STU3-era LHC-Forms
    "http://hl7.org/fhir/StructureDefinition/itemWeight",  # R5 name
)
CALCULATED_EXPRESSION = (
    "http://hl7.org/fhir/uv/sdc/StructureDefinition/sdc-questionnaire-calculatedExpression"
)
US_CORE_BIRTHSEX = "http://hl7.org/fhir/us/core/StructureDefinition/us-core-birthsex"
FLAG_PRIORITY = "http://hl7.org/fhir/StructureDefinition/flag-priority"

# --- Profiles ------------------------------------------------------------------------------------
VITAL_SIGNS_PROFILE = "http://hl7.org/fhir/StructureDefinition/vitalsigns"

# --- Remit's own ---------------------------------------------------------------------------------
REMIT_FHIR = "https://remit.invalid/fhir"
CANONICAL_BASE = f"{REMIT_FHIR}/Questionnaire"
RESOURCE_BASE = f"{REMIT_FHIR}/r4"
MRN_SYSTEM_BASE = f"{REMIT_FHIR}/sid/mrn"
INSTRUMENT_SYSTEM = f"{REMIT_FHIR}/CodeSystem/instrument"
INSTRUMENT_ITEM_SYSTEM = f"{REMIT_FHIR}/CodeSystem/instrument-item"
ANSWER_SYSTEM = f"{REMIT_FHIR}/CodeSystem/answer"
BAND_SYSTEM = f"{REMIT_FHIR}/CodeSystem/band"
PROCEDURE_SYSTEM = f"{REMIT_FHIR}/CodeSystem/procedure"
MEDICATION_SYSTEM = f"{REMIT_FHIR}/CodeSystem/medication"
ALERT_KIND_SYSTEM = f"{REMIT_FHIR}/CodeSystem/alert-kind"
STRUCTURE_DEFINITION_BASE = f"{REMIT_FHIR}/StructureDefinition"


def mrn_system(clinic_slug: str) -> str:
    """The identifier system of one clinic's MRNs."""
    return f"{MRN_SYSTEM_BASE}/{clinic_slug}"


def remit_extension(name: str) -> str:
    return f"{STRUCTURE_DEFINITION_BASE}/{name}"
