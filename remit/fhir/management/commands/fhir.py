"""``remit fhir export|import``.

- ``remit fhir export --patient MRN [--clinic SLUG] [--since DATE] --out FILE``: one patient's
  ``collection`` Bundle (JSON).
- ``remit fhir export [--clinic SLUG] [--since DATE] --out DIR``: FHIR Bulk Data NDJSON, one
  ``<Type>.ndjson`` file per resource type, streamed.
- ``remit fhir import PATH --clinic SLUG [--dry-run] [--json] [--require-digest]``: a Bundle
  (transaction or collection) JSON file, an NDJSON file or a directory of them; all or nothing.

An export writes SHA-256 digests beside its files (``FILE.sha256`` or ``SHA256SUMS``); an import
checks them first when they are there (``--require-digest``: refuse when they are not).

Both are audited: an export as a disclosure (one ``export`` event, one ``disclose`` event per
patient), an import as one ``create`` event per stored record plus a summary event.
"""

from __future__ import annotations

import datetime as dt
import json
import sys
from pathlib import Path
from typing import Any, TextIO

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from remit.accounts.models import Clinic
from remit.fhir.digests import DigestMismatch, check_beside, write_beside
from remit.fhir.export import export_bundle, export_ndjson
from remit.fhir.importer import ImportRejected, import_path
from remit.patients.models import Patient


def parse_since(value: str) -> dt.datetime:
    """A date (local midnight) or an ISO date-time (a naive one is taken as local time)."""
    try:
        if len(value) == 10:
            return timezone.make_aware(dt.datetime.combine(dt.date.fromisoformat(value), dt.time.min))
        moment = dt.datetime.fromisoformat(value)
    except ValueError:
        raise CommandError(f"--since: {value!r} is not a date (YYYY-MM-DD) or an ISO date-time") from None
    return moment if moment.tzinfo else timezone.make_aware(moment)


class ProgressLine:
    """Progress on stderr: one line rewritten with ``\\r`` on a terminal, plain lines otherwise."""

    def __init__(self, stream: TextIO, min_total: int = 500) -> None:
        self.stream = stream
        self.min_total = min_total
        self.tty = bool(getattr(stream, "isatty", lambda: False)())
        self.dirty = False

    def __call__(self, phase: str, done: int, total: int) -> None:
        if total and total < self.min_total:
            return  # small imports finish before a bar would help
        text = f"{phase}: {done}/{total} resources" if total else f"{phase}: {done} resources"
        if self.tty:
            self.stream.write("\r" + text.ljust(60))
            self.dirty = True
        else:
            self.stream.write(text + "\n")
        self.stream.flush()

    def close(self) -> None:
        if self.dirty:
            self.stream.write("\n")
            self.stream.flush()


