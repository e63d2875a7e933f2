"""An open high alert is a banner at the top of the patient's chart, above the name, for clinical staff."""

from __future__ import annotations

from django.urls import reverse
from django.utils import timezone

from remit.testing import make_patient

from .conftest import make_alert


def chart(client, patient) -> str:
    response = client.get(reverse("patients:detail", args=[patient.pk]))
    assert response.status_code == 200
    return response.content.decode()


def test_an_open_high_alert_is_a_banner_above_the_patients_name(world):
    patient = make_patient(world.clinic, family_name="Quinlan", given_name="Ada")
    alert = make_alert(patient, "high", reason="PHQ-9 item 9 answered 3 (nearly every day).")
    html = chart(world.client("nurse"), patient)
    banner = html.index('data-testid="high-alert-banner"')
    assert banner < html.index("<h1>Quinlan, Ada")
    assert "Suicidal ideation reported" in html[banner:]
    assert "PHQ-9 item 9 answered 3" in html
    assert reverse("alerts:detail", args=[alert.pk]) in html


def test_medium_and_acknowledged_alerts_make_no_banner(world):
    patient = make_patient(world.clinic)
    make_alert(patient, "medium")
    make_alert(
        patient,
        "high",
        status="acknowledged",
        acknowledged_by=world.users["prescriber"],
        acknowledged_at=timezone.now(),
        acknowledgement_note="Called; safety plan reviewed.",
    )
    assert "high-alert-banner" not in chart(world.client("prescriber"), patient)


def test_front_desk_sees_no_banner(world):
    patient = make_patient(world.clinic)
    make_alert(patient, "high")
    assert "high-alert-banner" not in chart(world.client("front_desk"), patient)
