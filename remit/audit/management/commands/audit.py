from __future__ import annotations

import sys
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from remit.audit.actions import verify_trail
from remit.audit.models import AuditEvent


class Command(BaseCommand):
    help = "Audit trail tools. `remit audit verify` checks every row's hash chain and names the first break."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        sub.add_parser("verify", help="check the hash chain; exit 1 naming the first altered or missing row")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["action"] == "verify":
            found = verify_trail()
            if found is not None:
                self.stderr.write(f"audit trail broken: {found.reason}")
                sys.exit(1)
            count = AuditEvent.objects.count()
            self.stdout.write(f"audit trail intact: {count} rows verified")
