"""The worker's job: the summary audit row of each finished interval of failed attempts."""

from __future__ import annotations

from datetime import datetime

from remit.jobs import job
from remit.throttle.failures import report_finished_intervals


@job("throttle.report_failed_attempts", every_seconds=60)
def report_failed_attempts(now: datetime) -> int:
    return report_finished_intervals(now)
