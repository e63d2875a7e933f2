"""The treatment clock: the one time charting, its actions and the clinic's day read.

Tests replace ``now`` (``monkeypatch.setattr(clock, "now", ...)``) so a
session's timestamps, the 5-minute device rest and the 120-minute esketamine
minimum can be tested with a controlled clock; callers therefore call
``clock.now()`` through the module, never a copy of the function.
"""

from __future__ import annotations

import datetime as dt

from django.utils import timezone


def now() -> dt.datetime:
    """The time charting uses (tests monkeypatch this)."""
    return timezone.now()
