"""``remit dbshell``: the database's own shell, audited when it opens (what is typed in it is not)."""

from __future__ import annotations

from typing import Any

from django.core.management.commands import dbshell

from remit.audit import actions as audit
from remit.audit.commands import AuditedCommandMixin


class Command(AuditedCommandMixin, dbshell.Command):
    help = dbshell.Command.help + " Its opening is audited (who, when)."

    def handle(self, **options: Any) -> Any:
        audit.record(audit.VIEW, object_type="shell", detail={"shell": "database"})
        return super().handle(**options)
