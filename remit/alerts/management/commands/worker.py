"""``remit worker``: run the registered background jobs (remit.jobs) until stopped.

Each tick (every ``--interval`` seconds, default 5) runs every job that is
due; ``--once`` runs each job once and exits (non-zero if one failed).  A job
that raises is logged and the worker carries on.  SIGTERM or SIGINT (Ctrl-C)
lets the job in progress finish, then stops; a second signal stops at once.
Several workers may run against one PostgreSQL database: the jobs claim their
rows with ``select_for_update(skip_locked=True)`` (see remit/jobs.py).
"""

from __future__ import annotations

import logging
import signal
import threading
import time
from types import FrameType
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connections
from django.utils import timezone

from remit import jobs

logger = logging.getLogger("remit.worker")


def _positive(value: str) -> float:
    try:
        seconds = float(value)
    except ValueError:
        raise CommandError(f"--interval: {value!r} is not a number of seconds")
    if not seconds > 0:
        raise CommandError(f"--interval: {value} must be more than 0 seconds")
    return seconds


def _tidy_connections() -> None:
    """Drop broken or expired connections between jobs (a restarted database, CONN_MAX_AGE)."""
    for connection in connections.all(initialized_only=True):
        if not connection.in_atomic_block:
            connection.close_if_unusable_or_obsolete()


class Command(BaseCommand):
    help = "Run Remit's background jobs (alert escalation, questionnaire sends, reminders) until stopped."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--once", action="store_true", help="run every job once, then exit")
        parser.add_argument(
            "--interval", type=_positive, default=5.0, help="seconds between ticks (default 5)"
        )
        parser.add_argument(
            "--job", action="append", dest="only", metavar="NAME", help="run only this job (repeatable)"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        selected = jobs.registered()
        if options.get("only"):
            try:
                selected = [jobs.get(name) for name in options["only"]]
            except KeyError as error:
                raise CommandError(str(error.args[0]))
        once = bool(options.get("once"))
        self.verbosity = int(options.get("verbosity", 1))
        interval = float(options.get("interval") or 5.0)
        self.stop = threading.Event()
        previous = self._install_signal_handlers()
        failed: list[str] = []
        last_run: dict[str, float] = {}
        try:
            if not once:
                names = ", ".join(j.name for j in selected) or "none"
                self.stdout.write(f"remit worker: jobs {names}; tick every {interval:g} s. Ctrl-C to stop.")
            while True:
                failed = self.tick(selected, last_run, force=once)
                if once or self.stop.wait(interval):
                    break
        finally:
            self._restore_signal_handlers(previous)
        if not once:
            self.stdout.write("remit worker: stopped.")
        if once and failed:
            raise CommandError(f"{len(failed)} job(s) failed: {', '.join(failed)} (see the log)")

    def tick(self, selected: list[jobs.Job], last_run: dict[str, float], *, force: bool) -> list[str]:
        failed = []
        for job in selected:
            if self.stop.is_set():
                break
            started = time.monotonic()
            previous = last_run.get(job.name)
            if not force and previous is not None and started - previous < job.every_seconds:
                continue
            last_run[job.name] = started
            _tidy_connections()
            try:
                count = job(timezone.now())
            except Exception as error:
                failed.append(job.name)
                logger.exception("job %s failed", job.name)
                self.stderr.write(f"{timezone.now():%Y-%m-%d %H:%M:%S} {job.name}: failed: {error!r}")
            else:
                took = time.monotonic() - started
                logger.info("job %s: %s in %.2f s", job.name, count, took)
                if force or count or self.verbosity >= 2:
                    self.stdout.write(f"{timezone.now():%Y-%m-%d %H:%M:%S} {job.name}: {count}")
            finally:
                _tidy_connections()
        return failed

    # --- signals -------------------------------------------------------------

    def _on_signal(self, signum: int, frame: FrameType | None) -> None:
        if self.stop.is_set():
            raise SystemExit(128 + signum)
        logger.warning("remit worker: signal %s received; stopping after the current job", signum)
        self.stop.set()

    def _install_signal_handlers(self) -> dict[int, Any]:
        if threading.current_thread() is not threading.main_thread():
            return {}
        previous: dict[int, Any] = {}
        for signum in (signal.SIGTERM, signal.SIGINT):
            previous[signum] = signal.getsignal(signum)
            signal.signal(signum, self._on_signal)
        return previous

    def _restore_signal_handlers(self, previous: dict[int, Any]) -> None:
        for signum, handler in previous.items():
            signal.signal(signum, handler)
