"""Charting shortcuts: each is one action and keeps every rule of the step it replaces."""

# ruff: noqa: F811  (the ``clock`` fixture is imported from factories)

from __future__ import annotations

import pytest
from django.utils import timezone

from remit.alerts.models import Alert
from remit.measures.models import Assessment
from remit.treatment import actions_dosing
from remit.treatment.models import Session, VitalSign

from .factories import clock, make_session, ready_ketamine, session_url, step_url  # noqa: F401

WITHIN = {"blood_pressure": "128/80", "heart_rate": "74", "spo2": "98", "respiratory_rate": "14"}
CADSS6 = {f"cadss6-{item}": "1" for item in ("q1", "q2", "q6", "q7", "q15", "q22")}


@pytest.fixture
def running(world, clock):
    session = ready_ketamine(world, clock)
    actions_dosing.start_dose(session, actor=world.users["nurse"])
    return session


def test_blood_pressure_typed_as_128_over_80_is_stored_as_systolic_and_diastolic(world, running):
    response = world.client("nurse").post(step_url(running, "vitals"), WITHIN)
    assert response.status_code == 302
    vital = VitalSign.objects.get()
    assert (vital.systolic, vital.diastolic, vital.heart_rate) == (128, 80, 74)


def test_blood_pressure_without_a_slash_is_refused_naming_the_field(world, running):
    response = world.client("nurse").post(step_url(running, "vitals"), {**WITHIN, "blood_pressure": "128"})
    assert response.status_code == 200
    assert "Blood pressure: enter it as systolic/diastolic" in response.content.decode()
    assert VitalSign.objects.count() == 0


def test_a_reading_taken_earlier_is_stored_at_the_time_entered(world, running, clock):
    clock.advance(minutes=20)  # 09:20
    response = world.client("nurse").post(step_url(running, "vitals"), {**WITHIN, "taken_at": "09:15"})
    assert response.status_code == 302
    assert timezone.localtime(VitalSign.objects.get().taken_at).strftime("%H:%M") == "09:15"


def test_a_reading_in_the_future_is_refused_naming_the_time_and_nothing_is_stored(world, running, clock):
    response = world.client("nurse").post(step_url(running, "vitals"), {**WITHIN, "taken_at": "09:30"})
    assert response.status_code == 200
    assert "Time taken: The time taken is later than now (09:00)" in response.content.decode()
    assert VitalSign.objects.count() == 0


def test_a_reading_before_check_in_is_refused(world, running, clock):
    response = world.client("nurse").post(step_url(running, "vitals"), {**WITHIN, "taken_at": "08:30"})
    assert response.status_code == 200
    assert "before check-in (09:00)" in response.content.decode()
    assert VitalSign.objects.count() == 0


def test_same_as_last_records_a_new_reading_now_equal_to_the_last(world, running, clock):
    client = world.client("nurse")
    client.post(step_url(running, "vitals"), WITHIN)
    clock.advance(minutes=15)
    assert client.post(step_url(running, "vitals_same")).status_code == 302
    first, second = VitalSign.objects.order_by("taken_at")
    assert [
        getattr(second, f) for f in ("systolic", "diastolic", "heart_rate", "spo2", "respiratory_rate")
    ] == [
        128,
        80,
        74,
        98,
        14,
    ]
    assert (second.taken_at - first.taken_at).total_seconds() == 15 * 60


def test_same_as_last_is_refused_without_an_earlier_reading(world, running):
    response = world.client("nurse").post(step_url(running, "vitals_same"))
    assert response.status_code == 200
    assert "no earlier reading to repeat" in response.content.decode()
    assert VitalSign.objects.count() == 0


def test_same_as_last_is_refused_when_the_last_reading_was_out_of_range(world, running, clock):
    client = world.client("nurse")
    client.post(step_url(running, "vitals"), {**WITHIN, "blood_pressure": "190/100"})
    clock.advance(minutes=15)
    response = client.post(step_url(running, "vitals_same"))
    assert "was outside the thresholds: enter this reading in full" in response.content.decode()
    assert VitalSign.objects.count() == 1 and Alert.objects.count() == 1


