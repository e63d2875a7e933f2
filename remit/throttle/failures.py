"""Failed attempts in the audit trail without flooding it.

Audit rows are immutable and chained through one lock, so a row per failed attempt would let
anyone with a script fill the trail and queue every writer behind them. Instead each failure is
counted in ``FailureTally`` (one row per kind, client address and interval of
``REMIT_RATELIMIT_AUDIT_MINUTES``; an atomic increment, not the chain's lock):

- the first failure of an interval writes an audit row at once (who knocked, when, what with);
- the rest of that interval becomes one summary row with its counts, written when the interval is
  over — by the worker (``throttle.report_failed_attempts``), or at once by the same source's next
  failure in a later interval, whichever comes first.

So one address gives at most two audit rows per interval, however many attempts it makes.
The counters live in the database rather than the cache because they must survive until the
summary is written (a cache may evict them) and the worker must find the intervals still open.
"""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace
from typing import Any

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from remit.audit import actions as audit
from remit.throttle.limits import address
from remit.throttle.models import FailureTally

# The audit action of each kind, and who the row names as the actor.
ACTIONS = {
    FailureTally.PORTAL_LINK: audit.PORTAL_LINK_FAILURE,
    FailureTally.API_TOKEN: audit.API_TOKEN_FAILURE,
}
ACTORS = {FailureTally.PORTAL_LINK: "patient portal", FailureTally.API_TOKEN: "integration API"}
KEEP_REPORTED = dt.timedelta(days=1)


def interval() -> dt.timedelta:
    return dt.timedelta(minutes=settings.REMIT_RATELIMIT_AUDIT_MINUTES)


def window_start(now: dt.datetime) -> dt.datetime:
    seconds = int(interval().total_seconds())
    epoch = int(now.timestamp())
    return dt.datetime.fromtimestamp(epoch - epoch % seconds, tz=dt.UTC)


def _as_request(source: str, request: Any = None) -> Any:
    """What the audit row is told about the caller: the address (and agent), never a staff user."""
    meta = dict(getattr(request, "META", {}) or {}) if request is not None else {"REMOTE_ADDR": source}
    meta["REMOTE_ADDR"] = source
    meta.pop("HTTP_X_FORWARDED_FOR", None)
    return SimpleNamespace(user=AnonymousUser(), META=meta)


def record_failure(
    kind: str,
    request: Any,
    *,
    refused: bool = False,
    detail: dict[str, Any] | None = None,
    clinic_id: int | None = None,
    now: dt.datetime | None = None,
) -> None:
    """Count one failed (or, with ``refused``, rate-limited) attempt; audit it if it is the first
    of its interval. ``detail`` (what was presented: never a secret) goes into that first row."""
    now = now or timezone.now()
    source = address(request)
    start = window_start(now)
    counts = {"attempts": F("attempts") + 1, "refused": F("refused") + int(refused)}
    with transaction.atomic():
        tallies = FailureTally.objects.filter(kind=kind, source=source, window_start=start)
        if tallies.update(**counts):
            return
        try:
            with transaction.atomic():
                FailureTally.objects.create(
                    kind=kind, source=source, window_start=start, attempts=1, refused=int(refused), reported=1
                )
        except IntegrityError:  # another process opened the interval between the update and the insert
            tallies.update(**counts)
            return
        _report_earlier(kind, source, start)
        audit.record(
            ACTIONS[kind],
            actor_label=ACTORS[kind],
            request=_as_request(source, request),
            object_type=f"throttle.{kind}",
            clinic_id=clinic_id,
            detail={
                "first_of_interval": True,
                "interval_start": start.isoformat(),
                "interval_minutes": settings.REMIT_RATELIMIT_AUDIT_MINUTES,
                "refused": refused,
                **(detail or {}),
            },
        )


def _summarise(tally: FailureTally) -> None:
    """One audit row for the attempts of a finished interval not yet written (the caller holds the row)."""
    if tally.attempts <= tally.reported:
        return
    audit.record(
        ACTIONS[tally.kind],
        actor_label=ACTORS[tally.kind],
        request=_as_request(tally.source),
        object_type=f"throttle.{tally.kind}",
        detail={
            "summary": True,
            "interval_start": tally.window_start.isoformat(),
            "interval_minutes": settings.REMIT_RATELIMIT_AUDIT_MINUTES,
            "attempts": tally.attempts,
            "refused": tally.refused,
            "not_written_before": tally.attempts - tally.reported,
        },
    )
    FailureTally.objects.filter(pk=tally.pk).update(reported=tally.attempts)


def _report_earlier(kind: str, source: str, start: dt.datetime) -> None:
    for tally in FailureTally.objects.select_for_update().filter(
        kind=kind, source=source, window_start__lt=start, attempts__gt=F("reported")
    ):
        _summarise(tally)


def report_finished_intervals(now: dt.datetime) -> int:
    """Write the summary row of every finished interval with attempts not yet audited; forget old tallies.

    Safe for several workers at once: each tally is claimed with ``skip_locked`` and re-read.
    """
    finished_before = window_start(now)
    written = 0
    due = FailureTally.objects.filter(window_start__lt=finished_before, attempts__gt=F("reported"))
    for pk in list(due.values_list("pk", flat=True)[:500]):
        with transaction.atomic():
            tally = (
                FailureTally.objects.select_for_update(skip_locked=True)
                .filter(pk=pk, attempts__gt=F("reported"))
                .first()
            )
            if tally is not None:
                _summarise(tally)
                written += 1
    FailureTally.objects.filter(
        window_start__lt=finished_before - KEEP_REPORTED, attempts__lte=F("reported")
    ).delete()
    return written
