"""Named domain events: what an action announces once its write is done, and who listens.

An action that changes what decision support reads (or that another app must
react to, such as emergency access, which the patient's clinic is told of) calls ``emit`` by name,
inside its own transaction, after its audit row::

    events.emit(events.SESSION_SIGNED, patient=session.patient, actor=actor, source=session)

Listeners are subscribed in one place, ``remit.wiring`` (listed in
ARCHITECTURE.md), never by model signals: a reader follows the action to
``emit`` and from the event's name to its listeners.

A listener that fails must not lose the record that triggered it, nor fail
silently: it runs in a savepoint, and its failure is handed to the failure
reporter (wired to raise a high-severity "decision support failed" alert for
the patient's clinic). If there is no reporter, or the reporter fails too,
the error propagates and the action's transaction rolls back.

This module is at the bottom of the layers: it imports no app.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.db import transaction

logger = logging.getLogger("remit.events")

SESSION_SIGNED = "session_signed"
ASSESSMENT_RECORDED = "assessment_recorded"
CLINICAL_FACT_ADDED = "clinical_fact_added"
BOOSTER_REQUESTED = "booster_requested"
QUESTIONNAIRE_MISSED = "questionnaire_missed"
EMERGENCY_ACCESS_GRANTED = "emergency_access_granted"

# What each event means, in words; ARCHITECTURE.md lists the same (a test keeps the two in step).
EVENTS: dict[str, str] = {
    SESSION_SIGNED: "a treatment session was signed",
    ASSESSMENT_RECORDED: "a questionnaire or clinician rating was scored and stored",
    CLINICAL_FACT_ADDED: "a diagnosis or a medication was added to the patient's record",
    BOOSTER_REQUESTED: "a patient's request for a booster was logged",
    QUESTIONNAIRE_MISSED: "a questionnaire closed with no answer",
    EMERGENCY_ACCESS_GRANTED: "a clinician of another clinic opened the patient's record under emergency access",
}


@dataclass(frozen=True)
class Event:
    name: str
    patient: Any
    actor: Any = None
    source: Any = None  # the record the action wrote (session, assessment, diagnosis, ...)


Listener = Callable[[Event], object]  # what a listener returns is not used
FailureReporter = Callable[[Event, Listener, BaseException], None]

_listeners: dict[str, list[Listener]] = {name: [] for name in EVENTS}
_failure_reporter: FailureReporter | None = None


def subscribe(name: str, listener: Listener) -> None:
    if name not in EVENTS:
        raise ValueError(f"No event is named {name!r}; the events are {', '.join(EVENTS)}.")
    if listener not in _listeners[name]:
        _listeners[name].append(listener)


def on_failure(reporter: FailureReporter) -> None:
    global _failure_reporter
    _failure_reporter = reporter


def listeners(name: str) -> tuple[Listener, ...]:
    return tuple(_listeners[name])


def listener_name(listener: Listener) -> str:
    return f"{getattr(listener, '__module__', '?')}.{getattr(listener, '__qualname__', repr(listener))}"


def emit(name: str, *, patient: Any, actor: Any = None, source: Any = None) -> None:
    """Run the event's listeners in the caller's transaction, each in its own savepoint."""
    if name not in EVENTS:
        raise ValueError(f"No event is named {name!r}; the events are {', '.join(EVENTS)}.")
    event = Event(name=name, patient=patient, actor=actor, source=source)
    for listener in _listeners[name]:
        try:
            with transaction.atomic():
                listener(event)
        except Exception as error:
            logger.exception(
                "listener %s failed on %s for patient %s", listener_name(listener), name, patient.pk
            )
            if _failure_reporter is None:
                raise
            with transaction.atomic():
                _failure_reporter(event, listener, error)
