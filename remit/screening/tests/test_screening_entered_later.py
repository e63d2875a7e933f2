"""A screening taken and signed on paper can be entered later with its own times, never future ones."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from remit.audit.models import AuditEvent
from remit.screening import actions
from remit.screening.models import Screening
from remit.screening.tests.conftest import accept_all, complete_doc


def test_a_screening_signed_on_paper_keeps_its_earlier_times_and_the_audit_records_them(world, patient):
    taken = timezone.now() - timedelta(days=20)
    screening = actions.create_screening(
        actor=world.users["nurse"], patient=patient, intake=complete_doc(), taken_at=taken
    )
    signed_at = taken + timedelta(hours=2)
    actions.sign_screening(
        actor=world.users["prescriber"],
        screening=screening,
        choices=accept_all(screening),
        signed_at=signed_at,
    )
    stored = Screening.objects.get(pk=screening.pk)
    assert stored.created_at == taken and stored.signed_at == signed_at
    details = [e.detail for e in AuditEvent.objects.filter(object_type="screening.screening").order_by("seq")]
    assert {"taken_at": taken.isoformat()}.items() <= details[0].items()
    assert details[1]["signed_at"] == signed_at.isoformat()


def test_a_signing_time_in_the_future_or_before_the_intake_is_refused_naming_the_field(world, patient):
    taken = timezone.now() - timedelta(days=3)
    screening = actions.create_screening(
        actor=world.users["nurse"], patient=patient, intake=complete_doc(), taken_at=taken
    )
    for when in (timezone.now() + timedelta(hours=1), taken - timedelta(minutes=1)):
        with pytest.raises(ValidationError) as error:
            actions.sign_screening(
                actor=world.users["prescriber"],
                screening=screening,
                choices=accept_all(screening),
                signed_at=when,
            )
        assert "signed_at" in error.value.message_dict
    assert Screening.objects.get(pk=screening.pk).status == Screening.DRAFT
    with pytest.raises(ValidationError) as error:
        actions.create_screening(
            actor=world.users["nurse"],
            patient=patient,
            intake=complete_doc(),
            taken_at=timezone.now() + timedelta(days=1),
        )
    assert "taken_at" in error.value.message_dict
