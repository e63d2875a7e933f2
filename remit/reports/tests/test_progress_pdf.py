"""The per-patient progress report PDF opens and its generation is accounted for as a disclosure."""

from __future__ import annotations

from decimal import Decimal

from django.urls import reverse

from remit.audit.models import AuditEvent
from remit.decision.tests.helpers_outcomes import day, make_course, scores
from remit.patients.models import AntidepressantTrial, Diagnosis
from remit.reports.progress import progress_content, progress_report
from remit.screening.tests.conftest import signed
from remit.testing import PermissionMatrix, make_patient
from remit.treatment.models import Course


def url(patient):
    return reverse("reports:progress_pdf", args=[patient.pk])


class TestPermissions(PermissionMatrix):
    capability = "clinical.view"

    def url(self, world, patient):
        return url(patient)


def full_history(world):
    patient = make_patient(world.clinic)
    Diagnosis.objects.bulk_create(
        [Diagnosis(patient=patient, code="F33.2", description="MDD, recurrent, severe")]
    )
    AntidepressantTrial.objects.bulk_create(
        [
            AntidepressantTrial(
                patient=patient,
                drug="sertraline",
                max_daily_dose_mg=Decimal("200"),
                weeks=8,
                adequate=True,
                outcome="no_response",
            ),
            AntidepressantTrial(
                patient=patient,
                drug="bupropion",
                max_daily_dose_mg=Decimal("300"),
                weeks=10,
                adequate=True,
                outcome="partial",
            ),
        ]
    )
    signed(world, patient)
    scores(world, patient, [(-61, 20), (-57, 12), (-47, 4)])
    make_course(world, patient, [day(-60 + 2 * i) for i in range(6)], status=Course.COMPLETED)
    return patient


def test_it_downloads_a_pdf_and_records_one_disclosure(world):
    patient = full_history(world)
    before = AuditEvent.objects.count()
    response = world.client("prescriber").get(url(patient))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    rows = list(AuditEvent.objects.filter(seq__gt=before))
    assert [(r.action, r.patient_id) for r in rows] == [("disclose", patient.pk)]


def test_the_disclosure_is_in_the_patients_accounting_of_disclosures(world):
    patient = full_history(world)
    world.client("prescriber").get(url(patient))
    page = world.client("clinic_admin").get(f"/audit/patients/{patient.pk}/disclosures/")
    assert page.status_code == 200
    assert "progress report" in page.content.decode().lower()


def test_it_asks_for_the_password_again_when_it_is_stale(world):
    patient = full_history(world)
    client = world.client("prescriber")
    session = client.session
    session["reauth_at"] = 0
    session.save()
    response = client.get(url(patient))
    assert response.status_code == 302 and "reauth" in response["Location"]
    assert not AuditEvent.objects.filter(action="disclose").exists()


def test_it_holds_the_history_the_recipient_needs(world):
    patient = full_history(world)
    items = progress_content(patient)
    text = "\n".join(value for kind, value, _ in items if kind != "chart")
    assert "F33.2 MDD, recurrent, severe" in text
    assert "2 failed adequate antidepressant trials" in text
    assert "sertraline up to 200 mg/day for 8 weeks: no response" in text
    assert "Ketamine (IV): evaluated eligible; prescriber: accept the result" in text
    assert "6 sessions given" in text
    assert "Baseline PHQ-9 20" in text and "Latest PHQ-9 4" in text
    assert sum(1 for kind, _, _ in items if kind == "chart") == 1
    assert progress_report(patient).startswith(b"%PDF")
