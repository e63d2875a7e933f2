"""Background jobs that ``remit worker`` runs: a tiny registry.

An app declares its periodic work with a decorator, in a ``jobs.py`` module
that its ``AppConfig.ready()`` imports::

    from remit.jobs import job

    @job("measures.send_due_questionnaire_requests", every_seconds=60)
    def send_due_questionnaire_requests(now: datetime) -> int:
        ...  # do what is due at ``now``
        return sent  # how much work was done (logged by the worker)

``remit worker`` runs every registered job when it is due (each tick, a job
runs if ``every_seconds`` have passed since it last ran in this process);
``remit worker --once`` runs each job once and stops.  A job that raises is
logged and the worker carries on with the other jobs and the next tick.

Several workers at once
-----------------------
The database is the queue.  Several ``remit worker`` processes may run
against one PostgreSQL database (one per app server, or a spare), so every
job must be safe to run concurrently with itself:

- claim the rows you will work on with
  ``Model.objects.select_for_update(skip_locked=True)`` inside
  ``transaction.atomic()``, so another worker skips them instead of waiting
  or doing the same work;
- after locking, re-check the condition that made the row due (it may have
  been done between your query and your lock) and do the work and the state
  change that marks it done in the same transaction;
- work in small transactions (one row, or a small batch), so a failure rolls
  back only that row and it is retried on the next tick.

On SQLite ``select_for_update`` does nothing; its writers are serialised by
the database lock (``transaction_mode`` IMMEDIATE in settings), and the
re-check after locking keeps the work done once.  Sending a message inside
the transaction that marks it sent makes delivery at-least-once: if the
commit fails after the send, the next tick sends again (better a duplicate
than a lost safety message).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

JobFunction = Callable[[datetime], int]


@dataclass(frozen=True)
class Job:
    name: str
    fn: JobFunction
    every_seconds: float

    def __call__(self, now: datetime) -> int:
        return self.fn(now)


_registry: dict[str, Job] = {}


def _qualname(fn: Callable[..., object]) -> str:
    return f"{fn.__module__}.{fn.__qualname__}"


def job(name: str, *, every_seconds: float = 60) -> Callable[[JobFunction], JobFunction]:
    """Register ``fn(now) -> int`` as the job ``name``, run at most every ``every_seconds``."""
    if not name or not name.strip():
        raise ValueError("a job needs a name")
    if every_seconds <= 0:
        raise ValueError(f"job {name!r}: every_seconds must be positive")

    def decorator(fn: JobFunction) -> JobFunction:
        existing = _registry.get(name)
        if existing is not None and _qualname(existing.fn) != _qualname(fn):
            raise ValueError(f"job {name!r} is already registered by {_qualname(existing.fn)}")
        _registry[name] = Job(name, fn, float(every_seconds))
        return fn

    return decorator


def registered() -> list[Job]:
    """Every registered job, in name order."""
    return [_registry[name] for name in sorted(_registry)]


def get(name: str) -> Job:
    try:
        return _registry[name]
    except KeyError:
        raise KeyError(f"no job named {name!r}; registered: {', '.join(sorted(_registry)) or 'none'}")


def unregister(name: str) -> None:
    """For tests that register a job of their own."""
    _registry.pop(name, None)
