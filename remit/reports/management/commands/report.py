"""``remit report outcomes|durability``: the clinic outcome report from the command line.

``outcomes`` prints the same numbers as the page (json to stdout by default; csv,
html or pdf with ``--out``); ``durability --format csv`` writes one de-identified
row per completed course so anyone can recompute the Kaplan–Meier curve. Both
are audited as exports by "remit report".
"""

from __future__ import annotations

import datetime as dt
import json
import sys
from typing import Any

from django.core.management.base import CommandError, CommandParser
from django.db import transaction
from django.template.loader import render_to_string

from remit.accounts.models import Clinic, User
from remit.audit import actions as audit
from remit.audit.commands import AuditedCommand
from remit.reports import charts
from remit.reports import pdf as pdf_module
from remit.reports.queries import REPORT_INSTRUMENTS, ReportFilter
from remit.reports.report import build_report
from remit.treatment.models import MODALITIES

ACTOR = "remit report"
FORMATS = {"outcomes": ("json", "csv", "html", "pdf"), "durability": ("csv",)}


def _date(value: str) -> dt.date:
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise CommandError(f"--from/--to: {value!r} is not a date (YYYY-MM-DD)")


class Command(AuditedCommand):
    help = "The clinic outcome report (outcomes) or the de-identified durability of each course (durability)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("what", choices=sorted(FORMATS), help="outcomes or durability")
        parser.add_argument(
            "--format", default=None, help="outcomes: json (default), csv, html, pdf; durability: csv"
        )
        parser.add_argument(
            "--clinic", action="append", default=[], metavar="SLUG", help="a clinic (repeatable); default all"
        )
        parser.add_argument("--modality", default="", choices=["", *[m for m, _ in MODALITIES]])
        parser.add_argument("--protocol", default="", metavar="CODE")
        parser.add_argument("--prescriber", default="", metavar="USERNAME")
        parser.add_argument("--instrument", default="phq9", choices=[c for c, _ in REPORT_INSTRUMENTS])
        parser.add_argument(
            "--from", dest="date_from", default=None, metavar="DATE", help="course start on or after"
        )
        parser.add_argument(
            "--to", dest="date_to", default=None, metavar="DATE", help="course start on or before"
        )
        parser.add_argument(
            "--out", default=None, metavar="PATH", help="write here instead of stdout (pdf needs it)"
        )

    def handle(self, *args: Any, **o: Any) -> None:
        what = o["what"]
        fmt = o["format"] or FORMATS[what][0]
        if fmt not in FORMATS[what]:
            raise CommandError(f"--format: {what} supports {', '.join(FORMATS[what])}, not {fmt!r}")
        if fmt == "pdf" and not o["out"]:
            raise CommandError("--out: a PDF needs a file to write to")
        clinics = Clinic.objects.all()
        if o["clinic"]:
            clinics = clinics.filter(slug__in=o["clinic"])
            missing = sorted(set(o["clinic"]) - set(clinics.values_list("slug", flat=True)))
            if missing:
                raise CommandError(f"--clinic: no clinic with slug {', '.join(missing)}")
        clinic_rows = list(clinics.order_by("name").values_list("id", "name"))
        prescriber_id = None
        labels = {"clinic": ", ".join(n for _, n in clinic_rows) or "none"}
        if o["prescriber"]:
            user = User.objects.filter(username=o["prescriber"]).first()
            if user is None:
                raise CommandError(f"--prescriber: no user {o['prescriber']!r}")
            prescriber_id = user.pk
            labels["prescriber"] = user.get_full_name() or user.username
        if o["modality"]:
            labels["modality"] = dict(MODALITIES)[o["modality"]]
        labels["instrument"] = dict(REPORT_INSTRUMENTS)[o["instrument"]]
        f = ReportFilter(
            clinic_ids=tuple(sorted(i for i, _ in clinic_rows)),
            date_from=_date(o["date_from"]) if o["date_from"] else None,
            date_to=_date(o["date_to"]) if o["date_to"] else None,
            modality=o["modality"],
            protocol=o["protocol"],
            prescriber_id=prescriber_id,
            instrument=o["instrument"],
        )
        if f.date_from and f.date_to and f.date_from > f.date_to:
            raise CommandError("--to: the end date is before the start date")
        report = build_report(f, labels)

        body: bytes | str
        if what == "durability":
            body = report.durability_csv()
        elif fmt == "json":
            body = json.dumps(report.to_dict(), indent=2) + "\n"
        elif fmt == "csv":
            body = report.to_csv()
        elif fmt == "html":
            body = render_to_string(
                "reports/outcomes_standalone.html",
                {
                    "report": report,
                    "filters": pdf_module._filters(report),
                    "svgs": [
                        (title, charts.svg(report, name).decode())
                        for name, (title, _) in charts.CHARTS.items()
                    ],
                },
            )
        else:
            body = pdf_module.render(report)

        with transaction.atomic():
            audit.record(
                audit.EXPORT,
                actor=None,
                actor_label=ACTOR,
                object_type=f"reports.{what}",
                detail={
                    "filters": {k: v for k, v in f.as_dict().items() if v},
                    "format": fmt,
                    "out": o["out"] or "stdout",
                },
            )
        if o["out"]:
            mode = "wb" if isinstance(body, bytes) else "w"
            with open(o["out"], mode) as fh:
                fh.write(body)
        else:
            if isinstance(body, bytes):
                sys.stdout.buffer.write(body)
            else:
                self.stdout.write(body, ending="")
