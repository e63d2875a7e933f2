"""The chart's summary page: who may open it, what it shows, and what it records."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from remit.audit.models import AuditEvent
from remit.patients.models import AntidepressantTrial, Diagnosis, Medication
from remit.patients.tests.conftest import add_records
from remit.testing import PermissionMatrix, make_patient

CLINICAL_HEADINGS = ["Diagnoses", "Medications", "Antidepressant trials", "Allergies", "Weight"]


def chart(patient):
    return reverse("patients:detail", kwargs={"pk": patient.pk})


class TestPermissions(PermissionMatrix):
    capability = "patient.view"

    def url(self, world, patient):
        return chart(patient)


def test_opening_a_chart_writes_exactly_one_audit_row(world):
    patient = make_patient(world.clinic)
    add_records(patient, 3)
    client = world.client("nurse")
    before = AuditEvent.objects.count()
    response = client.get(chart(patient))
    assert response.status_code == 200
    rows = list(AuditEvent.objects.filter(seq__gt=before))
    assert len(rows) == 1
    row = rows[0]
    assert row.action == "view"
    assert row.patient_id == patient.pk
    assert row.object_type == "patients.patient"
    assert row.object_id == str(patient.pk)
    assert row.actor_id == world.users["nurse"].pk
    assert row.clinic_id == world.clinic.pk


def test_a_refused_chart_writes_no_audit_row(world):
    patient = make_patient(world.clinic)
    before = AuditEvent.objects.count()
    assert world.client("other_clinic").get(chart(patient)).status_code == 404
    assert AuditEvent.objects.count() == before


def test_it_shows_demographics_contact_and_emergency_contact(world):
    patient = make_patient(
        world.clinic,
        given_name="Zelda",
        family_name="Fictitious",
        phone="555-0100",
        email="zelda@example.invalid",
        consent_sms=True,
        emergency_contact_name="Ozzie Fictitious",
        emergency_contact_phone="555-0199",
    )
    html = world.client("front_desk").get(chart(patient)).content.decode()
    for text in [
        "Fictitious, Zelda",
        patient.mrn,
        "1980-05-17",
        "555-0100",
        "zelda@example.invalid",
        "Ozzie Fictitious",
        "555-0199",
        "Demographics",
        "Contact and consent",
        "Emergency contact",
    ]:
        assert text in html


def test_it_shows_front_desk_no_clinical_sections(world):
    patient = make_patient(world.clinic)
    add_records(patient, 2)
    Diagnosis.objects.create(patient=patient, code="F33.2")
    html = world.client("front_desk").get(chart(patient)).content.decode()
    for heading in CLINICAL_HEADINGS:
        assert heading not in html
    assert "F33.2" not in html
    assert "adequate failed" not in html
    assert "drug0" not in html and "med0" not in html and "substance0" not in html


def test_it_shows_front_desk_and_admin_no_clinical_data_even_in_the_audit_detail(world):
    patient = make_patient(world.clinic)
    world.client("clinic_admin").get(chart(patient))
    assert AuditEvent.objects.get(action="view", patient_id=patient.pk).detail["clinical"] is False


@pytest.mark.parametrize("persona", ["prescriber", "nurse", "tms_technician"])
def test_it_shows_clinical_roles_every_clinical_section(world, persona):
    patient = make_patient(world.clinic)
    add_records(patient, 1)
    html = world.client(persona).get(chart(patient)).content.decode()
    for heading in CLINICAL_HEADINGS:
        assert heading in html
    assert "F30.1" in html and "drug0" in html and "med0" in html and "substance0" in html


def test_it_counts_adequate_failed_trials(world):
    patient = make_patient(world.clinic)
    nurse = world.users["nurse"]

    def trial(adequate, outcome, voided=False):
        AntidepressantTrial.objects.create(
            patient=patient,
            drug="sertraline",
            max_daily_dose_mg=Decimal("200"),
            weeks=8,
            adequate=adequate,
            outcome=outcome,
            voided_by=nurse if voided else None,
            voided_at=timezone.now() if voided else None,
        )

    trial(True, "no_response")
    trial(True, "partial")
    trial(True, "response")  # worked: not a failure
    trial(False, "no_response")  # not adequate
    trial(True, "not_tolerated")  # not tolerated is not a failed adequate trial
    trial(True, "no_response", voided=True)  # voided
    response = world.client("prescriber").get(chart(patient))
    assert response.context["failed_adequate"] == 2
    assert "2 adequate failed" in response.content.decode()


def test_it_shows_medication_class_flags_as_badges(world):
    patient = make_patient(world.clinic)
    Medication.objects.create(patient=patient, name="phenelzine", is_maoi=True)
    Medication.objects.create(patient=patient, name="naltrexone", is_opioid_antagonist=True)
    html = world.client("nurse").get(chart(patient)).content.decode()
    assert '<span class="badge warn">MAOI</span>' in html
    assert '<span class="badge warn">opioid antagonist</span>' in html


def test_it_shows_voided_rows_struck_through_with_the_reason_folded_away(world):
    patient = make_patient(world.clinic)
    add_records(patient, 2, voided_by=world.users["nurse"])
    html = world.client("nurse").get(chart(patient)).content.decode()
    assert 'class="voided"' in html
    assert "<summary>Voided: show why</summary>" in html
    assert "Reason: entered in error" in html


def test_it_shows_the_latest_weight(world):
    patient = make_patient(world.clinic)
    add_records(patient, 3)
    response = world.client("tms_technician").get(chart(patient))
    assert response.context["latest_weight"].measured_on == date(2024, 1, 3)
    assert "72.5 kg" in response.content.decode()


def test_it_is_sent_with_no_store(world):
    patient = make_patient(world.clinic)
    response = world.client("nurse").get(chart(patient))
    assert response["Cache-Control"] == "no-store"


def test_it_shows_a_voided_patient_with_the_reason_and_no_add_links(world):
    from remit.patients import actions

    patient = make_patient(world.clinic)
    actions.void_patient(world.users["nurse"], patient, "duplicate registration", None)
    html = world.client("nurse").get(chart(patient)).content.decode()
    assert "duplicate registration" in html
    assert reverse("patients:add_diagnosis", kwargs={"pk": patient.pk}) not in html


@pytest.mark.parametrize("persona", ["nurse", "front_desk"])
def test_its_query_count_does_not_grow_with_sub_records(world, persona, django_assert_num_queries):
    few = make_patient(world.clinic)
    add_records(few, 1)
    many = make_patient(world.clinic)
    add_records(many, 12, voided_by=world.users["prescriber"])
    client = world.client(persona)
    client.get(chart(few))  # warm the session

    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as small:
        assert client.get(chart(few)).status_code == 200
    with django_assert_num_queries(len(small.captured_queries)):
        assert client.get(chart(many)).status_code == 200