def test_all_confirmed_ticks_every_checklist_item_shown(world, clock):
    session = make_session(world, "ketamine_iv")
    client = world.client("nurse")
    client.post(step_url(session, "check_in"))
    response = client.post(step_url(session, "checklist"), {"all_confirmed": "1", "pregnancy": "negative"})
    assert response.status_code == 302
    checklist = Session.objects.get(pk=session.pk).checklist
    assert all(checklist[k] for k in ("fasting", "escort", "no_new_medications", "questionnaire"))
    html = client.get(session_url(session)).content.decode()
    assert "Fasting as instructed" in html  # each item is still shown


def test_confirm_and_start_charts_the_dose_and_starts_the_infusion_in_one_action(world, clock):
    session = ready_ketamine(world, clock)
    Session.objects.filter(pk=session.pk).update(dose_mg=None)
    data = {"weight_kg": "80", "mg_per_kg": "0.5", "concentration_mg_per_ml": "10", "infusion_minutes": "40"}
    response = world.client("nurse").post(step_url(session, "dose"), {**data, "start": "1"})
    assert response.status_code == 302
    stored = Session.objects.get(pk=session.pk)
    assert stored.dose_mg == 40 and stored.dose_started_at is not None


def test_confirm_and_start_with_the_checklist_incomplete_charts_nothing(world, clock):
    """The checklist gate still holds: neither the dose nor the start is charted."""
    session = make_session(world, "ketamine_iv")
    client = world.client("nurse")
    client.post(step_url(session, "check_in"))
    data = {"weight_kg": "80", "mg_per_kg": "0.5", "concentration_mg_per_ml": "10", "infusion_minutes": "40"}
    response = client.post(step_url(session, "dose"), {**data, "start": "1"})
    assert response.status_code == 200
    stored = Session.objects.get(pk=session.pk)
    assert stored.dose_started_at is None and stored.dose_mg is None


def test_cadss6_and_moaas_are_saved_from_one_form(world, running):
    response = world.client("nurse").post(step_url(running, "ratings"), {**CADSS6, "moaas-score": "4"})
    assert response.status_code == 302
    assert sorted(Assessment.objects.values_list("instrument", "total")) == [("cadss6", 6), ("moaas", 4)]


def test_a_half_rated_cadss6_is_refused_naming_the_item_and_neither_scale_is_saved(world, running):
    partial = dict(list(CADSS6.items())[:3])
    response = world.client("nurse").post(step_url(running, "ratings"), {**partial, "moaas-score": "4"})
    assert response.status_code == 200
    assert "Not rated: rate this item." in response.content.decode()
    assert Assessment.objects.count() == 0


def test_an_empty_ratings_form_is_refused(world, running):
    response = world.client("nurse").post(step_url(running, "ratings"), {})
    assert "Nothing rated" in response.content.decode()
    assert Assessment.objects.count() == 0


def test_all_criteria_met_discharges_with_every_criterion_recorded(world, running, clock):
    client = world.client("nurse")
    client.post(step_url(running, "vitals"), WITHIN)
    clock.advance(minutes=40)
    actions_dosing.end_dose(running, actor=world.users["nurse"])
    clock.advance(minutes=81)
    client.post(step_url(running, "vitals_same"))
    response = client.post(step_url(running, "discharge"), {"all_met": "1"})
    assert response.status_code == 302
    stored = Session.objects.get(pk=running.pk)
    assert stored.discharged_at is not None
    assert all(stored.discharge[k] for k in ("alert_oriented", "vitals_in_range", "escort_present"))


def test_all_criteria_met_still_waits_for_the_minimum_monitoring_time(world, running, clock):
    clock.advance(minutes=40)
    actions_dosing.end_dose(running, actor=world.users["nurse"])
    response = world.client("nurse").post(step_url(running, "discharge"), {"all_met": "1"})
    assert response.status_code == 200
    assert Session.objects.get(pk=running.pk).discharged_at is None


def test_the_header_shows_the_dose_ordered_and_the_next_thing_due(world, running, clock):
    html = world.client("nurse").get(session_url(running)).content.decode()
    assert 'data-testid="session-header"' in html
    assert "Vitals" in html.split('data-testid="next-due"')[1][:200]


def test_today_offers_check_in_to_the_nurse_and_not_to_the_front_desk(world, clock):
    session = make_session(world, "ketamine_iv", scheduled_for=timezone.now())
    nurse = world.client("nurse").get("/treatment/today/").content.decode()
    desk = world.client("front_desk").get("/treatment/today/").content.decode()
    check_in = step_url(session, "check_in")
    assert check_in in nurse and check_in not in desk
