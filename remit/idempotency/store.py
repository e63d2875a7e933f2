"""Claiming, finishing and purging idempotency keys (the middleware's storage).

A key is claimed before the request runs (a row with no status), so a second
request with the same key that arrives while the first is still running is
told so (409) instead of doing the work twice; the unique constraint on
(owner, key) decides between two that arrive together. The first answer is
stored when the request ends; an error (5xx), a refusal to authenticate
(401, 403) or a rate limit (429) releases the key instead, so a retry runs.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass

from django.conf import settings
from django.db import IntegrityError, transaction
from django.http import HttpResponse
from django.utils import timezone

from remit.idempotency.models import IdempotencyKey

NOT_STORED = frozenset({401, 403, 429})
PURGE_BATCH = 1000


def lifetime() -> dt.timedelta:
    return dt.timedelta(hours=settings.REMIT_IDEMPOTENCY_KEY_HOURS)


def fingerprint(method: str, path: str, query: str, body: bytes) -> str:
    digest = hashlib.sha256()
    for part in (method.encode(), path.encode(), query.encode()):
        digest.update(part + b"\0")
    digest.update(body)
    return digest.hexdigest()


@dataclass(frozen=True)
class Claim:
    """``row`` is ours to fill (``new``) or the earlier request's."""

    row: IdempotencyKey | None
    new: bool


def claim(owner: str, key: str, method: str, path: str, print_: str) -> Claim:
    """Claim ``key`` for ``owner``, or return the row already holding it (None: a concurrent claim won
    and its row is not visible yet)."""
    cutoff = timezone.now() - lifetime()
    with transaction.atomic():
        held = IdempotencyKey.objects.select_for_update().filter(owner=owner, key=key).first()
        if held is not None and held.created_at >= cutoff:
            return Claim(held, new=False)
        if held is not None:
            held.delete()  # expired: the key may be used afresh
        try:
            with transaction.atomic():
                row = IdempotencyKey.objects.create(
                    owner=owner, key=key, method=method, path=path[:500], fingerprint=print_
                )
        except IntegrityError:
            return Claim(IdempotencyKey.objects.filter(owner=owner, key=key).first(), new=False)
    return Claim(row, new=True)


def finish(row: IdempotencyKey, response: HttpResponse) -> None:
    """Keep the first answer, or release the key when the answer is not one to repeat."""
    if response.status_code >= 500 or response.status_code in NOT_STORED or response.streaming:
        release(row)
        return
    row.status = response.status_code
    row.content_type = str(response.get("Content-Type", ""))[:200]
    row.body = bytes(response.content)
    row.save(update_fields=["status", "content_type", "body"])


def release(row: IdempotencyKey) -> None:
    IdempotencyKey.objects.filter(pk=row.pk).delete()


def replay(row: IdempotencyKey) -> HttpResponse:
    response = HttpResponse(bytes(row.body), status=row.status or 200, content_type=row.content_type or None)
    response["Idempotent-Replayed"] = "true"
    return response


def purge_expired(now: dt.datetime | None = None) -> int:
    """Delete keys older than ``REMIT_IDEMPOTENCY_KEY_HOURS``, in small batches; returns how many."""
    cutoff = (now or timezone.now()) - lifetime()
    deleted = 0
    while True:
        ids = list(
            IdempotencyKey.objects.filter(created_at__lt=cutoff).values_list("pk", flat=True)[:PURGE_BATCH]
        )
        if not ids:
            return deleted
        deleted += IdempotencyKey.objects.filter(pk__in=ids).delete()[0]
