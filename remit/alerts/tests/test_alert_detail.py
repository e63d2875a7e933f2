"""An alert's page: what, why, who and when, with the acknowledgement form; one audit row for the patient."""

from __future__ import annotations

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from remit.audit.models import AuditEvent
from remit.testing import PermissionMatrix, make_patient

from .conftest import make_alert


class TestPermissions(PermissionMatrix):
    capability = "clinical.view"

    def url(self, world, patient):
        return reverse("alerts:detail", args=[make_alert(patient).pk])


def test_it_shows_the_alert_and_the_acknowledge_form(world):
    patient = make_patient(world.clinic, family_name="Quinlan")
    alert = make_alert(
        patient, "high", reason="C-SSRS screen: high risk.", detail={"total": 3, "band": "high"}
    )
    response = world.client("prescriber").get(reverse("alerts:detail", args=[alert.pk]))
    html = response.content.decode()
    assert "C-SSRS screen: high risk." in html
    assert "Quinlan" in html
    assert reverse("alerts:acknowledge", args=[alert.pk]) in html
    assert 'name="note"' in html
    assert "<dt>Band</dt><dd>high</dd>" in html


def test_it_writes_one_view_row_for_the_patient(world):
    patient = make_patient(world.clinic)
    alert = make_alert(patient)
    client = world.client("nurse")
    before = AuditEvent.objects.count()
    client.get(reverse("alerts:detail", args=[alert.pk]))
    rows = list(AuditEvent.objects.order_by("seq"))[before:]
    assert len(rows) == 1
    assert (rows[0].action, rows[0].object_type, rows[0].object_id) == ("view", "alerts.alert", str(alert.pk))
    assert rows[0].patient_id == patient.pk
    assert rows[0].clinic_id == world.clinic.pk


def test_another_clinics_alert_is_not_found(world):
    alert = make_alert(make_patient(world.other_clinic))
    assert world.client("prescriber").get(reverse("alerts:detail", args=[alert.pk])).status_code == 404
    assert world.client("nurse").get(reverse("alerts:detail", args=[999999])).status_code == 404


def test_an_acknowledged_alert_shows_who_when_and_the_note_without_a_form(world):
    from django.utils import timezone

    alert = make_alert(
        make_patient(world.clinic),
        status="acknowledged",
        acknowledged_by=world.users["nurse"],
        acknowledged_at=timezone.now(),
        acknowledgement_note="Spoke with patient, safe.",
    )
    html = world.client("prescriber").get(reverse("alerts:detail", args=[alert.pk])).content.decode()
    assert "Spoke with patient, safe." in html
    assert "Nurse Persona" in html
    assert 'name="note"' not in html


def test_its_query_count_is_fixed(world):
    client = world.client("nurse")
    small = make_alert(make_patient(world.clinic), detail={"a": 1})
    big = make_alert(make_patient(world.clinic), "high", detail={f"k{n}": n for n in range(30)})
    client.get(reverse("alerts:detail", args=[small.pk]))
    counts = []
    for alert in (small, big):
        with CaptureQueriesContext(connection) as context:
            client.get(reverse("alerts:detail", args=[alert.pk]))
        counts.append(len(context.captured_queries))
    assert counts[0] == counts[1]
