from __future__ import annotations

from django.db import models


class FailureTally(models.Model):
    """Failed attempts of one kind from one address in one interval (``REMIT_RATELIMIT_AUDIT_MINUTES``).

    Counters, not the record: the audit trail gets a row at the first failure of the interval and
    one summary row for the rest (``remit.throttle.failures``).
    """

    PORTAL_LINK = "portal_link"
    API_TOKEN = "api_token"
    KINDS = [(PORTAL_LINK, "Portal link"), (API_TOKEN, "Integration token")]

    kind = models.CharField(max_length=20, choices=KINDS)
    source = models.CharField(max_length=64, help_text="the client address")
    window_start = models.DateTimeField()
    attempts = models.PositiveIntegerField(default=0)
    refused = models.PositiveIntegerField(default=0, help_text="of the attempts, those answered 429")
    reported = models.PositiveIntegerField(default=0, help_text="attempts already written to the audit trail")

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "source", "window_start"], name="one_failure_tally_per_source_and_interval"
            )
        ]

    def __str__(self) -> str:
        return (
            f"{self.get_kind_display()} failures from {self.source} since {self.window_start:%Y-%m-%d %H:%M}"
        )