class Command(BaseCommand):
    help = (
        "FHIR R4 interchange. `remit fhir export` writes one patient's collection Bundle (--patient) or "
        "the clinic's Bulk Data NDJSON files; `remit fhir import PATH --clinic SLUG` reads a Bundle or "
        "NDJSON, validates everything and stores all of it or nothing (--dry-run: validate only)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        export = sub.add_parser("export", help="export as a Bundle (one patient) or NDJSON (a clinic)")
        export.add_argument("--patient", help="the patient's MRN: write one collection Bundle")
        export.add_argument("--clinic", help="the clinic's slug (bulk: only this clinic; default all)")
        export.add_argument("--since", help="only what was recorded or taken since (YYYY-MM-DD or date-time)")
        export.add_argument(
            "--out", required=True, help="the Bundle file (--patient) or the NDJSON directory"
        )
        export.add_argument("--recipient", default="", help="who receives it (kept in the disclosure record)")
        export.add_argument("--purpose", default="", help="why (kept in the disclosure record)")
        export.add_argument("--json", action="store_true", help="print one JSON summary")
        load = sub.add_parser("import", help="import a Bundle or NDJSON (all or nothing)")
        load.add_argument("path", help="a Bundle JSON file, an .ndjson file or a directory of .ndjson files")
        load.add_argument("--clinic", help="the clinic's slug (may be left out when there is one clinic)")
        load.add_argument("--dry-run", action="store_true", help="validate and report; store nothing")
        load.add_argument("--json", action="store_true", help="print one JSON summary")
        load.add_argument(
            "--require-digest",
            action="store_true",
            help="refuse unless a SHA-256 digest (FILE.sha256 or SHA256SUMS) is beside the file and matches",
        )

    def _clinic(self, slug: str | None, *, required: bool) -> Clinic | None:
        if slug:
            clinic = Clinic.objects.filter(slug=slug).first()
            if clinic is None:
                raise CommandError(f"no clinic with slug {slug!r}")
            return clinic
        if not required:
            return None
        clinics = list(Clinic.objects.all()[:2])
        if len(clinics) != 1:
            raise CommandError("--clinic SLUG is needed (there is not exactly one clinic)")
        return clinics[0]

    def handle(self, *args: Any, **options: Any) -> None:
        if options["action"] == "export":
            self.export(options)
        else:
            self.load(options)

    def export(self, options: dict[str, Any]) -> None:
        since = parse_since(options["since"]) if options.get("since") else None
        clinic = self._clinic(options.get("clinic"), required=False)
        if options.get("patient"):
            rows = Patient.objects.filter(mrn=options["patient"], voided_at__isnull=True)
            if clinic is not None:
                rows = rows.filter(clinic=clinic)
            found = list(rows.select_related("clinic")[:2])
            if not found:
                raise CommandError(f"no patient with MRN {options['patient']!r}")
            if len(found) > 1:
                raise CommandError(f"MRN {options['patient']!r} is in several clinics; add --clinic SLUG")
            result = export_bundle(
                found[0],
                options["out"],
                since=since,
                recipient=options["recipient"],
                purpose=options["purpose"],
            )
        else:
            progress = ProgressLine(sys.stderr)
            try:
                result = export_ndjson(
                    options["out"],
                    clinic=clinic,
                    since=since,
                    recipient=options["recipient"],
                    purpose=options["purpose"],
                    progress=lambda n: progress("exported", n, 0),
                )
            finally:
                progress.close()
        digest_file = write_beside(Path(result.path))
        summary = {**result.to_dict(), "digest": str(digest_file)}
        if options["json"]:
            self.stdout.write(json.dumps(summary, indent=2))
            return
        counts = ", ".join(f"{kind} {n}" for kind, n in sorted(result.counts.items())) or "nothing"
        self.stdout.write(f"Wrote {result.path} ({result.format}): {counts}; {result.patients} patient(s).")
        self.stdout.write(f"SHA-256 digests in {digest_file}.")
        if result.skipped.count:
            self.stderr.write(f"{result.skipped.count} record(s) could not be exported:")
            for example in result.skipped.examples:
                self.stderr.write(f"  {example}")

    def load(self, options: dict[str, Any]) -> None:
        clinic = self._clinic(options.get("clinic"), required=True)
        assert clinic is not None
        try:
            check_beside(Path(options["path"]), required=options["require_digest"])
        except DigestMismatch as refused:
            raise CommandError(f"import refused: {refused}") from None
        progress = ProgressLine(sys.stderr)
        try:
            result = import_path(
                options["path"], clinic=clinic, dry_run=options["dry_run"], progress=progress
            )
        except ImportRejected as rejected:
            progress.close()
            self.stderr.write(json.dumps(rejected.outcome, indent=2))
            raise CommandError(f"import refused: {rejected}") from None
        progress.close()
        summary = result.to_dict()
        if options["json"]:
            self.stdout.write(json.dumps(summary, indent=2))
            return
        verb = "Would store" if result.dry_run else "Stored"
        created = ", ".join(f"{kind} {n}" for kind, n in result.created.items()) or "nothing new"
        matched = ", ".join(f"{kind} {n}" for kind, n in result.matched.items()) or "none"
        self.stdout.write(f"{verb}: {created}. Already held (matched): {matched}.")
        if result.skipped:
            self.stdout.write(
                "Not imported: " + ", ".join(f"{k} {n}" for k, n in result.skipped.items()) + "."
            )
        for mismatch in result.mismatches:
            self.stdout.write(f"Score mismatch in {mismatch['resource']}: {mismatch['reason']}")
        for warning in result.warnings:
            self.stdout.write(f"Warning: {warning['diagnostics']}")
