"""A patient's screenings, newest first."""

from __future__ import annotations

import pytest
from django.urls import reverse

from remit.audit.models import AuditEvent
from remit.screening.tests.conftest import draft, signed
from remit.testing import PermissionMatrix, make_patient


def url(patient):
    return reverse("screening:patient", kwargs={"pk": patient.pk})


class TestPermissions(PermissionMatrix):
    capability = "clinical.view"

    def url(self, world, patient):
        return url(patient)


def test_it_lists_drafts_and_signed_screenings(world, patient):
    draft(world, patient)
    signed(world, patient)
    response = world.client("nurse").get(url(patient))
    page = response.content.decode()
    assert "Draft" in page and "Signed" in page
    assert len(response.context["rows"]) == 2
    assert AuditEvent.objects.filter(action="view", patient_id=patient.pk).count() == 1


@pytest.mark.parametrize("n", [1, 6])
def test_its_queries_do_not_grow_with_the_screenings(world, django_assert_max_num_queries, n):
    patient = make_patient(world.clinic)
    for _ in range(n):
        signed(world, patient)
    client = world.client("nurse")
    with django_assert_max_num_queries(14):
        assert client.get(url(patient)).status_code == 200
