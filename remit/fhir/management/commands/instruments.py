"""``remit instruments import FILE --clinic SLUG [--licence-confirmed-by NAME] [--code CODE] [--json]``."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from remit.accounts.models import Clinic
from remit.core import safejson
from remit.core.instruments.questionnaire import QuestionnaireError
from remit.fhir.actions import ImportRefused, import_questionnaire


class Command(BaseCommand):
    help = (
        "Instrument tools. `remit instruments import FILE --clinic SLUG` reads a FHIR Questionnaire: one "
        "matching a built-in instrument attaches its wording (licensed instruments need "
        "--licence-confirmed-by) and is remembered by its canonical URL, so later responses naming it "
        "import on their own; any other sum-scored Questionnaire becomes a new instrument."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        load = sub.add_parser("import", help="import a FHIR Questionnaire (JSON file)")
        load.add_argument("file", help="path to a Questionnaire JSON file")
        load.add_argument("--clinic", required=True, help="the clinic's slug")
        load.add_argument(
            "--licence-confirmed-by", default="", help="who confirmed the clinic holds the wording's licence"
        )
        load.add_argument("--code", default=None, help="code for a new instrument (default: from its name)")
        load.add_argument("--json", action="store_true", help="print one JSON summary")

    def handle(self, *args: Any, **options: Any) -> None:
        path = Path(options["file"])
        try:
            questionnaire = safejson.loads(path.read_text(encoding="utf-8"))
        except OSError as error:
            raise CommandError(f"{path}: cannot read it ({error.strerror or error})") from None
        except safejson.TooDeep as error:
            raise CommandError(f"{path}: {error}") from None
        except (json.JSONDecodeError, UnicodeDecodeError) as error:
            raise CommandError(f"{path}: not a JSON file ({error})") from None
        clinic = Clinic.objects.filter(slug=options["clinic"]).first()
        if clinic is None:
            raise CommandError(f"no clinic with slug {options['clinic']!r}")
        try:
            result = import_questionnaire(
                clinic=clinic,
                questionnaire=questionnaire,
                source=str(questionnaire.get("url") or path.name)
                if isinstance(questionnaire, dict)
                else path.name,
                licence_confirmed_by=options["licence_confirmed_by"],
                code=options["code"],
            )
        except ImportRefused as error:
            raise CommandError(str(error)) from None
        except QuestionnaireError as error:
            raise CommandError(f"{path}: {error}") from None
        summary = {"file": str(path), "clinic": clinic.slug, **result.to_dict()}
        if options["json"]:
            self.stdout.write(json.dumps(summary, indent=2))
            return
        lines = {
            "wording_attached": f"Attached wording for {result.wording_items} item(s) of {result.instrument_code}.",
            "instrument_registered": f"Registered new instrument {result.instrument_code} "
            f"with {result.items} item(s).",
            "matched_builtin": f"Matches built-in {result.instrument_code} ({result.items} items mapped).",
        }
        self.stdout.write(lines[result.outcome])
        for note in result.notes:
            self.stdout.write(f"  {note}")
