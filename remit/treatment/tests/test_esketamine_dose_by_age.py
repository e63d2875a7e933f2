"""Charting offers and enforces the protocol's esketamine doses by age and session.

Clinical-reference §4: under 65 the Spravato label (MIMS/RxList, spravatohcp.com
[V]) gives day 1 56 mg, then 56 or 84 mg; at 65 and over (MIMS HK [V2], so a
protocol setting, ``dosing.older_adults``, with its source shown) day 1 is 28 mg,
then 28, 56 or 84 mg changed 28 mg at a time. Any other dose needs a prescriber's
override with a written reason, shown on the REMS Patient Monitoring Form.
"""

# ruff: noqa: F811  (the ``clock`` fixture is imported from factories)

from __future__ import annotations

import datetime as dt
import importlib

import pytest
from django.apps import apps
from django.core.exceptions import ValidationError
from django.utils import timezone

from remit.audit.models import AuditEvent
from remit.core.protocols import ESKETAMINE_INDUCTION
from remit.testing import make_patient
from remit.treatment import (
    actions_checkin,
    actions_dosing,
    actions_esketamine,
    actions_ketamine,
    actions_signing,
    actions_vitals,
    monitoring,
)
from remit.treatment.models import Protocol, RemsMonitoringForm, Session

from .factories import (  # noqa: F401
    ESKETAMINE_CHECKLIST,
    REMS_ANSWERS,
    START,
    clock,
    make_protocol,
    ready_esketamine,
    session_url,
    step_url,
)

BORN_1961 = dt.date(1961, 6, 1)  # 68 on the test morning, 2030-03-04
COMPLETE = {"alert_oriented": True, "vitals_in_range": True, "escort_present": True}


def older(world):
    return make_patient(world.clinic, sex_at_birth="male", date_of_birth=BORN_1961)


def next_session(world, session, *, days, number):
    """Another booked session of the same course, ``days`` after ``session``."""
    return Session.objects.create(
        course=session.course,
        patient=session.patient,
        clinic=session.clinic,
        modality="esketamine",
        number=number,
        scheduled_for=session.scheduled_for + dt.timedelta(days=days),
    )


def give(session, world, clock, devices):
    nurse = world.users["nurse"]
    for n in range(devices):
        if n:
            clock.advance(minutes=5)
        actions_esketamine.give_device(session, lot_number="LOT-1" if n == 0 else "", actor=nurse)


def test_a_first_dose_of_56_mg_for_a_68_year_old_is_refused_without_an_override(world, clock):
    """Clinical-reference §4 (MIMS HK [V2]): 28 mg on day 1 at 65 and over, whoever charts it."""
    session = ready_esketamine(world, clock, dose_mg=None, patient=older(world))
    client = world.client("nurse")
    response = client.post(step_url(session, "esketamine_dose"), {"dose_mg": "56"})
    html = response.content.decode()
    assert response.status_code == 200
    assert "56 mg is not an allowed dose for this session" in html
    assert "Age 68, day 1 of treatment: 28 mg." in html and "prescriber&#x27;s override" in html
    stored = Session.objects.get(pk=session.pk)
    assert stored.planned_dose_mg is None and stored.devices == []
    # The old way of charting 56 mg, two devices, stops at one once today's dose is 28 mg.
    assert client.post(step_url(session, "esketamine_dose"), {"dose_mg": "28"}).status_code == 302
    assert client.post(step_url(session, "device"), {"lot_number": "L-7"}).status_code == 302
    clock.advance(minutes=6)
    refused = client.post(step_url(session, "device"), {})
    assert "every device of it has been given" in refused.content.decode()
    stored = Session.objects.get(pk=session.pk)
    assert len(stored.devices) == 1 and stored.dose_mg == 28


def test_a_68_year_olds_first_session_offers_28_mg_only_with_the_source_in_plain_words(world, clock):
    session = ready_esketamine(world, clock, dose_mg=None, patient=older(world))
    html = world.client("nurse").get(session_url(session)).content.decode()
    assert 'name="dose_mg" value="28"' in html
    assert 'value="56"' not in html and 'value="84"' not in html
    assert "MIMS Hong Kong" in html and "secondary material only" in html
    assert "[V2]" not in html and "older_adults" not in html
    assert "Another dose (prescriber override)" not in html  # a nurse cannot override


def test_a_device_cannot_be_given_before_todays_dose_is_chosen(world, clock):
    session = ready_esketamine(world, clock, dose_mg=None)
    with pytest.raises(ValidationError) as caught:
        actions_esketamine.give_device(session, lot_number="L", actor=world.users["nurse"])
    assert "Choose today's dose" in caught.value.messages[0]


