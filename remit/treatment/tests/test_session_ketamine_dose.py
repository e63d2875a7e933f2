"""Ketamine dose: computed from weight and mg/kg, shown before confirming, stored; the clinic maximum is a hard stop."""

# ruff: noqa: F811  (the ``clock`` fixture is imported from factories)

from __future__ import annotations

from decimal import Decimal

import pytest

from remit.patients.models import WeightEntry
from remit.testing import make_patient
from remit.treatment import actions_checkin
from remit.treatment.models import Session

from .factories import KETAMINE_CHECKLIST, clock, make_session, step_url  # noqa: F401

DOSE = {"weight_kg": "80", "mg_per_kg": "0.5", "concentration_mg_per_ml": "10", "infusion_minutes": "40"}


@pytest.fixture
def session(world, clock):
    session = make_session(world, "ketamine_iv", patient=make_patient(world.clinic, sex_at_birth="male"))
    actions_checkin.check_in(session, actor=world.users["nurse"])
    actions_checkin.save_checklist(session, KETAMINE_CHECKLIST, actor=world.users["nurse"])
    return session


def test_it_shows_the_computed_dose_before_confirming_and_stores_nothing(world, session):
    response = world.client("nurse").post(step_url(session, "dose"), {**DOSE, "preview": "1"})
    assert response.status_code == 200
    html = response.content.decode()
    assert "40.0 mg" in html and "4.00 mL" in html and "6.0 mL/h" in html
    assert "Confirm dose" in html
    assert Session.objects.get(pk=session.pk).dose_mg is None


def test_it_stores_the_confirmed_dose_and_todays_weight(world, session):
    response = world.client("nurse").post(step_url(session, "dose"), {**DOSE, "confirm": "1"})
    assert response.status_code == 302
    stored = Session.objects.get(pk=session.pk)
    assert (stored.dose_mg, stored.volume_ml, stored.rate_ml_per_h) == (
        Decimal("40.0"),
        Decimal("4.00"),
        Decimal("6.0"),
    )
    assert stored.weight_kg == Decimal("80.0") and stored.infusion_minutes == 40
    assert WeightEntry.objects.filter(patient=session.patient, weight_kg=Decimal("80.0")).count() == 1


def test_an_im_dose_has_no_pump_rate(world, clock):
    session = make_session(world, "ketamine_im", patient=make_patient(world.clinic, sex_at_birth="male"))
    actions_checkin.check_in(session, actor=world.users["nurse"])
    actions_checkin.save_checklist(session, KETAMINE_CHECKLIST, actor=world.users["nurse"])
    data = {k: v for k, v in DOSE.items() if k != "infusion_minutes"}
    response = world.client("nurse").post(step_url(session, "dose"), data)
    assert response.status_code == 302
    stored = Session.objects.get(pk=session.pk)
    assert stored.dose_mg == Decimal("40.0") and stored.rate_ml_per_h is None


@pytest.mark.parametrize("persona", ["nurse", "prescriber"])
def test_above_the_maximum_is_refused_without_an_override_naming_the_field(world, session, persona):
    response = world.client(persona).post(step_url(session, "dose"), {**DOSE, "mg_per_kg": "1.5"})
    assert response.status_code == 200
    html = response.content.decode()
    assert "Dose (mg/kg)" in html and "above the clinic maximum of 1.00 mg/kg" in html
    assert Session.objects.get(pk=session.pk).dose_mg is None
    assert WeightEntry.objects.count() == 0


def test_a_nurse_cannot_override_the_maximum(world, session):
    response = world.client("nurse").post(
        step_url(session, "dose"), {**DOSE, "mg_per_kg": "1.5", "override_reason": "Ordered by Dr X"}
    )
    assert response.status_code == 200
    assert "Only a prescriber can override" in response.content.decode()
    assert Session.objects.get(pk=session.pk).dose_mg is None


def test_a_prescriber_overrides_the_maximum_with_a_reason(world, session):
    response = world.client("prescriber").post(
        step_url(session, "dose"),
        {**DOSE, "mg_per_kg": "1.5", "override_reason": "Partial response at 1.0 mg/kg; tolerated well."},
    )
    assert response.status_code == 302
    stored = Session.objects.get(pk=session.pk)
    assert stored.dose_mg == Decimal("120.0")
    assert stored.dose_override_by == world.users["prescriber"]
    assert stored.dose_override_reason.startswith("Partial response")


def test_weight_zero_is_refused_naming_the_field_and_nothing_is_saved(world, session):
    response = world.client("nurse").post(step_url(session, "dose"), {**DOSE, "weight_kg": "0"})
    assert response.status_code == 200
    html = response.content.decode()
    assert "Today&#x27;s weight (kg): must be greater than 0" in html
    assert Session.objects.get(pk=session.pk).dose_mg is None
    assert WeightEntry.objects.count() == 0


def test_dosing_cannot_start_before_the_dose_is_confirmed(world, session):
    response = world.client("nurse").post(step_url(session, "dose_start"))
    assert response.status_code == 200
    assert "compute and confirm the dose first" in response.content.decode()
    assert Session.objects.get(pk=session.pk).dose_started_at is None


def test_an_im_injection_starts_monitoring_at_once(world, clock):
    from .factories import ready_ketamine

    session = ready_ketamine(world, clock, modality="ketamine_im")
    assert world.client("nurse").post(step_url(session, "dose_start")).status_code == 302
    stored = Session.objects.get(pk=session.pk)
    assert stored.dose_ended_at == stored.dose_started_at == clock.at
    assert stored.status == Session.MONITORING
