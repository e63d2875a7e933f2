"""Remit records as FHIR R4 (4.0.1) resources, built with fhirclient's models. No Django here.

Every mapper takes plain values (the dataclasses in ``data``) and returns
the resource as JSON (a dict), already parsed and serialised by fhirclient's
strict R4 model; ``common.model(resource)`` gives the fhirclient object.
"""

from remit.fhir.mapping.bundles import collection_bundle, full_url, group_by_type, ndjson_lines
from remit.fhir.mapping.clinical import (
    condition_resource,
    flag_resource,
    medication_administration,
    patient_resource,
    tms_extension,
    tms_procedure,
    vital_sign_observations,
)
from remit.fhir.mapping.common import MappingError, build, fhir_id, model, reference
from remit.fhir.mapping.data import (
    AlertData,
    AssessmentData,
    ConditionData,
    DoseData,
    PatientData,
    RatingData,
    TmsSessionData,
    VitalsData,
)
from remit.fhir.mapping.instruments import (
    canonical_url,
    instrument_questionnaire,
    questionnaire_for_canonical,
    questionnaire_response,
    rating_observation,
    score_observation,
    score_observation_id,
)

__all__ = [
    "AlertData",
    "AssessmentData",
    "ConditionData",
    "DoseData",
    "MappingError",
    "PatientData",
    "RatingData",
    "TmsSessionData",
    "VitalsData",
    "build",
    "canonical_url",
    "collection_bundle",
    "condition_resource",
    "fhir_id",
    "flag_resource",
    "full_url",
    "group_by_type",
    "instrument_questionnaire",
    "medication_administration",
    "model",
    "ndjson_lines",
    "patient_resource",
    "questionnaire_for_canonical",
    "questionnaire_response",
    "rating_observation",
    "reference",
    "score_observation",
    "score_observation_id",
    "tms_extension",
    "tms_procedure",
    "vital_sign_observations",
]