def test_a_nurse_cannot_give_an_override_reason(world, clock):
    session = ready_esketamine(world, clock, dose_mg=None, patient=older(world))
    with pytest.raises(ValidationError) as caught:
        actions_esketamine.set_esketamine_dose(
            session, dose_mg=56, override_reason="asked", actor=world.users["nurse"]
        )
    assert "Only a prescriber can override" in caught.value.message_dict["override_reason"][0]
    assert Session.objects.get(pk=session.pk).planned_dose_mg is None


def test_a_prescribers_override_with_a_reason_is_recorded_audited_and_on_the_rems_form(world, clock):
    session = ready_esketamine(world, clock, dose_mg=None, patient=older(world))
    prescriber = world.users["prescriber"]
    prescriber.first_name, prescriber.last_name = "Petra", "Prescriber"
    prescriber.save()
    client = world.client("prescriber")
    page = client.get(session_url(session)).content.decode()
    assert "Another dose (prescriber override)" in page
    blank = client.post(
        step_url(session, "esketamine_dose"), {"override_dose_mg": "56", "override_reason": "  "}
    )
    assert "Written reason for the override" in blank.content.decode()
    assert Session.objects.get(pk=session.pk).planned_dose_mg is None
    reason = "Tolerated 56 mg at her previous clinic last month"
    ok = client.post(
        step_url(session, "esketamine_dose"), {"override_dose_mg": "56", "override_reason": reason}
    )
    assert ok.status_code == 302
    stored = Session.objects.get(pk=session.pk)
    assert stored.planned_dose_mg == 56 and stored.dose_override_reason == reason
    assert stored.dose_override_by == prescriber and stored.dose_override_at == clock()
    row = AuditEvent.objects.filter(action="update", detail__step="esketamine_dose").get()
    assert row.detail["overridden"] is True and row.detail["mg"] == 56 and row.detail["allowed"] == [28]

    nurse = world.users["nurse"]
    give(stored, world, clock, 2)
    first = monitoring.first_device_at(Session.objects.get(pk=session.pk))
    clock.set(first, minutes=40)
    actions_vitals.add_vitals(session, {"systolic": 132, "diastolic": 82, "spo2": 97}, actor=nurse)
    clock.set(first, minutes=105)
    actions_vitals.add_vitals(session, {"systolic": 126, "diastolic": 80, "spo2": 98}, actor=nurse)
    actions_esketamine.save_rems_answers(session, REMS_ANSWERS, actor=nurse)
    clock.set(first, minutes=121)
    actions_signing.discharge(session, COMPLETE, actor=nurse)
    actions_signing.sign(session, actor=nurse)
    data = RemsMonitoringForm.objects.get(session=session).data
    assert data["dose"] == "56 mg"
    assert data["dose_override"].startswith("Yes: 56 mg given on the override of Petra Prescriber")
    assert reason in data["dose_override"]


def test_without_an_override_the_form_says_no_and_shows_28_mg_as_other(world, clock):
    session = ready_esketamine(world, clock, dose_mg=28, patient=older(world))
    nurse = world.users["nurse"]
    give(session, world, clock, 1)
    first = monitoring.first_device_at(Session.objects.get(pk=session.pk))
    clock.set(first, minutes=40)
    actions_vitals.add_vitals(session, {"systolic": 132, "diastolic": 82, "spo2": 97}, actor=nurse)
    clock.set(first, minutes=105)
    actions_vitals.add_vitals(session, {"systolic": 126, "diastolic": 80, "spo2": 98}, actor=nurse)
    actions_esketamine.save_rems_answers(session, REMS_ANSWERS, actor=nurse)
    clock.set(first, minutes=120)
    actions_signing.discharge(session, COMPLETE, actor=nurse)
    actions_signing.sign(session, actor=nurse)
    data = RemsMonitoringForm.objects.get(session=session).data
    assert data["dose"] == "Other: 28 mg" and data["dose_override"] == "No"


