"""The outcome report page: who may see it, its filters, its charts and its downloads."""

from __future__ import annotations

import pytest

from remit.audit.models import AuditEvent
from remit.reports.tests import factories as F
from remit.testing import PermissionMatrix


class TestReportPageMatrix(PermissionMatrix):
    capability = "reports.view"
    other_clinic_not_applicable = "the clinic report covers the signed-in user's own clinics"

    def url(self, world, patient):
        return "/reports/"


class TestChartMatrix(PermissionMatrix):
    capability = "reports.view"
    other_clinic_not_applicable = "the clinic report covers the signed-in user's own clinics"

    def url(self, world, patient):
        return "/reports/charts/durability.svg"


class TestFiguresCsvMatrix(PermissionMatrix):
    capability = "reports.view"
    other_clinic_not_applicable = "the clinic report covers the signed-in user's own clinics"

    def url(self, world, patient):
        return "/reports/outcomes.csv"


class TestPdfMatrix(PermissionMatrix):
    capability = "reports.view"
    other_clinic_not_applicable = "the clinic report covers the signed-in user's own clinics"

    def url(self, world, patient):
        return "/reports/outcomes.pdf"


class TestDurabilityCsvMatrix(PermissionMatrix):
    capability = "reports.view"
    other_clinic_not_applicable = "the clinic report covers the signed-in user's own clinics"

    def url(self, world, patient):
        return "/reports/durability.csv"


@pytest.fixture
def clinic_data(world, settings):
    settings.REMIT_REPORT_MIN_N = 2
    user = world.users["prescriber"]
    F.induction_course(
        world.clinic, user, baseline=20, during=(14, 9), end=4, followups=[(30, 5)], cadss=(10, 22)
    )
    F.induction_course(
        world.clinic, user, baseline=22, during=(20, 18), end=17, retreat_after=21, cadss=(5, 3)
    )
    F.induction_course(world.clinic, user, baseline=18, during=(8,), end=6, retreat_after=40, cadss=(30,))
    F.induction_course(
        world.clinic, user, modality="tms", baseline=19, during=(18,), end=12, followups=[(14, 12)]
    )
    F.induction_course(
        world.other_clinic, world.users["other_clinic"], baseline=27, end=0, followups=[(99, 0)]
    )
    return world


def test_it_shows_the_figures_with_n_and_confidence_intervals(clinic_data):
    body = clinic_data.client("prescriber").get("/reports/").content.decode()
    assert "Outcome report" in body
    assert "Induction courses started</dt><dd>4<" in body
    assert "95% CI" in body and "n=4" in body
    assert 'src="/reports/charts/durability.svg?' in body


def test_it_counts_only_the_readers_clinics(clinic_data):
    # The other clinic's remitter (27 -> 0) would be a fifth course.
    body = clinic_data.client("clinic_admin").get("/reports/").content.decode()
    assert "Induction courses started</dt><dd>4<" in body


def test_the_modality_filter_narrows_the_courses(clinic_data):
    body = clinic_data.client("prescriber").get("/reports/", {"modality": "ketamine_iv"}).content.decode()
    assert "Induction courses started</dt><dd>3<" in body
    assert "modality=ketamine_iv" in body  # the chart and download links carry the filter


def test_another_clinics_id_in_the_filter_names_the_field_and_shows_no_figures(clinic_data):
    response = clinic_data.client("prescriber").get("/reports/", {"clinic": str(clinic_data.other_clinic.pk)})
    body = response.content.decode()
    assert response.status_code == 200
    assert "Clinic must be one of the choices offered" in body
    assert "Induction courses started" not in body


def test_a_reversed_date_range_names_the_field(clinic_data):
    body = (
        clinic_data.client("prescriber")
        .get("/reports/", {"date_from": "2026-03-01", "date_to": "2026-01-01"})
        .content.decode()
    )
    assert "The end date is before the start date." in body


def test_each_page_load_writes_one_view_audit_row_with_the_filters(clinic_data):
    client = clinic_data.client("prescriber")
    before = AuditEvent.objects.count()
    client.get("/reports/", {"modality": "tms"})
    assert AuditEvent.objects.count() == before + 1
    event = AuditEvent.objects.order_by("-seq").first()
    assert (event.action, event.object_type) == ("view", "reports.outcomes")
    assert event.detail["filters"] == {"modality": "tms"}
    assert event.patient_id is None


def test_charts_are_svg_and_not_audited(clinic_data):
    client = clinic_data.client("prescriber")
    before = AuditEvent.objects.count()
    for name in ("sessions", "durability", "dissociation", "strata"):
        response = client.get(f"/reports/charts/{name}.svg")
        assert response.status_code == 200
        assert response["Content-Type"] == "image/svg+xml"
        assert response.content.lstrip().startswith(b"<?xml")
        assert b"<svg" in response.content
    assert AuditEvent.objects.count() == before
    assert client.get("/reports/charts/nope.svg").status_code == 404


def test_the_page_has_no_inline_style_or_script(clinic_data):
    body = clinic_data.client("prescriber").get("/reports/").content.decode()
    assert "style=" not in body
    assert "<script>" not in body


@pytest.mark.parametrize(
    ("path", "kind", "start"),
    [
        ("/reports/outcomes.csv", "text/csv", b"section,measure"),
        ("/reports/durability.csv", "text/csv", b"course_id,modality"),
        ("/reports/outcomes.pdf", "application/pdf", b"%PDF"),
    ],
)
def test_downloads_are_audited_as_exports_with_the_filters(clinic_data, path, kind, start):
    client = clinic_data.client("prescriber")
    response = client.get(path, {"modality": "ketamine_iv"})
    assert response.status_code == 200
    assert response["Content-Type"].startswith(kind)
    assert "attachment" in response["Content-Disposition"]
    assert response.content.startswith(start)
    event = AuditEvent.objects.order_by("-seq").first()
    assert event.action == "export"
    assert event.detail["filters"] == {"modality": "ketamine_iv"}


@pytest.mark.parametrize(
    "path", ["/reports/outcomes.csv", "/reports/outcomes.pdf", "/reports/durability.csv"]
)
def test_downloads_ask_for_the_password_again_when_stale(world, path):
    client = world.client("prescriber")
    session = client.session
    session["reauth_at"] = 0
    session.save()
    response = client.get(path)
    assert response.status_code == 302
    assert "/accounts/reauth/" in response["Location"]


def test_the_durability_download_has_no_patient_identifiers(clinic_data):
    body = clinic_data.client("prescriber").get("/reports/durability.csv").content.decode()
    lines = body.strip().splitlines()
    assert lines[0] == "course_id,modality,protocol,days,event,baseline_total,end_total,peak_cadss"
    assert len(lines) == 1 + 4
    for patient in __import__("remit.patients.models", fromlist=["Patient"]).Patient.objects.all():
        assert patient.mrn not in body and patient.family_name not in body
