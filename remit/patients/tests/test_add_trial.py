"""Adding an antidepressant trial to the chart."""

from __future__ import annotations

from django.urls import reverse

from remit.audit.models import AuditEvent
from remit.patients.models import AntidepressantTrial
from remit.testing import PermissionMatrix, error_summary, make_patient


def url(patient):
    return reverse("patients:add_trial", kwargs={"pk": patient.pk})


VALID = {
    "drug": "sertraline",
    "max_daily_dose_mg": "200",
    "weeks": "8",
    "adequate": "yes",
    "outcome": "partial",
}


class TestPermissionsToOpen(PermissionMatrix):
    capability = "clinical.edit"

    def url(self, world, patient):
        return url(patient)


class TestPermissionsToAdd(PermissionMatrix):
    capability = "clinical.edit"
    ok_status = 302

    def url(self, world, patient):
        return url(patient)

    def request(self, client, url):
        return client.post(url, VALID)


def test_it_adds_a_trial_that_counts_as_adequate_failed(world):
    patient = make_patient(world.clinic)
    client = world.client("prescriber")
    client.post(url(patient), VALID)
    trial = AntidepressantTrial.objects.get()
    assert trial.adequate is True and trial.failed_adequate
    assert client.get(reverse("patients:detail", kwargs={"pk": patient.pk})).context["failed_adequate"] == 1


def test_no_is_an_answer_and_blank_is_not(world):
    patient = make_patient(world.clinic)
    client = world.client("nurse")
    client.post(url(patient), {**VALID, "adequate": "no"})
    assert AntidepressantTrial.objects.get().adequate is False
    response = client.post(url(patient), {**VALID, "adequate": ""})
    assert "adequate" in response.context["form"].errors
    assert AntidepressantTrial.objects.count() == 1


def test_bad_numbers_are_refused_naming_the_fields(world):
    patient = make_patient(world.clinic)
    events = AuditEvent.objects.count()
    response = world.client("nurse").post(url(patient), {**VALID, "max_daily_dose_mg": "-5", "weeks": "0"})
    errors = response.context["form"].errors
    assert "max_daily_dose_mg" in errors and "weeks" in errors
    html = response.content.decode()
    assert "Maximum daily dose (mg)" in error_summary(html) and "Weeks" in error_summary(html)
    assert not AntidepressantTrial.objects.exists()
    assert AuditEvent.objects.count() == events
