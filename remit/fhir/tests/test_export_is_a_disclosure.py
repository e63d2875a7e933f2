"""Exports are audited as disclosures: one `export` event, one `disclose` event per patient."""

from __future__ import annotations

import pytest
from django.core.management import call_command
from django.urls import reverse

from remit.audit.models import AuditEvent
from remit.fhir.tests.records import charted_patient

pytestmark = pytest.mark.django_db


def test_a_bulk_export_is_one_export_event_and_one_disclosure_per_patient(world, tmp_path):
    patients = [charted_patient(world), charted_patient(world)]
    untouched = charted_patient(world, clinic=world.other_clinic)
    before = AuditEvent.objects.count()
    call_command("fhir", "export", clinic="clinic-a", out=str(tmp_path / "bulk"), recipient="Payer X")
    events = list(AuditEvent.objects.order_by("seq")[before:])
    export = [e for e in events if e.action == "export"]
    assert len(export) == 1
    assert export[0].actor_label == "remit fhir export"
    assert export[0].clinic_id == world.clinic.pk
    assert export[0].detail["counts"]["Patient"] == 2
    disclosures = [e for e in events if e.action == "disclose"]
    assert sorted(e.patient_id for e in disclosures) == sorted(p.pk for p in patients)
    for event in disclosures:
        assert event.clinic_id == world.clinic.pk
        assert event.object_id == str(export[0].seq)
        assert event.detail["recipient"] == "Payer X"
        assert event.detail["resources"]["Patient"] == 1
    assert not AuditEvent.objects.filter(action="disclose", patient_id=untouched.pk).exists()


def test_a_patient_bundle_export_shows_in_the_patients_accounting_of_disclosures(world, tmp_path):
    patient = charted_patient(world)
    call_command(
        "fhir",
        "export",
        patient=patient.mrn,
        clinic="clinic-a",
        out=str(tmp_path / "p.json"),
        purpose="referral",
    )
    row = AuditEvent.objects.get(action="disclose", patient_id=patient.pk)
    assert row.detail["purpose"] == "referral"
    assert row.detail["resources"]["QuestionnaireResponse"] == 3
    response = world.client("clinic_admin").get(reverse("audit:disclosures", args=[patient.pk]))
    assert response.status_code == 200
    page = response.content.decode()
    assert "the remit fhir export command" in page
    # In plain words, never the trail's internal codes.
    assert "FHIR export (bundle)" in page and "referral" in page
    assert "fhir.export" not in page and "disclose fhir" not in page
