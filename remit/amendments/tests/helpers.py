"""Amendment requests in given states, for the tests."""

from __future__ import annotations

from typing import Any

from remit.amendments import actions
from remit.patients.actions import add_diagnosis


def diagnosis_request(world: Any, patient: Any, text: str = "I was never diagnosed with this.") -> Any:
    diagnosis = add_diagnosis(
        world.users["nurse"],
        patient,
        {"code": "F33.2", "description": "Major depressive disorder, recurrent severe"},
    )
    return actions.request_amendment(
        patient, part=f"diagnosis:{diagnosis.pk}", text=text, actor=world.users["nurse"]
    )


def denied_request(world: Any, patient: Any) -> Any:
    amendment = diagnosis_request(world, patient)
    return actions.deny(
        amendment,
        actor=world.users["prescriber"],
        reason="The diagnosis is supported by the intake interview.",
    )


def disputed_request(world: Any, patient: Any) -> Any:
    amendment = denied_request(world, patient)
    return actions.add_disagreement(amendment, text="I only had one episode.", actor=world.users["nurse"])
