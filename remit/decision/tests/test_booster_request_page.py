"""Staff log a patient's booster request; an early one raises a misuse-signal alert at once."""

from __future__ import annotations

from django.urls import reverse

from remit.alerts.models import Alert
from remit.decision.models import BoosterRequest
from remit.decision.tests.helpers_outcomes import day, make_course
from remit.testing import PermissionMatrix, login, make_patient
from remit.treatment.models import Course


def url(patient):
    return reverse("decision:booster_request", args=[patient.pk])


class TestPermissions(PermissionMatrix):
    capability = "clinical.edit"

    def url(self, world, patient):
        return url(patient)


class TestPostPermissions(PermissionMatrix):
    capability = "clinical.edit"
    ok_status = 302

    def url(self, world, patient):
        return url(patient)

    def request(self, client, url):
        return client.post(url, {"requested_on": day(0).isoformat()})


def on_maintenance(world):
    patient = make_patient(world.clinic)
    make_course(world, patient, [day(-60 + 2 * i) for i in range(6)], status=Course.COMPLETED)
    make_course(world, patient, [day(-20), day(-3)], phase="maintenance", planned=4)
    return patient


def test_it_records_the_request_and_raises_the_early_request_alert(world):
    patient = on_maintenance(world)
    response = world.client("nurse").post(url(patient), {"requested_on": day(0).isoformat(), "note": "asked"})
    assert response.status_code == 302
    row = BoosterRequest.objects.get(patient=patient)
    assert row.requested_on == day(0) and row.entered_by == world.users["nurse"]
    assert Alert.objects.filter(
        patient=patient, kind="misuse_signal", detail__rule="early_booster_request"
    ).exists()


def test_a_future_date_is_refused_naming_the_field_and_nothing_is_saved(world):
    patient = on_maintenance(world)
    response = world.client("nurse").post(url(patient), {"requested_on": day(3).isoformat()})
    assert response.status_code == 200
    assert "Date the patient asked" in response.content.decode()
    assert "cannot be in the future" in response.content.decode()
    assert BoosterRequest.objects.count() == 0


def test_a_missing_date_is_refused(world):
    patient = on_maintenance(world)
    response = world.client("nurse").post(url(patient), {"requested_on": ""})
    assert response.status_code == 200 and "is required." in response.content.decode()
    assert BoosterRequest.objects.count() == 0


def test_it_needs_the_csrf_token(world, csrf_client):
    patient = on_maintenance(world)
    login(csrf_client, world.users["nurse"])
    assert csrf_client.post(url(patient), {"requested_on": day(0).isoformat()}).status_code == 403
    assert BoosterRequest.objects.count() == 0
