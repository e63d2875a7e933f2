"""Management commands that touch patient data say who ran them.

A command built on ``AuditedCommand`` runs inside ``remit.audit.actions.command``:
every audit row it writes without a request carries the command's name and the
operating-system account that ran it (and the person behind ``sudo``), since a
command has no signed-in staff member.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from remit.audit import actions as audit


def command_name(module: str) -> str:
    return "remit " + module.rsplit(".", 1)[-1]


class AuditedCommandMixin:
    """Put before the command class: ``class Command(AuditedCommandMixin, BaseCommand)``."""

    def execute(self, *args: Any, **options: Any) -> Any:
        with audit.command(command_name(type(self).__module__)):
            return super().execute(*args, **options)  # type: ignore[misc]


class AuditedCommand(AuditedCommandMixin, BaseCommand):
    pass
