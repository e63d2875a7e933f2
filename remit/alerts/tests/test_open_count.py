"""The navigation's open-alert count (an htmx fragment): the user's clinics only, no patient data."""

from __future__ import annotations

from django.urls import reverse
from django.utils import timezone

from remit.audit.models import AuditEvent
from remit.testing import PermissionMatrix, make_patient

from .conftest import make_alert

COUNT = reverse("alerts:count")


class TestPermissions(PermissionMatrix):
    capability = "clinical.view"
    other_clinic_not_applicable = "a clinic-wide list: each clinic's staff see their own clinic's rows"

    def url(self, world, patient):
        return COUNT


def test_it_counts_open_alerts_of_the_users_clinics(world):
    patient = make_patient(world.clinic, family_name="Quinlan")
    make_alert(patient, "high")
    make_alert(patient, "low")
    make_alert(
        patient,
        status="acknowledged",
        acknowledged_by=world.users["nurse"],
        acknowledged_at=timezone.now(),
        acknowledgement_note="seen",
    )
    make_alert(make_patient(world.other_clinic))
    before = AuditEvent.objects.count()
    response = world.client("nurse").get(COUNT)
    html = response.content.decode()
    assert "2 open alerts" in html
    assert "danger" in html
    assert "Quinlan" not in html
    assert AuditEvent.objects.count() == before  # a number, not patient data


def test_it_says_zero(world):
    assert "0 open alerts" in world.client("nurse").get(COUNT).content.decode()
