"""``remit bench``: build a synthetic network (100,000 patients by default) and time the outcome report.

See :mod:`remit.bench.harness`. Prints one JSON document with the figures.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from typing import Any

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError, CommandParser

from remit.bench import harness


class Command(BaseCommand):
    help = "Build a synthetic clinic network in PostgreSQL and time the outcome report (prints JSON)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--patients", type=int, default=100_000)
        parser.add_argument("--seed", type=int, default=2026)
        parser.add_argument(
            "--database-url", default="", help="run against this database instead of DATABASE_URL"
        )
        parser.add_argument("--allow-sqlite", action="store_true", help="allow SQLite (small sizes only)")
        parser.add_argument("--force", action="store_true", help="write even where other patients exist")
        parser.add_argument(
            "--reuse", action="store_true", help="time the report on bench data already built"
        )
        parser.add_argument(
            "--no-throwaway", action="store_true", help="never start a temporary PostgreSQL cluster"
        )
        parser.add_argument("--pg-port", type=int, default=int(os.environ.get("REMIT_BENCH_PGPORT", "5439")))
        parser.add_argument("--skip-migrate", action="store_true")
        parser.add_argument("--in-process", action="store_true", help="time the report in this process")
        parser.add_argument("--report-only", action="store_true", help=argparse_hidden())

    def handle(self, *args: Any, **o: Any) -> None:
        if o["report_only"]:
            self.stdout.write(json.dumps(harness.time_report()))
            return
        if o["patients"] < 1:
            raise CommandError("--patients: must be at least 1")
        if o["database_url"]:
            return self._rerun({"DATABASE_URL": o["database_url"]})
        if not harness.is_postgres() and not o["allow_sqlite"]:
            if o["no_throwaway"] or harness.find_initdb() is None:
                raise CommandError(
                    "the bench runs on PostgreSQL: set DATABASE_URL=postgres://... or --database-url "
                    "(or --allow-sqlite for a small run)"
                )
            self.stderr.write(
                f"DATABASE_URL is not PostgreSQL: starting a throwaway cluster on port {o['pg_port']}"
            )
            try:
                with harness.throwaway_postgres(o["pg_port"]) as url:
                    return self._rerun({"DATABASE_URL": url})
            except (harness.BenchRefused, subprocess.CalledProcessError) as error:
                raise CommandError(str(error))
        try:
            self._run(o)
        except harness.BenchRefused as error:
            raise CommandError(str(error))

    def _rerun(self, env: dict[str, str]) -> None:
        argv = [a for a in sys.argv[1:] if not a.startswith("--database-url")]
        if "--database-url" in sys.argv:
            i = sys.argv.index("--database-url")
            argv = sys.argv[1:i] + sys.argv[i + 2 :]
        if not argv or argv[0] != "bench":
            argv = ["bench", *argv]
        result = subprocess.run(
            [sys.executable, "-m", "remit.cli", *argv, "--no-throwaway"], env={**os.environ, **env}
        )
        if result.returncode:
            raise CommandError(f"the bench failed (exit {result.returncode})")

    def _run(self, o: dict[str, Any]) -> None:
        if not o["skip_migrate"]:
            call_command("migrate", verbosity=0, interactive=False)
        harness.check_safe(o["force"])
        existing = harness.existing_bench_patients()
        summary: dict[str, Any] = {"database": harness.database_label(), "seed": o["seed"]}
        if existing and not o["reuse"]:
            raise harness.BenchRefused(
                f"this database already holds {existing:,} bench patients: use --reuse to time them, or a fresh database"
            )
        if not existing:
            started = time.perf_counter()
            rows = harness.build(o["patients"], o["seed"], progress=lambda m: self.stderr.write(m))
            summary["build_seconds"] = round(time.perf_counter() - started, 1)
            summary["rows"] = rows
        summary["patients"] = harness.existing_bench_patients()
        from remit.measures.models import Assessment

        summary["assessments"] = Assessment.objects.filter(
            patient__clinic__slug__startswith=harness.BENCH_PREFIX
        ).count()
        self.stderr.write("timing the outcome report")
        summary["report"] = harness.time_report() if o["in_process"] else harness.time_report_in_child()
        self.stdout.write(json.dumps(summary, indent=2))


def argparse_hidden() -> str:
    import argparse

    return argparse.SUPPRESS
