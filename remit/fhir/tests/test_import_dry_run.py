"""`remit fhir import --dry-run` validates and reports, and stores nothing."""

from __future__ import annotations

import pytest

from remit.audit.models import AuditEvent
from remit.fhir.tests.helpers import load_sample
from remit.fhir.tests.importing import patient, run_import, transaction, write
from remit.measures.models import Assessment
from remit.patients.models import Patient

pytestmark = pytest.mark.django_db


def test_a_dry_run_reports_what_would_be_stored_and_stores_nothing(world, tmp_path):
    bundle = transaction(
        patient(),
        load_sample("us-core-Questionnaire-phq-9-example.json"),
        load_sample("us-core-QuestionnaireResponse-phq-9-example.json"),
    )
    before = (Patient.objects.count(), Assessment.objects.count(), AuditEvent.objects.count())
    summary = run_import(write(tmp_path, bundle), clinic="clinic-a", dry_run=True)
    assert summary["dry_run"] is True and summary["stored"] is False
    assert summary["created"] == {"Patient": 1, "QuestionnaireResponse": 1}
    assert summary["audit_event"] is None
    assert (Patient.objects.count(), Assessment.objects.count(), AuditEvent.objects.count()) == before
