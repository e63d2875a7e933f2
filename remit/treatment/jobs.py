"""The treatment app's background job (registered when the app is ready)."""

from __future__ import annotations

from datetime import datetime

from remit.jobs import job
from remit.treatment.vitals_overdue import raise_overdue


@job("treatment.vitals_overdue", every_seconds=60)
def vitals_overdue(now: datetime) -> int:
    """Sessions being monitored whose vital signs are overdue → one alert per missed reading."""
    return raise_overdue(now)
