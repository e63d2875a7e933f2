"""Payer authorization: which of a course's sessions the payer's authorization covers.

A payer (prior) authorization covers a number of sessions and may end on a
date. Sessions count against it in course order (by number, then date), and
only sessions that hold a place — booked, in progress or done; a cancelled or
missed one does not. The sessions past the authorized number, and any session
on a day after the authorization ends, are *beyond the authorization*: Remit
warns when they are booked and asks for a recorded reason to book or treat
them. An authorization with no number recorded covers any number.

Plain typed Python, no Django: the treatment app passes in the rows.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass


@dataclass(frozen=True)
class Authorization:
    """What the payer authorized: ``sessions`` (None: no number recorded) until ``valid_until`` (None: open)."""

    sessions: int | None = None
    valid_until: dt.date | None = None

    def __post_init__(self) -> None:
        if self.sessions is not None and (
            isinstance(self.sessions, bool) or not isinstance(self.sessions, int) or self.sessions < 0
        ):
            raise ValueError(
                f"authorized sessions must be a whole number of 0 or more, got {self.sessions!r}"
            )

    @property
    def recorded(self) -> bool:
        return self.sessions is not None or self.valid_until is not None


@dataclass(frozen=True)
class Booking:
    """One session that holds a place: ``key`` identifies it to the caller (a row id or a number)."""

    key: int
    number: int
    day: dt.date


@dataclass(frozen=True)
class Beyond:
    """A session beyond the authorization and why, in plain words."""

    key: int
    number: int
    position: int
    reason: str


def beyond_authorization(bookings: Iterable[Booking], authorization: Authorization) -> dict[int, Beyond]:
    """The sessions beyond ``authorization``, keyed by ``Booking.key``."""
    ordered = sorted(bookings, key=lambda b: (b.number, b.day, b.key))
    out: dict[int, Beyond] = {}
    for position, booking in enumerate(ordered, start=1):
        reasons: list[str] = []
        if authorization.sessions is not None and position > authorization.sessions:
            reasons.append(
                f"it is session {position} of the course and the payer authorized "
                f"{_sessions(authorization.sessions)}"
            )
        if authorization.valid_until is not None and booking.day > authorization.valid_until:
            reasons.append(f"it is after the authorization ends on {authorization.valid_until.isoformat()}")
        if reasons:
            out[booking.key] = Beyond(booking.key, booking.number, position, " and ".join(reasons))
    return out


def booking_warning(bookings: Iterable[Booking], authorization: Authorization) -> str | None:
    """One plain sentence when more sessions are booked than authorized (or after it ends), else None."""
    ordered = sorted(bookings, key=lambda b: (b.number, b.day, b.key))
    beyond = beyond_authorization(ordered, authorization)
    if not beyond:
        return None
    numbers = sorted(b.number for b in beyond.values())
    parts: list[str] = []
    if authorization.sessions is not None and len(ordered) > authorization.sessions:
        parts.append(f"{_sessions(len(ordered))} booked and {authorization.sessions} authorized by the payer")
    if authorization.valid_until is not None and any(b.day > authorization.valid_until for b in ordered):
        parts.append(f"the authorization ends on {authorization.valid_until.isoformat()}")
    which = f"session {numbers[0]} is" if len(numbers) == 1 else f"sessions {_list(numbers)} are"
    return f"{'; '.join(parts)[:1].upper()}{'; '.join(parts)[1:]}: {which} beyond the authorization."


def _sessions(n: int) -> str:
    return f"{n} session{'s' if n != 1 else ''}"


def _list(numbers: list[int]) -> str:
    """``[4, 5, 6]`` → ``4 to 6``; ``[5, 6]`` → ``5 and 6``; ``[2, 5, 6]`` → ``2, 5 and 6``."""
    if len(numbers) > 2 and numbers == list(range(numbers[0], numbers[-1] + 1)):
        return f"{numbers[0]} to {numbers[-1]}"
    return ", ".join(str(n) for n in numbers[:-1]) + f" and {numbers[-1]}"