def _signed_day_one(world, clock, patient, dose_mg):
    session = ready_esketamine(world, clock, dose_mg=dose_mg, patient=patient)
    give(session, world, clock, dose_mg // 28)
    return Session.objects.get(pk=session.pk)


def test_an_older_adults_later_dose_changes_28_mg_at_a_time(world, clock):
    """Clinical-reference §4 [V2]: after day 1, 28, 56 or 84 mg, changed in 28 mg steps."""
    day_one = _signed_day_one(world, clock, older(world), 28)
    later = next_session(world, day_one, days=3, number=2)
    clock.set(later.scheduled_for)  # a session is charted on the day it is booked for
    assert actions_esketamine.esketamine_doses(later).allowed_mg == (28, 56)
    with pytest.raises(ValidationError) as caught:
        actions_esketamine.set_esketamine_dose(later, dose_mg=84, actor=world.users["nurse"])
    assert "changed at most 28 mg from the previous dose of 28 mg" in caught.value.message_dict["dose_mg"][0]


def test_under_65_day_1_is_56_mg_and_later_sessions_56_or_84(world, clock):
    """Spravato label, adults under 65 (clinical-reference §4 [V])."""
    day_one = _signed_day_one(world, clock, make_patient(world.clinic, sex_at_birth="male"), 56)
    with pytest.raises(ValidationError):
        actions_esketamine.set_esketamine_dose(
            ready_esketamine(world, clock, dose_mg=None), dose_mg=84, actor=world.users["nurse"]
        )
    later = next_session(world, day_one, days=3, number=2)
    assert actions_esketamine.esketamine_doses(later).allowed_mg == (56, 84)


def test_a_maintenance_course_offers_28_mg_to_an_older_adult(world, clock):
    """The maintenance template carries the 65-and-over schedule, so 28 mg is offered (§4 [V2])."""
    session = ready_esketamine(world, clock, dose_mg=None, patient=older(world))
    course = session.course
    maintenance = make_protocol(world.clinic, "esketamine")
    maintenance.pk = None
    maintenance.code, maintenance.phase = "esketamine_maintenance", "maintenance"
    from remit.core.protocols import ESKETAMINE_MAINTENANCE

    maintenance.definition = ESKETAMINE_MAINTENANCE.to_dict()
    maintenance.save()
    type(course).objects.filter(pk=course.pk).update(phase="maintenance", protocol=maintenance)
    session = Session.objects.get(pk=session.pk)
    doses = actions_esketamine.esketamine_doses(session)
    assert doses.allowed_mg == (28, 56, 84) and doses.older_adult


def test_todays_dose_cannot_change_after_the_first_device(world, clock):
    session = ready_esketamine(world, clock)
    give(session, world, clock, 1)
    with pytest.raises(ValidationError) as caught:
        actions_esketamine.set_esketamine_dose(
            session, dose_mg=84, actor=world.users["prescriber"], override_reason="x"
        )
    assert "can no longer change" in caught.value.messages[0]


def test_a_ketamine_override_uses_the_same_mechanism_and_records_when(world, clock):
    from decimal import Decimal

    from .factories import KETAMINE_CHECKLIST, make_session

    session = make_session(world, "ketamine_iv", patient=make_patient(world.clinic, sex_at_birth="male"))
    actions_checkin.check_in(session, actor=world.users["nurse"])
    actions_checkin.save_checklist(session, KETAMINE_CHECKLIST, actor=world.users["nurse"])
    with pytest.raises(ValidationError) as caught:
        actions_ketamine.record_ketamine_dose(
            session,
            weight_kg=Decimal(80),
            mg_per_kg=Decimal("1.2"),
            concentration_mg_per_ml=Decimal(10),
            infusion_minutes=40,
            override_reason="because",
            actor=world.users["nurse"],
        )
    assert "Only a prescriber can override" in caught.value.message_dict["override_reason"][0]
    actions_ketamine.record_ketamine_dose(
        session,
        weight_kg=Decimal(80),
        mg_per_kg=Decimal("1.2"),
        concentration_mg_per_ml=Decimal(10),
        infusion_minutes=40,
        override_reason="Partial response at 1.0 mg/kg",
        actor=world.users["prescriber"],
    )
    stored = Session.objects.get(pk=session.pk)
    assert stored.dose_override_by == world.users["prescriber"] and stored.dose_override_at == clock()


def test_the_data_migration_gives_stored_esketamine_protocols_the_older_adult_schedule(world):
    migration = importlib.import_module(
        "remit.treatment.migrations.0004_esketamine_protocols_older_adult_schedule"
    )
    definition = ESKETAMINE_INDUCTION.to_dict()
    del definition["dosing"]["older_adults"]
    definition["dosing"]["first_dose_mg_65_plus"] = 28
    definition["examples"] = ["stages[0].preferred_days_between"]
    row = Protocol.objects.create(
        clinic=world.clinic,
        code="esketamine_induction",
        version=7,
        name="old",
        modality="esketamine",
        phase="induction",
        definition=definition,
        created_at=timezone.now(),
    )
    migration.add_schedule(apps, None)
    row.refresh_from_db()
    dosing = row.definition["dosing"]
    assert "first_dose_mg_65_plus" not in dosing
    assert dosing["older_adults"] == ESKETAMINE_INDUCTION.to_dict()["dosing"]["older_adults"]
    assert "dosing.older_adults" in row.definition["examples"]
    migration.remove_schedule(apps, None)
    row.refresh_from_db()
    assert row.definition["dosing"]["first_dose_mg_65_plus"] == 28


def test_a_dose_stopped_short_of_the_one_chosen_is_shown_as_such_on_the_rems_form(world, clock):
    from remit.treatment.rems_form import build_form_data

    session = ready_esketamine(world, clock, dose_mg=56)
    give(session, world, clock, 1)
    actions_dosing.end_dose(session, actor=world.users["nurse"])
    data = build_form_data(Session.objects.get(pk=session.pk), signer=world.users["nurse"])
    assert data["dose"] == "Other: 28 mg (56 mg planned; dosing stopped after 1 device)"
    assert data["dose_override"] == "No"
