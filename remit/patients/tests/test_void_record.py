"""Voiding a weight, diagnosis, trial, medication or allergy: struck through, never deleted."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from django.urls import reverse

from remit.audit.models import AuditEvent
from remit.patients.models import Allergy, AntidepressantTrial, Diagnosis, Medication, WeightEntry
from remit.testing import PermissionMatrix, error_summary, make_patient


def make(kind, patient):
    if kind == "weight":
        return WeightEntry.objects.create(
            patient=patient, measured_on=date(2024, 1, 1), weight_kg=Decimal("70")
        )
    if kind == "diagnosis":
        return Diagnosis.objects.create(patient=patient, code="F33.2")
    if kind == "trial":
        return AntidepressantTrial.objects.create(
            patient=patient,
            drug="sertraline",
            max_daily_dose_mg=Decimal("200"),
            weeks=8,
            adequate=True,
            outcome="partial",
        )
    if kind == "medication":
        return Medication.objects.create(patient=patient, name="lorazepam", is_benzodiazepine=True)
    return Allergy.objects.create(patient=patient, substance="latex")


def void_url(kind, record):
    return reverse(f"patients:void_{kind}", kwargs={"pk": record.patient_id, "record_pk": record.pk})


class VoidMatrix(PermissionMatrix):
    kind = ""
    ok_status = 302

    def url(self, world, patient):
        return void_url(self.kind, make(self.kind, patient))

    def request(self, client, url):
        return client.post(url, {"reason": "entered on the wrong chart"})


class TestVoidWeight(VoidMatrix):
    kind = "weight"
    capability = "clinical.weight"


class TestVoidDiagnosis(VoidMatrix):
    kind = "diagnosis"
    capability = "clinical.edit"


class TestVoidTrial(VoidMatrix):
    kind = "trial"
    capability = "clinical.edit"


class TestVoidMedication(VoidMatrix):
    kind = "medication"
    capability = "clinical.edit"


class TestVoidAllergy(VoidMatrix):
    kind = "allergy"
    capability = "clinical.edit"


class TestOpeningTheVoidPage(PermissionMatrix):
    capability = "clinical.edit"

    def url(self, world, patient):
        return void_url("diagnosis", make("diagnosis", patient))


@pytest.mark.parametrize("kind", ["weight", "diagnosis", "trial", "medication", "allergy"])
def test_it_voids_with_a_reason_keeps_the_row_and_audits_it(world, kind):
    patient = make_patient(world.clinic)
    record = make(kind, patient)
    before = AuditEvent.objects.count()
    response = world.client("nurse").post(void_url(kind, record), {"reason": " wrong patient "})
    assert response.status_code == 302
    record.refresh_from_db()
    assert (
        record.is_voided
        and record.void_reason == "wrong patient"
        and record.voided_by == world.users["nurse"]
    )
    rows = list(AuditEvent.objects.filter(seq__gt=before))
    assert [(r.action, r.object_id, r.patient_id) for r in rows] == [("void", str(record.pk), patient.pk)]
    assert "wrong patient" not in str(rows[0].detail)


def test_a_blank_reason_is_refused_naming_the_field(world):
    patient = make_patient(world.clinic)
    record = make("diagnosis", patient)
    events = AuditEvent.objects.count()
    response = world.client("nurse").post(void_url("diagnosis", record), {"reason": "  "})
    assert response.status_code == 200
    assert "reason" in response.context["form"].errors
    assert "Reason for voiding" in error_summary(response.content.decode())
    record.refresh_from_db()
    assert not record.is_voided
    assert AuditEvent.objects.count() == events


def test_a_record_of_another_patient_is_not_found(world):
    mine, other = make_patient(world.clinic), make_patient(world.clinic)
    record = make("allergy", other)
    url = reverse("patients:void_allergy", kwargs={"pk": mine.pk, "record_pk": record.pk})
    assert world.client("nurse").post(url, {"reason": "x"}).status_code == 404
    record.refresh_from_db()
    assert not record.is_voided


def test_the_chart_offers_void_forms_only_to_those_allowed(world):
    patient = make_patient(world.clinic)
    diagnosis = make("diagnosis", patient)
    weight = make("weight", patient)
    chart = reverse("patients:detail", kwargs={"pk": patient.pk})
    nurse = world.client("nurse").get(chart).content.decode()
    assert void_url("diagnosis", diagnosis) in nurse and void_url("weight", weight) in nurse
    tech = world.client("tms_technician").get(chart).content.decode()
    assert void_url("diagnosis", diagnosis) not in tech and void_url("weight", weight) in tech


def test_it_enforces_csrf(world, csrf_client):
    from remit.testing import login

    patient = make_patient(world.clinic)
    record = make("medication", patient)
    login(csrf_client, world.users["nurse"])
    assert csrf_client.post(void_url("medication", record), {"reason": "x"}).status_code == 403
    record.refresh_from_db()
    assert not record.is_voided
