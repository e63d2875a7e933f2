"""Front desk sees demographics and scheduling only: every clinical view refuses them."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from django.urls import reverse

from remit.patients.models import Diagnosis, WeightEntry
from remit.testing import make_patient

ADD = ["add_weight", "add_diagnosis", "add_trial", "add_medication", "add_allergy"]


@pytest.mark.parametrize("name", ADD)
@pytest.mark.parametrize("method", ["get", "post"])
def test_front_desk_is_refused_every_clinical_add_view(world, name, method):
    patient = make_patient(world.clinic)
    client = world.client("front_desk")
    response = getattr(client, method)(reverse(f"patients:{name}", kwargs={"pk": patient.pk}))
    assert response.status_code == 403


def test_front_desk_is_refused_voiding_clinical_records(world):
    patient = make_patient(world.clinic)
    weight = WeightEntry.objects.create(
        patient=patient, measured_on=date(2024, 1, 1), weight_kg=Decimal("70")
    )
    diagnosis = Diagnosis.objects.create(patient=patient, code="F33.2")
    client = world.client("front_desk")
    for name, record in [("void_weight", weight), ("void_diagnosis", diagnosis)]:
        url = reverse(f"patients:{name}", kwargs={"pk": patient.pk, "record_pk": record.pk})
        assert client.post(url, {"reason": "x"}).status_code == 403
        record.refresh_from_db()
        assert not record.is_voided


def test_front_desk_is_refused_the_medication_lookup(world):
    assert world.client("front_desk").get(reverse("patients:medication_flags")).status_code == 403
