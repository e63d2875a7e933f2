"""45 CFR 170.315(d)(11) Accounting of disclosures: every disclosure of a patient's data outside the
clinic is recorded and listed per patient, with the date, the recipient, the purpose and what went out:
FHIR API reads and searches by an integration's token, FHIR bundle and bulk exports, progress report
PDFs and research exports.
"""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from remit.audit import actions as audit
from remit.audit.models import AuditEvent
from remit.fhir import api
from remit.fhir.actions import issue_token
from remit.fhir.tests.api import get, token_for
from remit.fhir.tests.records import charted_patient
from remit.patients.models import Patient
from remit.reports.research import export_research
from remit.testing import make_patient

pytestmark = pytest.mark.django_db

PURPOSE = "Treatment: the referring practice's records"


def accounting(world, patient) -> str:
    response = world.client("clinic_admin").get(reverse("audit:disclosures", args=[patient.pk]))
    assert response.status_code == 200
    return response.content.decode()


def test_an_integration_tokens_read_of_a_patient_is_listed_with_recipient_and_purpose(world):
    patient, other = make_patient(world.clinic), make_patient(world.clinic)
    _token, raw = token_for(world, name="Regional EHR", purpose=PURPOSE)
    assert get(f"/fhir/r4/Patient/{patient.pk}", raw).status_code == 200
    page = accounting(world, patient)
    assert "Regional EHR" in page and PURPOSE.replace("'", "&#x27;") in page
    assert "FHIR API read of demographics (Patient)" in page
    assert "Regional EHR" not in accounting(world, other)


def test_an_integration_tokens_searches_are_listed_per_patient_with_what_they_returned(world):
    patient = charted_patient(world)
    _token, raw = token_for(world, name="Payer portal", purpose="Payment: prior authorization")
    conditions = get(f"/fhir/r4/Condition?patient={patient.pk}", raw).json()
    get(f"/fhir/r4/Observation?patient=Patient/{patient.pk}", raw)
    rows = AuditEvent.objects.filter(action="disclose", patient_id=patient.pk).order_by("seq")
    assert [r.detail["resource"] for r in rows] == ["Condition", "Observation"]
    assert {r.detail["recipient"] for r in rows} == {"Payer portal"}
    assert {r.detail["purpose"] for r in rows} == {"Payment: prior authorization"}
    assert rows[0].detail["results"] == len(conditions.get("entry", []))
    page = accounting(world, patient)
    assert "FHIR API read of diagnoses (Condition search)" in page
    assert "FHIR API read of scores and vital signs (Observation search)" in page
    assert "Payment: prior authorization" in page


def test_a_refused_request_discloses_nothing(world):
    theirs = make_patient(world.other_clinic)
    _token, raw = token_for(world)
    assert get(f"/fhir/r4/Patient/{theirs.pk}", raw).status_code == 404
    assert get(f"/fhir/r4/Condition?patient={theirs.pk}", raw).status_code == 404
    assert not AuditEvent.objects.filter(action="disclose").exists()


def test_a_token_cannot_be_issued_without_a_purpose(world):
    with pytest.raises(ValidationError) as refused:
        issue_token(actor=world.users["clinic_admin"], clinic=world.clinic, name="EHR", purpose="")
    assert "purpose" in refused.value.message_dict


def test_a_search_that_sends_out_five_hundred_patients_writes_one_disclosure_each_in_one_batch(world):
    token, _raw = token_for(world, name="Registry", purpose="Public health: depression registry")
    Patient.objects.bulk_create(
        Patient(
            clinic=world.clinic,
            mrn=f"B{n:05d}",
            given_name="Bulk",
            family_name=f"Patient{n}",
            date_of_birth=dt.date(1970, 1, 1),
            sex_at_birth="female",
        )
        for n in range(500)
    )
    patients = list(Patient.objects.filter(mrn__startswith="B"))
    answer = api.Answer({"resourceType": "Bundle"}, disclosed=patients, results=500)
    shim = SimpleNamespace(user=AnonymousUser(), META={"REMOTE_ADDR": "192.0.2.1"})
    with CaptureQueriesContext(connection) as queries, transaction.atomic():
        api.record_disclosures(token, "Patient", answer, 1, shim)
    rows = AuditEvent.objects.filter(action="disclose")
    assert rows.count() == 500
    assert set(rows.values_list("patient_id", flat=True)) == {p.pk for p in patients}
    assert {r.detail["recipient"] for r in rows} == {"Registry"}
    assert len(queries) < 40  # batched: one locked insert per patient would be 1,500
    assert audit.verify_trail() is None


def test_a_bulk_export_is_listed_once_per_patient_with_recipient_and_purpose(world, tmp_path):
    patients = [charted_patient(world), charted_patient(world)]
    theirs = charted_patient(world, clinic=world.other_clinic)
    call_command(
        "fhir",
        "export",
        clinic="clinic-a",
        out=str(tmp_path / "bulk"),
        recipient="Payer X",
        purpose="Payment",
    )
    for patient in patients:
        page = accounting(world, patient)
        assert page.count("FHIR export (bulk NDJSON)") == 1
        assert "Payer X" in page and "Payment" in page
    assert not AuditEvent.objects.filter(action="disclose", patient_id=theirs.pk).exists()
    assert audit.verify_trail() is None


def test_a_progress_pdf_is_listed_with_who_it_went_to_and_why(world):
    patient = make_patient(world.clinic)
    response = world.client("prescriber").get(
        reverse("reports:progress_pdf", args=[patient.pk]),
        {"recipient": "Dr. Lee, referring psychiatrist", "purpose": "Treatment: continuity of care"},
    )
    assert response.status_code == 200
    page = accounting(world, patient)
    assert "Progress report (PDF)" in page
    assert "Dr. Lee, referring psychiatrist" in page and "Treatment: continuity of care" in page


def test_a_research_export_is_listed_for_each_patient_it_included(world, tmp_path):
    # Decided: listed per patient. Its rows are de-identified, but shift full dates rather than keep the
    # year only (more than Safe Harbor allows), so the exemption for de-identified data is not relied on.
    patient = charted_patient(world)
    result = export_research(tmp_path, recipient="University study", purpose="Research (IRB 2026-14)")
    assert result.counts()
    page = accounting(world, patient)
    assert "De-identified research export" in page
    assert "University study" in page and "Research (IRB 2026-14)" in page
    assert page.count("De-identified research export") == 1


def test_nothing_of_another_patient_appears_and_another_clinic_cannot_open_the_page(world):
    patient, neighbour = make_patient(world.clinic), make_patient(world.clinic)
    _token, raw = token_for(world, name="Neighbour's EHR", purpose=PURPOSE)
    get(f"/fhir/r4/Patient/{neighbour.pk}", raw)
    page = accounting(world, patient)
    assert "No disclosures recorded for this patient." in page and "Neighbour" not in page
    other_admin = world.client("other_clinic")
    assert other_admin.get(reverse("audit:disclosures", args=[patient.pk])).status_code == 404
