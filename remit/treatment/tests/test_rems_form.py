"""Signing an esketamine session makes a complete REMS Patient Monitoring Form due in 7 days."""

# ruff: noqa: F811  (the ``clock`` fixture is imported from factories)

from __future__ import annotations

import datetime as dt

from remit.audit.models import AuditEvent
from remit.patients.models import Medication
from remit.testing import PermissionMatrix
from remit.treatment import actions_signing, monitoring
from remit.treatment.models import RemsMonitoringForm
from remit.treatment.rems_form import FIELDS, build_form_data

from .factories import START, clock, make_session, monitored_esketamine  # noqa: F401

COMPLETE = {"alert_oriented": True, "vitals_in_range": True, "escort_present": True}


def signed_form(world, clock):
    session = monitored_esketamine(world, clock)
    Medication.objects.create(patient=session.patient, name="lorazepam", is_benzodiazepine=True)
    Medication.objects.create(patient=session.patient, name="zolpidem")
    clock.set(monitoring.first_device_at(session), minutes=121)
    actions_signing.discharge(session, COMPLETE, actor=world.users["nurse"])
    actions_signing.sign(session, actor=world.users["nurse"])
    return RemsMonitoringForm.objects.get(session=session)


def test_every_field_of_the_form_is_filled(world, clock):
    form = signed_form(world, clock)
    # Stored as JSON (PostgreSQL keeps no key order); pages and the PDF lay it out in FIELDS order.
    assert sorted(form.data) == sorted(key for key, _label in FIELDS)
    assert all(str(value).strip() for value in form.data.values()), form.data
    data = form.data
    assert data["dose"] == "56 mg" and data["lot_number"] == "LOT123"
    assert data["total_minutes"] == "121" and data["ready_to_leave_minutes"] == "90"
    assert data["first_treatment"] == "Yes" and data["enrolled_in_rems"].startswith("Yes")
    assert data["benzodiazepines"] == "Yes: lorazepam"
    assert data["non_benzodiazepine_hypnotics"] == "Yes: zolpidem"
    assert data["maois"] == "No" and data["opioids"] == "No"
    assert data["bp_pre_dose"].startswith("124/78") and data["bp_40_min"].startswith("138/84")
    assert data["bp_pre_discharge"].startswith("126/80")
    assert data["respiratory_depression_resolved"] == "Not applicable (not observed)"
    assert data["setting_name"] == "Clinic A"
    assert form.due_by == START.date() + dt.timedelta(days=7)


def test_signing_is_refused_when_the_form_would_be_incomplete(world, clock):
    session = monitored_esketamine(world, clock)
    clock.set(monitoring.first_device_at(session), minutes=121)
    actions_signing.discharge(session, COMPLETE, actor=world.users["nurse"])
    rems = dict(session.rems)
    rems["setting_address"] = ""
    type(session).objects.filter(pk=session.pk).update(rems=rems)
    response = world.client("nurse").post(f"/treatment/sessions/{session.pk}/sign/")
    assert "The REMS form is incomplete: setting_address" in response.content.decode()
    assert RemsMonitoringForm.objects.count() == 0


def test_a_second_session_is_not_the_first_treatment(world, clock):
    form = signed_form(world, clock)
    later = make_session(
        world,
        "esketamine",
        patient=form.session.patient,
        number=2,
        scheduled_for=form.session.scheduled_for + dt.timedelta(days=3),
    )
    data = build_form_data(later, signer=world.users["nurse"])
    assert data["first_treatment"] == "No"


class TestFormPage(PermissionMatrix):
    capability = "sessions.chart"

    def url(self, world, patient):
        session = make_session(world, "esketamine", patient=patient)
        form = RemsMonitoringForm.objects.create(
            session=session, data={"patient_name": "x"}, due_by=START.date()
        )
        return f"/treatment/rems/{form.pk}/"


class TestPdf(PermissionMatrix):
    capability = "sessions.chart"

    def url(self, world, patient):
        session = make_session(world, "esketamine", patient=patient)
        form = RemsMonitoringForm.objects.create(
            session=session, data={"patient_name": "x"}, due_by=START.date()
        )
        return f"/treatment/rems/{form.pk}/pdf/"


def test_the_pdf_is_a_pdf_and_is_audited_as_a_disclosure(world, clock):
    form = signed_form(world, clock)
    before = AuditEvent.objects.count()
    response = world.client("nurse").get(f"/treatment/rems/{form.pk}/pdf/")
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    rows = list(AuditEvent.objects.order_by("seq"))[before:]
    assert [(r.action, r.object_type, r.patient_id) for r in rows] == [
        ("export", "treatment.remsmonitoringform", form.session.patient_id)
    ]


def test_the_printable_page_shows_every_field(world, clock):
    form = signed_form(world, clock)
    html = world.client("nurse").get(f"/treatment/rems/{form.pk}/").content.decode()
    for _key, label in FIELDS:
        assert label.replace("'", "&#x27;") in html
    assert "LOT123" in html
