"""``remit dumpdata``: Django's dumpdata, audited as an export before anything is read.

A dump holds the whole record of every patient it covers, so it is recorded like any
other export: who ran it (the operating-system account), what it covers and where it went.
"""

from __future__ import annotations

from typing import Any

from django.core.management.commands import dumpdata

from remit.audit import actions as audit
from remit.audit.commands import AuditedCommandMixin


class Command(AuditedCommandMixin, dumpdata.Command):
    help = dumpdata.Command.help + " Audited as an export (who ran it, what it covers, where it went)."

    def handle(self, *app_labels: Any, **options: Any) -> Any:
        audit.record(
            audit.EXPORT,
            object_type="dumpdata",
            detail={
                "covers": list(app_labels) or ["everything"],
                "excluded": list(options.get("exclude") or []),
                "format": options.get("format") or "json",
                "out": options.get("output") or "stdout",
            },
        )
        return super().handle(*app_labels, **options)
