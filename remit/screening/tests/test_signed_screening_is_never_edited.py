"""A signed screening is a snapshot: the model and the actions refuse changes; only voiding is allowed."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from remit.screening import actions
from remit.screening.models import Screening, ScreeningDecision, SignedScreeningError
from remit.screening.tests.conftest import accept_all, draft, signed


def test_saving_a_changed_signed_screening_is_refused(world, patient):
    screening = signed(world, patient)
    screening.result = {
        **screening.result,
        "tms": {"decision": "contraindicated", "reasons": [], "missing": []},
    }
    with pytest.raises(SignedScreeningError):
        screening.save()
    assert Screening.objects.get().result["tms"]["decision"] == "eligible"


def test_bulk_updates_and_deletes_are_refused(world, patient):
    screening = signed(world, patient)
    with pytest.raises(SignedScreeningError):
        Screening.objects.filter(pk=screening.pk).update(intake={})
    with pytest.raises(SignedScreeningError):
        screening.delete()


def test_a_decision_of_a_signed_screening_cannot_be_changed(world, patient):
    screening = signed(world, patient)
    decision = ScreeningDecision.objects.get(screening=screening, modality="tms")
    decision.decision = "declined"
    with pytest.raises(SignedScreeningError):
        decision.save()
    with pytest.raises(SignedScreeningError):
        ScreeningDecision.objects.create(
            screening=screening, modality="tms", evaluated="eligible", decision="declined"
        )


def test_the_sign_action_re_checks_that_it_is_a_draft(world, patient):
    screening = draft(world, patient)
    stale = Screening.objects.get(pk=screening.pk)
    actions.sign_screening(
        actor=world.users["prescriber"], screening=screening, choices=accept_all(screening)
    )
    with pytest.raises(ValidationError, match="already signed"):
        actions.sign_screening(actor=world.users["prescriber"], screening=stale, choices=accept_all(stale))
    assert ScreeningDecision.objects.count() == 4


def test_a_signed_screening_can_be_voided_with_a_reason_once(world, patient):
    screening = signed(world, patient)
    with pytest.raises(ValidationError):
        actions.void_screening(world.users["prescriber"], screening, "  ")
    actions.void_screening(world.users["prescriber"], screening, "entered for the wrong patient")
    screening.refresh_from_db()
    assert screening.is_voided and screening.void_reason == "entered for the wrong patient"
    with pytest.raises(ValidationError):
        actions.void_screening(world.users["prescriber"], screening, "again")
