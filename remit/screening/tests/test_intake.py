"""Entering a screening intake: prefilled from the registry, unknown stays unknown, bad input refused."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from remit.audit.models import AuditEvent
from remit.patients.models import Allergy, Diagnosis, Medication, WeightEntry
from remit.screening.models import Screening
from remit.screening.tests.conftest import complete_doc, complete_post
from remit.testing import PermissionMatrix, make_patient


def url(patient):
    return reverse("screening:intake", kwargs={"pk": patient.pk})


class TestPermissionsToOpen(PermissionMatrix):
    capability = "screening.enter"

    def url(self, world, patient):
        return url(patient)


class TestPermissionsToSave(PermissionMatrix):
    capability = "screening.enter"
    ok_status = 302

    def url(self, world, patient):
        return url(patient)

    def request(self, client, url):
        return client.post(url, complete_post())


def test_front_desk_cannot_open_it(world, patient):
    assert world.client("front_desk").get(url(patient)).status_code == 403


def test_it_is_prefilled_from_the_registry(world):
    patient = make_patient(world.clinic, date_of_birth=date(1980, 1, 1), sex_at_birth="male")
    Diagnosis.objects.create(patient=patient, code="F33.2", status="active")
    Diagnosis.objects.create(patient=patient, code="F10.20", status="in_remission")
    Diagnosis.objects.create(
        patient=patient,
        code="F20.9",
        status="active",
        voided_at=timezone.now(),
        void_reason="entered in error",
    )
    Medication.objects.create(patient=patient, name="sertraline", daily_dose_mg=Decimal("150.00"))
    Medication.objects.create(
        patient=patient, name="mirtazapine", stopped_on=timezone.localdate() - timedelta(days=3)
    )
    Medication.objects.create(patient=patient, name="naltrexone", voided_at=timezone.now())
    Allergy.objects.create(patient=patient, substance="penicillin")
    WeightEntry.objects.create(patient=patient, measured_on=date(2024, 1, 1), weight_kg=Decimal("80.0"))
    WeightEntry.objects.create(patient=patient, measured_on=date(2025, 1, 1), weight_kg=Decimal("82.5"))

    response = world.client("nurse").get(url(patient))
    assert response.status_code == 200
    initial = response.context["form"].initial
    assert initial["age"] == patient.age_on()
    assert initial["sex"] == "male"
    assert initial["weight_kg"] == Decimal("82.5")
    assert initial["diagnoses"] == "F10.20 in_remission\nF33.2 active"
    assert initial["medications"] == "sertraline 150 mg [classes: none]"
    assert initial["allergies"] == "penicillin"
    page = response.content.decode()
    assert (
        "F33.2 active" in page
        and "F20.9" not in page
        and "naltrexone" not in page
        and "mirtazapine" not in page
    )
    assert AuditEvent.objects.filter(action="view", patient_id=patient.pk).count() == 1


def test_screens_come_from_a_recent_valid_assessment_with_its_date(world, patient):
    from remit.measures.actions_assessments import record_assessment

    taken = timezone.now() - timedelta(days=10)
    record_assessment(
        patient=patient,
        instrument="auditc",
        answers={"q1": 2, "q2": 1, "q3": 0},
        respondent="patient",
        taken_at=taken,
    )
    record_assessment(
        patient=patient,
        instrument="dast10",
        answers={f"q{i}": 0 for i in range(1, 11)},
        respondent="patient",
        taken_at=timezone.now() - timedelta(days=120),  # too old
    )
    response = world.client("nurse").get(url(patient))
    initial = response.context["form"].initial
    assert (initial["auditc_q1"], initial["auditc_q2"], initial["auditc_q3"]) == ("2", "1", "0")
    assert "dast10_q1" not in initial
    assert (
        f"From the AUDIT-C answered on {timezone.localdate(taken).isoformat()}" in response.content.decode()
    )


def test_a_complete_intake_is_saved_as_a_draft_and_evaluated(world, patient):
    response = world.client("nurse").post(url(patient), complete_post())
    screening = Screening.objects.get()
    assert response["Location"] == reverse("screening:detail", kwargs={"pk": screening.pk})
    assert screening.status == "draft"
    assert screening.intake == complete_doc()
    assert {m: r["decision"] for m, r in screening.result.items()} == {
        "ketamine_iv": "eligible",
        "ketamine_im": "eligible",
        "esketamine": "eligible",
        "tms": "eligible",
    }
    assert screening.settings_snapshot["bp_systolic_limit"] == 140
    assert screening.settings_snapshot["validity_days"] == 90
    assert AuditEvent.objects.filter(action="create", object_type="screening.screening").count() == 1


def test_unknown_facts_stay_unknown_and_make_the_modalities_incomplete(world, patient):
    # Only age and sex given; every radio left at its default, "unknown".
    world.client("nurse").post(
        url(patient),
        {
            "age": "45",
            "sex": "female",
            "diagnoses_known": "unknown",
            "medications_known": "unknown",
            "allergies_known": "unknown",
        },
    )
    screening = Screening.objects.get()
    assert screening.intake == {"age": 45, "sex": "female"}
    for modality, result in screening.result.items():
        assert result["decision"] == "incomplete", modality
        assert result["missing"]
    assert "diagnoses" in screening.result["ketamine_iv"]["missing"]
    assert "tms_safety.metal_in_head" in screening.result["tms"]["missing"]


def test_one_unknown_tms_answer_makes_tms_incomplete_only(world, patient):
    world.client("nurse").post(url(patient), complete_post(tms_metal_in_head="unknown"))
    result = Screening.objects.get().result
    assert result["tms"]["decision"] == "incomplete"
    assert result["tms"]["missing"] == ["tms_safety.metal_in_head"]
    assert result["ketamine_iv"]["decision"] == "eligible"


@pytest.mark.parametrize(
    ("changes", "field", "text"),
    [
        ({"bp_systolic": "300", "bp_diastolic": "20"}, "bp_diastolic", "must be 30 or more"),
        ({"bp_systolic": "301", "bp_diastolic": "80"}, "bp_systolic", "must be 300 or less"),
        (
            {"bp_systolic": "120", "bp_diastolic": "130"},
            "bp_diastolic",
            "blood_pressure.diastolic (130) must be below systolic",
        ),
        ({"bp_systolic": "120", "bp_diastolic": ""}, "bp_diastolic", "Give both"),
        ({"diagnoses": "F3 active"}, "diagnoses", "diagnoses[0].code: 'F3' is not an ICD-10-CM code"),
        ({"diagnoses": "F33.2 acute"}, "diagnoses", "Line 1"),
        ({"age": "130"}, "age", "age:"),
        ({"auditc_q1": "7"}, "auditc_q1", "Select a valid choice"),
        (
            {"medications": "phenelzine 45 mg [classes: antihistamine]"},
            "medications",
            "'antihistamine' is not a medicine class",
        ),
        ({"medications": "[classes: MAOI]"}, "medications", "give the medicine's name"),
    ],
)
def test_bad_input_names_the_field_and_saves_nothing(world, patient, changes, field, text):
    events = AuditEvent.objects.count()
    response = world.client("nurse").post(url(patient), complete_post(**changes))
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert field in errors, errors
    assert any(text in e for e in errors[field]), errors[field]
    assert "Nothing was saved" in response.content.decode()
    assert not Screening.objects.exists()
    assert AuditEvent.objects.count() == events


def test_a_prefilled_list_must_be_confirmed_or_cleared(world, patient):
    response = world.client("nurse").post(url(patient), complete_post(diagnoses_known="unknown"))
    assert "diagnoses_known" in response.context["form"].errors
    assert not Screening.objects.exists()


def test_it_needs_a_csrf_token(world, patient, csrf_client):
    from remit.testing import login

    login(csrf_client, world.users["nurse"])
    assert csrf_client.post(url(patient), complete_post()).status_code == 403
    assert not Screening.objects.exists()


def test_resistance_context_is_stored_outside_the_intake(world, patient):
    from remit.patients.models import AntidepressantTrial

    for outcome, adequate in (
        ("no_response", True),
        ("partial", True),
        ("response", True),
        ("no_response", False),
    ):
        AntidepressantTrial.objects.create(
            patient=patient,
            drug="x",
            max_daily_dose_mg=Decimal("20"),
            weeks=8,
            adequate=adequate,
            outcome=outcome,
        )
    world.client("nurse").post(
        url(patient),
        complete_post(
            episode_duration_months="30", severity="moderate", augmentation_used="yes", ect_used="no"
        ),
    )
    screening = Screening.objects.get()
    assert "episode_duration_months" not in screening.intake
    assert screening.resistance["failed_adequate_trials"] == 2
    # duration 3 + severity 3 + failures 1 + augmentation 1 + ECT 0 = 8, moderate
    assert screening.resistance["maudsley"]["score"] == 8
    assert screening.resistance["maudsley"]["stage"] == "moderate"


def test_the_registry_class_boxes_come_into_the_intake_and_a_listed_maoi_wins_over_an_unticked_box(
    world, patient
):
    """Spravato interactions: MAOIs raise blood pressure [V] (clinical-reference 4). The registry's class
    boxes are the explicit answer; phenelzine with its MAOI box unticked still counts, and the page says so."""
    Medication.objects.create(patient=patient, name="phenelzine", daily_dose_mg=Decimal("45"))
    Medication.objects.create(patient=patient, name="Brandx", is_maoi=True, is_psychostimulant=True)
    initial = world.client("nurse").get(url(patient)).context["form"].initial
    assert initial["medications"] == (
        "Brandx [classes: MAOI, psychostimulant]\nphenelzine 45 mg [classes: none]"
    )
    world.client("nurse").post(url(patient), complete_post(medications=initial["medications"]))
    screening = Screening.objects.get()
    assert screening.intake["medications"] == [
        {"name": "Brandx", "classes": ["maoi", "psychostimulant"]},
        {"name": "phenelzine", "daily_dose_mg": 45.0, "classes": []},
    ]
    reasons = {r["rule"]: r for r in screening.result["esketamine"]["reasons"]}
    assert screening.result["esketamine"]["decision"] == "caution"
    assert reasons["maoi"]["medications"] == ["Brandx", "phenelzine"]
    assert reasons["psychostimulant"]["medications"] == ["Brandx"]
    assert reasons["maoi"]["contradictions"] == [
        "Listed medicine phenelzine has its MAOI box unticked, but phenelzine is an MAOI: the medicine counts."
    ]
