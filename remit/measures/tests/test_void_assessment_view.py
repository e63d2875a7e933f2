"""Voiding an assessment from the measures page: kept, struck through, with a reason."""

from __future__ import annotations

from django.urls import reverse

from remit.measures import actions_assessments
from remit.measures.models import Assessment
from remit.testing import PermissionMatrix, make_patient

GAD7 = {f"q{i}": 1 for i in range(1, 8)}


def void_url(patient, assessment):
    return reverse("measures:void", kwargs={"pk": patient.pk, "assessment_pk": assessment.pk})


def _assessment(patient):
    return actions_assessments.record_assessment(
        patient=patient, instrument="gad7", answers=GAD7, respondent="patient"
    )


class TestPermissions(PermissionMatrix):
    capability = "measures.rate"

    def url(self, world, patient):
        return void_url(patient, _assessment(patient))


class TestPostPermissions(PermissionMatrix):
    capability = "measures.rate"
    ok_status = 302

    def url(self, world, patient):
        return void_url(patient, _assessment(patient))

    def request(self, client, url):
        return client.post(url, {"reason": "entered in error"})


def test_it_voids_with_the_reason_and_keeps_the_row(world):
    patient = make_patient(world.clinic)
    a = _assessment(patient)
    response = world.client("nurse").post(void_url(patient, a), {"reason": "wrong patient"})
    assert response.status_code == 302
    a.refresh_from_db()
    assert a.is_voided and a.void_reason == "wrong patient"
    assert Assessment.objects.count() == 1


def test_a_blank_reason_is_named_and_nothing_changes(world):
    patient = make_patient(world.clinic)
    a = _assessment(patient)
    response = world.client("nurse").post(void_url(patient, a), {"reason": ""})
    assert "Reason for voiding" in response.content.decode()
    a.refresh_from_db()
    assert not a.is_voided


def test_another_patients_assessment_is_not_found(world):
    patient, other = make_patient(world.clinic), make_patient(world.clinic)
    a = _assessment(other)
    assert world.client("nurse").get(void_url(patient, a)).status_code == 404
