"""The ``remit`` command.

Subcommands that only need the clinical core (score, screen, outcomes) run
without Django, so they start fast and need no database; everything else is
a Django management command (``remit demo``, ``remit generate``, ``remit
audit verify``, ...).
"""

from __future__ import annotations

import importlib
import os
import sys

CORE_COMMANDS = ("score", "screen", "outcomes")


def main(argv: list[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    if args and args[0] in CORE_COMMANDS:
        module = importlib.import_module(f"remit.commands.{args[0]}")
        return int(module.main(args[1:]))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "remit.settings")
    from django.core.management import execute_from_command_line

    execute_from_command_line(["remit", *args])
    return 0


if __name__ == "__main__":
    sys.exit(main())
