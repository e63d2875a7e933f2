"""Idempotency keys of the APIs' creating calls (``Idempotency-Key`` header), kept for a while."""

from __future__ import annotations

from django.db import models
from django.utils import timezone


class IdempotencyKey(models.Model):
    """One key of one caller (a signed-in user or an API token) and the first answer given to it.

    ``status`` is None while the first request with the key is being processed. Rows older than
    ``REMIT_IDEMPOTENCY_KEY_HOURS`` no longer count and the worker deletes them.
    """

    owner = models.CharField(max_length=40, help_text="user:<id> or token:<id>")
    key = models.CharField(max_length=255)
    method = models.CharField(max_length=10)
    path = models.CharField(max_length=500)
    fingerprint = models.CharField(max_length=64, help_text="sha256 of the method, path, query and body")
    status = models.PositiveSmallIntegerField(null=True, blank=True)
    content_type = models.CharField(max_length=200, blank=True)
    body = models.BinaryField(default=b"")
    created_at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["owner", "key"], name="unique_idempotency_key_per_owner")
        ]

    def __str__(self) -> str:
        return f"{self.owner} {self.key[:20]} ({self.status or 'pending'})"
