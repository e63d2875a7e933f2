"""The audit report: clinic administrators see who did what in their own clinics."""

from remit.audit import actions as audit
from remit.audit.models import AuditEvent
from remit.testing import PermissionMatrix, make_patient


class TestAuditReportMatrix(PermissionMatrix):
    capability = "audit.view"
    other_clinic_not_applicable = "a clinic-wide list: each clinic's staff see their own clinic's rows"

    def url(self, world, patient):
        return "/audit/"


class TestAuditExportMatrix(PermissionMatrix):
    capability = "audit.view"
    other_clinic_not_applicable = "a clinic-wide list: each clinic's staff see their own clinic's rows"

    def url(self, world, patient):
        return "/audit/export.csv"


class TestDisclosuresMatrix(PermissionMatrix):
    capability = "audit.view"

    def url(self, world, patient):
        return f"/audit/patients/{patient.pk}/disclosures/"


def test_it_lists_events_of_the_admins_clinic_only(world):
    mine = make_patient(world.clinic, family_name="Minefield")
    theirs = make_patient(world.other_clinic, family_name="Elsewhere")
    audit.record(audit.VIEW, actor=world.users["nurse"], obj=mine, patient=mine)
    audit.record(audit.VIEW, actor=world.users["other_clinic"], obj=theirs, patient=theirs)
    response = world.client("clinic_admin").get("/audit/")
    body = response.content.decode()
    assert "Minefield" in body
    assert "Elsewhere" not in body


def test_it_filters_by_patient_user_and_action(world):
    one = make_patient(world.clinic, mrn="A-1", family_name="Onesie")
    two = make_patient(world.clinic, mrn="A-2", family_name="Twosome")
    audit.record(audit.VIEW, actor=world.users["nurse"], obj=one, patient=one)
    audit.record(audit.UPDATE, actor=world.users["prescriber"], obj=two, patient=two)
    client = world.client("clinic_admin")
    by_patient = client.get("/audit/", {"patient": "A-2"}).content.decode()
    assert "Twosome" in by_patient and "Onesie" not in by_patient
    by_user = client.get("/audit/", {"user": "nurse"}).content.decode()
    assert "Onesie" in by_user and "Twosome" not in by_user
    by_action = client.get("/audit/", {"action": "update"}).content.decode()
    assert "Twosome" in by_action and "Onesie" not in by_action


def test_a_reversed_date_range_names_the_field(world):
    response = world.client("clinic_admin").get(
        "/audit/", {"date_from": "2026-02-01", "date_to": "2026-01-01"}
    )
    assert "The end date is before the start date." in response.content.decode()


def test_viewing_the_report_is_itself_audited_once(world):
    before = AuditEvent.objects.count()
    world.client("clinic_admin").get("/audit/")
    assert AuditEvent.objects.count() == before + 1
    assert AuditEvent.objects.order_by("-seq").first().object_type == "audit.report"


def test_the_csv_export_is_audited_as_an_export(world):
    patient = make_patient(world.clinic)
    audit.record(audit.VIEW, actor=world.users["nurse"], obj=patient, patient=patient)
    response = world.client("clinic_admin").get("/audit/export.csv")
    assert response.status_code == 200
    body = b"".join(response.streaming_content).decode()
    assert body.splitlines()[0].startswith("seq,at,actor,action")
    assert "nurse" in body
    assert AuditEvent.objects.order_by("-seq").first().action == audit.EXPORT


def test_the_csv_export_asks_for_the_password_again_when_stale(world):
    client = world.client("clinic_admin")
    session = client.session
    session["reauth_at"] = 0
    session.save()
    response = client.get("/audit/export.csv")
    assert response.status_code == 302
    assert "/accounts/reauth/" in response["Location"]


def test_disclosures_list_exports_of_that_patient_only(world):
    patient = make_patient(world.clinic)
    other = make_patient(world.clinic)
    audit.record(
        audit.EXPORT,
        actor=world.users["prescriber"],
        obj=patient,
        patient=patient,
        detail={"what": "REMS patient monitoring form", "format": "pdf"},
    )
    audit.record(audit.VIEW, actor=world.users["nurse"], obj=patient, patient=patient)
    audit.record(
        audit.DISCLOSE,
        actor=world.users["prescriber"],
        obj=other,
        patient=other,
        detail={"document": "progress report (PDF)", "recipient": "Dr. Other"},
    )
    body = world.client("clinic_admin").get(f"/audit/patients/{patient.pk}/disclosures/").content.decode()
    assert "REMS patient monitoring form (PDF)" in body
    assert "Dr. Other" not in body and "Progress report" not in body


def test_the_report_runs_a_fixed_number_of_queries(world, django_assert_max_num_queries):
    client = world.client("clinic_admin")
    for n in range(5):
        p = make_patient(world.clinic)
        audit.record(audit.VIEW, actor=world.users["nurse"], obj=p, patient=p)
    with django_assert_max_num_queries(25) as few:
        client.get("/audit/")
    for n in range(40):
        p = make_patient(world.clinic)
        audit.record(audit.VIEW, actor=world.users["nurse"], obj=p, patient=p)
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get("/audit/")


def test_the_chart_links_an_administrator_to_the_patients_disclosures(world):
    patient = make_patient(world.clinic)
    body = world.client("clinic_admin").get(f"/patients/{patient.pk}/").content.decode()
    assert f"/audit/patients/{patient.pk}/disclosures/" in body
    nurse = world.client("nurse").get(f"/patients/{patient.pk}/").content.decode()
    assert "disclosures" not in nurse


def test_older_events_are_on_the_next_page_with_the_filter_kept(world):
    patient = make_patient(world.clinic)
    for _ in range(55):
        audit.record(audit.VIEW, actor=world.users["nurse"], obj=patient, patient=patient)
    body = world.client("clinic_admin").get("/audit/", {"action": "view"}).content.decode()
    assert 'href="?action=view&amp;page=2" rel="next">Older</a>' in body
