"""``remit export research --out DIR [--clinic SLUG] [--salt-file PATH] [--recipient R] [--purpose P]``:
the de-identified research export."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from remit.accounts.models import Clinic


class Command(BaseCommand):
    help = (
        "Write a de-identified research export (HIPAA Safe Harbor): courses.csv, sessions.csv and "
        "assessments.csv with random research ids and per-patient shifted dates. Audited as a disclosure."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("kind", choices=["research"], help="what to export (only 'research' for now)")
        parser.add_argument(
            "--out", required=True, help="folder to write the CSV files into (created if missing)"
        )
        parser.add_argument("--clinic", help="only this clinic's patients (its slug)")
        parser.add_argument(
            "--recipient", default="", help="who receives it (kept in each patient's disclosure record)"
        )
        parser.add_argument(
            "--purpose", default="", help="why (kept in the disclosure record; default: research)"
        )
        parser.add_argument(
            "--salt-file",
            help="file holding the secret that fixes the date shifts (default: a fresh secret, discarded). "
            "Keep it secret: with it the shifts can be undone.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        from remit.reports.research import export_research

        clinic = None
        if options["clinic"]:
            clinic = Clinic.objects.filter(slug=options["clinic"]).first()
            if clinic is None:
                raise CommandError(f"--clinic: no clinic with slug {options['clinic']!r}")
        salt = None
        if options["salt_file"]:
            path = Path(options["salt_file"])
            try:
                salt = path.read_bytes().strip()
            except OSError as error:
                raise CommandError(f"--salt-file: cannot read {path}: {error.strerror}") from None
            if len(salt) < 16:
                raise CommandError("--salt-file: the secret must be at least 16 bytes")
        out = Path(options["out"])
        if out.exists() and not out.is_dir():
            raise CommandError(f"--out: {out} is not a folder")
        result = export_research(
            out,
            clinic=clinic,
            salt=salt,
            recipient=options["recipient"].strip()[:200],
            purpose=options["purpose"].strip()[:200],
        )
        counts = ", ".join(f"{v} {k}" for k, v in result.counts().items())
        self.stdout.write(f"Wrote {', '.join(result.files)} to {out} ({counts}).")
