"""Whether the pulses charted fit the charted stimulation time (read by the TMS, dosing and discharge actions)."""

from __future__ import annotations

from decimal import Decimal

from remit.core import dosing
from remit.core.protocols import ProtocolError, TmsDosing, protocol_from_dict
from remit.treatment.models import Session
from remit.treatment.session_chart import fail, hm

TMS_PATTERNS = (("10hz", "10 Hz"), ("itbs", "iTBS (theta burst)"), ("other", "Other"))


def _trains(session: Session) -> dosing.TmsTrains | None:
    """The course protocol's trains for the pattern charted, or the pattern's example (None: "other")."""
    pattern = session.tms_pattern
    example = dosing.EXAMPLE_TMS_TRAINS.get(pattern)
    if example is None:
        return None
    try:
        protocol = protocol_from_dict(getattr(session.course.protocol, "definition", None) or {})
    except ProtocolError:
        return example
    given = protocol.dosing
    if not isinstance(given, TmsDosing) or given.pattern != pattern:
        return example
    return dosing.TmsTrains(
        frequency_hz=given.frequency_hz,
        pulses_per_train=given.pulses_per_train or example.pulses_per_train,
        inter_train_interval_s=(
            given.inter_train_interval_s
            if given.inter_train_interval_s is not None
            else example.inter_train_interval_s
        ),
        burst_frequency_hz=given.burst_frequency_hz if pattern == "itbs" else None,
    )


def require_pulses_fit(session: Session) -> None:
    """Refuse pulses delivered that the charted start and end of stimulation cannot hold.

    The least time comes from the protocol's pattern (``remit.core.dosing.tms_minimum_seconds``):
    3000 pulses "in 2 seconds" is a charting error, never a session.
    """
    delivered, start, end = session.pulses_delivered, session.dose_started_at, session.dose_ended_at
    if session.modality != "tms" or not delivered or start is None or end is None:
        return
    trains = _trains(session)
    if trains is None:
        return
    least = dosing.tms_minimum_seconds(delivered, trains)
    elapsed = Decimal(str((end - start).total_seconds()))
    if elapsed < least:
        label = dict(TMS_PATTERNS)[session.tms_pattern]
        raise fail(
            "pulses_delivered",
            f"{delivered:,} pulses of {label} take at least {dosing.minutes_seconds(least)}, but stimulation "
            f"was charted from {hm(start)} to {hm(end)} ({dosing.minutes_seconds(elapsed)}): "
            "check the pulses delivered.",
        )
