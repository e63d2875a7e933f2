"""`remit staff create`: make a staff account from the command line (the first clinic administrator, say)."""

from __future__ import annotations

import getpass
import sys
from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from remit.accounts import actions
from remit.accounts import roles as R
from remit.accounts.models import Clinic


class Command(BaseCommand):
    help = "Staff accounts. `remit staff create USERNAME --role clinic_admin --clinic SLUG` (password from stdin or a prompt)."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        create = sub.add_parser("create", help="create a staff member (audited as user_create by 'system')")
        create.add_argument("username")
        create.add_argument("--role", action="append", required=True, choices=list(R.ROLES), dest="roles")
        create.add_argument("--clinic", action="append", required=True, dest="clinics", help="clinic slug")
        create.add_argument("--first-name", default="")
        create.add_argument("--last-name", default="")
        create.add_argument("--email", default="")
        create.add_argument(
            "--password-stdin",
            action="store_true",
            help="read the initial password from the first line of stdin",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        clinics = []
        for slug in options["clinics"]:
            clinic = Clinic.objects.filter(slug=slug).first()
            if clinic is None:
                raise CommandError(f"no clinic with slug {slug!r}")
            clinics.append(clinic)
        if options["password_stdin"]:
            password = sys.stdin.readline().rstrip("\n")
        else:
            password = getpass.getpass("Initial password: ")
            if getpass.getpass("Again: ") != password:
                raise CommandError("the two passwords differ")
        try:
            user = actions.create_user(
                actor=None,
                username=options["username"],
                password=password,
                roles=options["roles"],
                clinics=clinics,
                first_name=options["first_name"],
                last_name=options["last_name"],
                email=options["email"],
            )
        except ValidationError as error:
            raise CommandError("; ".join(error.messages))
        self.stdout.write(f"created {user.username}; they set up two-step sign-in at their first sign-in")
