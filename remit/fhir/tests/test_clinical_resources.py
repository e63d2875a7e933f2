"""Patient, Condition, vital signs, doses, TMS sessions and alerts as R4 resources."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from remit.core.fhir_systems import CPT, ICD10CM, LOINC, SNOMED
from remit.fhir.mapping import (
    AlertData,
    ConditionData,
    DoseData,
    MappingError,
    PatientData,
    TmsSessionData,
    VitalsData,
    condition_resource,
    flag_resource,
    medication_administration,
    patient_resource,
    tms_extension,
    tms_procedure,
    vital_sign_observations,
)
from remit.fhir.tests.helpers import AT, validate_r4b


def patient(**overrides):
    values = dict(
        id=7,
        clinic_slug="north",
        mrn="N-0007",
        given_name="Ada",
        family_name="Byron",
        birth_date=dt.date(1980, 3, 2),
        sex_at_birth="female",
    )
    values.update(overrides)
    return PatientData(**values)


def test_the_patient_has_the_clinics_mrn_name_birth_date_and_gender():
    resource = patient_resource(patient(phone="555-0100"))
    validate_r4b(resource)
    assert resource["id"] == "7"
    assert resource["identifier"][0]["system"] == "https://remit.invalid/fhir/sid/mrn/north"
    assert resource["identifier"][0]["value"] == "N-0007"
    assert resource["name"] == [{"use": "official", "family": "Byron", "given": ["Ada"]}]
    assert resource["birthDate"] == "1980-03-02"
    assert resource["gender"] == "female"
    assert resource["telecom"] == [{"system": "phone", "value": "555-0100"}]


@pytest.mark.parametrize(
    ("sex", "gender"), [("female", "female"), ("male", "male"), ("intersex", "other"), ("unknown", "unknown")]
)
def test_gender_comes_from_sex_at_birth(sex, gender):
    resource = patient_resource(patient(sex_at_birth=sex))
    validate_r4b(resource)
    assert resource["gender"] == gender


@pytest.mark.parametrize(
    ("status", "clinical"), [("active", "active"), ("in_remission", "remission"), ("resolved", "resolved")]
)
def test_the_condition_is_coded_in_icd10cm_with_its_clinical_status(status, clinical):
    resource = condition_resource(
        ConditionData(
            id="dx-1",
            patient_id=7,
            icd10cm="F33.2",
            description="Major depressive disorder, recurrent severe without psychotic features",
            status=status,
            onset_date=dt.date(2019, 1, 1),
            resolved_date=dt.date(2024, 1, 1),
        )
    )
    validate_r4b(resource)
    assert resource["code"]["coding"][0]["system"] == ICD10CM
    assert resource["code"]["coding"][0]["code"] == "F33.2"
    assert resource["clinicalStatus"]["coding"][0] == {
        "system": "http://terminology.hl7.org/CodeSystem/condition-clinical",
        "code": clinical,
    }
    assert ("abatementDateTime" in resource) == (status != "active")


def test_vitals_follow_the_vital_signs_profile():
    observations = vital_sign_observations(
        VitalsData(
            id="v-1",
            patient_id=7,
            taken_at=AT,
            systolic=128,
            diastolic=82,
            heart_rate=74,
            spo2=97,
            respiratory_rate=14,
            weight_kg=Decimal("81.5"),
            part_of="MedicationAdministration/dose-3",
        )
    )
    for observation in observations:
        validate_r4b(observation)
        assert observation["category"][0]["coding"][0]["code"] == "vital-signs"
        assert observation["partOf"] == [{"reference": "MedicationAdministration/dose-3"}]
    by_id = {o["id"]: o for o in observations}
    assert set(by_id) == {"v-1-bp", "v-1-hr", "v-1-spo2", "v-1-rr", "v-1-weight"}
    bp = by_id["v-1-bp"]
    assert bp["code"]["coding"][0]["code"] == "85354-9"
    assert [
        (c["code"]["coding"][0]["code"], c["valueQuantity"]["value"], c["valueQuantity"]["code"])
        for c in bp["component"]
    ] == [
        ("8480-6", 128, "mm[Hg]"),
        ("8462-4", 82, "mm[Hg]"),
    ]
    assert "valueQuantity" not in bp

    def code_and_value(key):
        o = by_id[key]
        return (
            [c["code"] for c in o["code"]["coding"] if c["system"] == LOINC],
            o["valueQuantity"]["value"],
            o["valueQuantity"]["code"],
        )

    assert code_and_value("v-1-hr") == (["8867-4"], 74, "/min")
    assert code_and_value("v-1-spo2") == (["2708-6", "59408-5"], 97, "%")
    assert code_and_value("v-1-rr") == (["9279-1"], 14, "/min")
    assert code_and_value("v-1-weight") == (["29463-7"], 81.5, "kg")


def test_absent_vitals_are_left_out():
    observations = vital_sign_observations(VitalsData(id=3, patient_id=7, taken_at=AT, heart_rate=70))
    assert [o["id"] for o in observations] == ["3-hr"]


def test_half_a_blood_pressure_is_refused():
    with pytest.raises(MappingError, match="diastolic"):
        vital_sign_observations(VitalsData(id=3, patient_id=7, taken_at=AT, systolic=120))


@pytest.mark.parametrize(
    ("drug", "route", "snomed"),
    [
        ("ketamine", "iv", "47625008"),
        ("ketamine", "im", "78421000"),
        ("esketamine", "intranasal", "46713006"),
    ],
)
def test_doses_have_drug_dose_route_and_period(drug, route, snomed):
    resource = medication_administration(
        DoseData(
            id="dose-3",
            patient_id=7,
            drug=drug,
            route=route,
            dose_mg=Decimal("40.5") if drug == "ketamine" else 56,
            start=AT,
            end=AT + dt.timedelta(minutes=40),
            mg_per_kg=Decimal("0.5") if drug == "ketamine" else None,
            devices=2 if drug == "esketamine" else None,
        )
    )
    validate_r4b(resource)
    assert resource["dosage"]["route"]["coding"][0] == {
        "system": SNOMED,
        "code": snomed,
        "display": {"iv": "Intravenous route", "im": "Intramuscular route", "intranasal": "Nasal route"}[
            route
        ],
    }
    assert resource["dosage"]["dose"]["code"] == "mg"
    assert resource["effectivePeriod"] == {
        "start": "2024-05-01T14:30:00+00:00",
        "end": "2024-05-01T15:10:00+00:00",
    }
    assert resource["medicationCodeableConcept"]["text"]


def test_esketamine_carries_its_rxnorm_code_and_ketamine_its_name():
    base = dict(patient_id=7, dose_mg=56, start=AT)
    esketamine = medication_administration(DoseData(id=1, drug="esketamine", route="intranasal", **base))
    ketamine = medication_administration(DoseData(id=2, drug="ketamine", route="iv", **base))
    assert (
        esketamine["medicationCodeableConcept"]["coding"][0]["system"]
        == "http://www.nlm.nih.gov/research/umls/rxnorm"
    )
    assert esketamine["medicationCodeableConcept"]["coding"][0]["code"] == "2201623"
    assert ketamine["medicationCodeableConcept"]["text"] == "Ketamine"
    assert ketamine["effectiveDateTime"] == "2024-05-01T14:30:00+00:00"


def test_a_lot_number_goes_on_a_contained_medication():
    resource = medication_administration(
        DoseData(
            id=1,
            patient_id=7,
            drug="esketamine",
            route="intranasal",
            dose_mg=84,
            start=AT,
            lot_number="LOT42",
        )
    )
    validate_r4b(resource)
    assert resource["medicationReference"] == {"reference": "#medication"}
    assert resource["contained"][0]["batch"] == {"lotNumber": "LOT42"}


def test_the_tms_session_is_a_procedure_with_its_stimulation_parameters():
    resource = tms_procedure(
        TmsSessionData(
            id="tms-9",
            patient_id=7,
            start=AT,
            end=AT + dt.timedelta(minutes=38),
            pattern="10hz",
            frequency_hz=10,
            pulses=3000,
            intensity_pct_mt=120,
            motor_threshold_pct_mso=60,
            machine_output_pct_mso=72,
            target="Left DLPFC",
            coil="figure-8",
            session_number=4,
            cpt="90868",
        )
    )
    validate_r4b(resource)
    assert resource["code"]["coding"][1] == {"system": CPT, "code": "90868"}
    assert resource["bodySite"] == [{"text": "Left DLPFC"}]
    extensions = {e["url"]: e for e in resource["extension"]}
    assert extensions[tms_extension("pulses")]["valueInteger"] == 3000
    assert extensions[tms_extension("intensity-pct-mt")]["valueDecimal"] == 120
    assert extensions[tms_extension("machine-output-pct-mso")]["valueDecimal"] == 72
    assert extensions[tms_extension("pattern")]["valueCode"] == "10hz"
    assert "3000 pulses at 120% MT (72% MSO)" in resource["note"][0]["text"]
    assert resource["performedPeriod"]["end"] == "2024-05-01T15:08:00+00:00"


def test_an_unknown_cpt_code_is_refused():
    with pytest.raises(MappingError, match="cpt"):
        tms_procedure(
            TmsSessionData(
                id=1,
                patient_id=7,
                start=AT,
                pattern="itbs",
                frequency_hz=50,
                pulses=600,
                intensity_pct_mt=120,
                target="L-DLPFC",
                cpt="99999",  # type: ignore[arg-type]
            )
        )


def test_an_open_alert_is_an_active_safety_flag():
    resource = flag_resource(
        AlertData(
            id="al-1",
            patient_id=7,
            kind="suicidal_ideation",
            severity="high",
            reason="PHQ-9 item 9 answered 2",
            created_at=AT,
            kind_label="Suicidal ideation reported",
        )
    )
    validate_r4b(resource)
    assert resource["status"] == "active"
    assert resource["category"][0]["coding"][0]["code"] == "safety"
    assert resource["code"]["coding"][0]["code"] == "suicidal_ideation"
    assert resource["code"]["text"] == "PHQ-9 item 9 answered 2"
    assert resource["extension"][0]["valueCodeableConcept"]["coding"][0]["code"] == "PH"
    assert resource["period"] == {"start": "2024-05-01T14:30:00+00:00"}


def test_an_acknowledged_alert_is_an_inactive_flag_with_its_period_closed():
    resource = flag_resource(
        AlertData(
            id=2,
            patient_id=7,
            kind="seizure",
            severity="medium",
            reason="r",
            created_at=AT,
            status="acknowledged",
            acknowledged_at=AT + dt.timedelta(hours=1),
        )
    )
    validate_r4b(resource)
    assert resource["status"] == "inactive"
    assert resource["period"]["end"] == "2024-05-01T15:30:00+00:00"
