"""``remit audit verify|checkpoint``: check the trail, or write a signed checkpoint of its head now."""

from __future__ import annotations

import sys
from typing import Any

from django.conf import settings
from django.core.management.base import CommandParser

from remit.audit.actions import verify_trail, write_checkpoint
from remit.audit.commands import AuditedCommand

SHOWN = 20


class Command(AuditedCommand):
    help = (
        "Audit trail tools. `remit audit verify` checks every row's seal and link and the signed checkpoints "
        "kept outside the database, and names every break; `remit audit checkpoint` writes a checkpoint now."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        verify = sub.add_parser(
            "verify", help="check the chain and the checkpoints; exit 1 naming what is wrong"
        )
        verify.add_argument(
            "--checkpoints",
            metavar="PATH",
            default=None,
            help="read checkpoints from this file (a copy kept elsewhere) instead of REMIT_AUDIT_CHECKPOINT_FILE",
        )
        sub.add_parser("checkpoint", help="append a signed checkpoint of the chain's head now")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["action"] == "checkpoint":
            point = write_checkpoint()
            self.stdout.write(
                f"checkpoint written to {settings.REMIT_AUDIT_CHECKPOINT_FILE}: row {point.seq}, "
                f"{point.count} rows, signed with audit key {point.key_id!r}"
            )
            return
        report = verify_trail(checkpoint_file=options.get("checkpoints"))
        read = report.checkpoints
        if not report.ok:
            self.stderr.write(f"audit trail broken: {len(report.problems)} problem(s) found")
            for problem in report.problems[:SHOWN]:
                self.stderr.write(f"- {problem.reason}")
            if len(report.problems) > SHOWN:
                self.stderr.write(f"- … and {len(report.problems) - SHOWN} more")
            sys.exit(1)
        walked = report.walked
        keys = ", ".join(sorted(walked.keys_used)) or "none"
        self.stdout.write(f"audit trail intact: {walked.rows} rows verified (audit keys used: {keys})")
        if walked.legacy_rows:
            self.stdout.write(
                f"{walked.legacy_rows} of them were written before the trail was keyed and carry a plain hash"
            )
        if read.exists:
            newest = max(read.good, key=lambda p: p.line, default=None)
            since = f", the newest written at {newest.written}" if newest else ""
            self.stdout.write(f"{len(read.good)} checkpoint(s) in {read.path} agree with it{since}")
        else:
            self.stdout.write(
                f"no checkpoints at {read.path}: run `remit worker` (it writes one every "
                f"{settings.REMIT_AUDIT_CHECKPOINT_SECONDS} s) so that a cut-off tail can be detected"
            )
