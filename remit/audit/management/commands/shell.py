"""``remit shell``: Django's Python shell, audited when it opens.

What is typed in it is not recorded (a shell has the whole database); that it was
opened, when and by which operating-system account is.
"""

from __future__ import annotations

from typing import Any

from django.core.management.commands import shell

from remit.audit import actions as audit
from remit.audit.commands import AuditedCommandMixin


class Command(AuditedCommandMixin, shell.Command):
    help = shell.Command.help + " Its opening is audited (who, when)."

    def handle(self, **options: Any) -> Any:
        audit.record(audit.VIEW, object_type="shell", detail={"shell": "python"})
        return super().handle(**options)
