"""The prescriber's order sets the dose; the nurse charts against it, and a different dose needs a reason."""

# ruff: noqa: F811  (the ``clock`` fixture is imported from factories)

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from remit.audit.models import AuditEvent
from remit.testing import make_patient
from remit.treatment import actions_checkin, actions_dose_order, actions_esketamine, actions_ketamine
from remit.treatment.models import Course, Session

from .factories import KETAMINE_CHECKLIST, clock, make_session, ready_esketamine, session_url  # noqa: F401


def _ketamine(world):
    nurse = world.users["nurse"]
    session = make_session(world, patient=make_patient(world.clinic, sex_at_birth="male"))
    actions_checkin.check_in(session, actor=nurse)
    actions_checkin.save_checklist(session, KETAMINE_CHECKLIST, actor=nurse)
    return session


def _dose(session, actor, mg_per_kg, reason=""):
    return actions_ketamine.record_ketamine_dose(
        session,
        weight_kg=Decimal("80"),
        mg_per_kg=Decimal(mg_per_kg),
        concentration_mg_per_ml=Decimal("10"),
        infusion_minutes=40,
        difference_reason=reason,
        actor=actor,
    )


def test_only_a_prescriber_changes_the_order_and_the_change_is_audited(world, clock):
    """Ketamine 0.5 mg/kg IV over 40 minutes (clinical-reference §3: Fava 2020) is the usual order;
    a prescriber may order another dose."""
    session = _ketamine(world)
    with pytest.raises(PermissionDenied):
        actions_dose_order.change_dose_order(session.course, ordered="0.75", actor=world.users["nurse"])
    course = actions_dose_order.change_dose_order(
        session.course, ordered="0.75", actor=world.users["prescriber"]
    )
    assert Course.objects.get(pk=course.pk).mg_per_kg == Decimal("0.75")
    row = AuditEvent.objects.filter(detail__step="dose_order").get()
    assert row.detail["after"] == "0.75"
    with pytest.raises(ValidationError) as refused:
        actions_dose_order.change_dose_order(session.course, ordered="zero", actor=world.users["prescriber"])
    assert "mg/kg" in refused.value.message_dict["ordered"][0]


def test_a_ketamine_dose_different_from_the_order_needs_a_written_reason(world, clock):
    """The prescriber's order sets the dose (clinical-reference §3: mg/kg, weight-based)."""
    nurse = world.users["nurse"]
    session = _ketamine(world)
    actions_dose_order.change_dose_order(session.course, ordered="0.5", actor=world.users["prescriber"])
    with pytest.raises(ValidationError) as refused:
        _dose(session, nurse, "0.6")
    assert "ordered 0.50 mg/kg" in refused.value.message_dict["difference_reason"][0]
    assert Session.objects.get(pk=session.pk).dose_mg is None
    stored = _dose(session, nurse, "0.6", reason="Weight-adjusted per the prescriber's phone order")
    assert stored.dose_difference_reason.startswith("Weight-adjusted")
    row = AuditEvent.objects.filter(detail__step="dose").get()
    assert row.detail["difference_reason"].startswith("Weight-adjusted") and row.detail["ordered"] == "0.50"
    html = world.client("nurse").get(session_url(session)).content.decode()
    assert "Differs from the order" in html and "Weight-adjusted" in html


def test_a_dose_matching_the_order_needs_no_reason(world, clock):
    session = _ketamine(world)
    actions_dose_order.change_dose_order(session.course, ordered="0.5", actor=world.users["prescriber"])
    assert _dose(session, world.users["nurse"], "0.5").dose_difference_reason == ""


def test_an_esketamine_dose_different_from_the_order_needs_a_reason_and_a_prescriber_override_is_one(
    world, clock
):
    """Esketamine 56 or 84 mg in induction, 28 mg a device (clinical-reference §4, Spravato label)."""
    nurse, prescriber = world.users["nurse"], world.users["prescriber"]
    session = ready_esketamine(world, clock, dose_mg=None)
    with pytest.raises(ValidationError):
        actions_dose_order.change_dose_order(session.course, ordered=70, actor=prescriber)
    actions_dose_order.change_dose_order(session.course, ordered=84, actor=prescriber)
    with pytest.raises(ValidationError) as refused:
        actions_esketamine.set_esketamine_dose(session, dose_mg=56, actor=nurse)
    assert "ordered 84 mg (3 devices)" in refused.value.message_dict["difference_reason"][0]
    stored = actions_esketamine.set_esketamine_dose(
        session, dose_mg=56, difference_reason="Day 1: the label's first dose is 56 mg", actor=nurse
    )
    assert stored.planned_dose_mg == 56 and "first dose" in stored.dose_difference_reason
