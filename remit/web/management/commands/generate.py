from __future__ import annotations

import json
from datetime import date
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from remit.generator import people_plan, synthetic
from remit.generator.load import load_plan


def _as_of(value: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise CommandError(f"--as-of: {value!r} is not a date (YYYY-MM-DD)")


class Command(BaseCommand):
    help = (
        "Add a synthetic clinic network: clinics, staff for every role (with passwords and TOTP "
        "devices derived from the seed) and N patients with their histories. Deterministic: the "
        "same --seed, --patients, --clinics and --as-of give the same data. It only adds: existing "
        "clinics are reused, staff usernames that exist are skipped (left untouched), and patients "
        "get MRNs continuing each clinic's sequence, so a second run adds N more patients without "
        "collisions. One audit event records the run; the screenings (one signed before each course, one per relapse review) go through the screening actions and are audited one by one. For demonstrations and tests only: anyone "
        "who knows the seed can derive the passwords, so it refuses to run when REMIT_HTTPS is on "
        "unless --force. `remit demo --no-serve` prints the accounts."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--patients", type=int, default=200, help="how many patients to add (default 200)"
        )
        parser.add_argument(
            "--seed", type=int, default=synthetic.DEMO_SEED, help="random seed (default 2026)"
        )
        parser.add_argument(
            "--clinics",
            type=int,
            default=2,
            help=f"how many clinics, 1 to {people_plan.MAX_CLINICS} (default 2; patients split about 60/40)",
        )
        parser.add_argument("--as-of", help="the day the data is generated for (YYYY-MM-DD; default today)")
        parser.add_argument("--json", action="store_true", help="print a JSON summary instead of one line")
        parser.add_argument("--force", action="store_true", help="run even with REMIT_HTTPS on (production)")

    def handle(self, *args: Any, **options: Any) -> None:
        patients = options["patients"]
        clinics = options.get("clinics") or 2
        if patients < 0:
            raise CommandError("--patients must be 0 or more")
        if not 1 <= clinics <= people_plan.MAX_CLINICS:
            raise CommandError(f"--clinics must be between 1 and {people_plan.MAX_CLINICS}")
        if getattr(settings, "HTTPS", False) and not options.get("force"):
            raise CommandError(
                "refusing to add synthetic patients and demo accounts to a production set-up "
                "(REMIT_HTTPS is on); pass --force if you really mean it"
            )
        as_of = _as_of(options["as_of"]) if options.get("as_of") else timezone.localdate()
        plan = synthetic.build_plan(options["seed"], patients=patients, clinics=clinics, as_of=as_of)
        result = load_plan(plan)
        if options.get("json"):
            self.stdout.write(json.dumps(result.summary()))
            return
        split = ", ".join(f"{c['name']}: {c['patients']}" for c in result.clinics)
        self.stdout.write(
            f"Generated {result.patients} synthetic patients (seed {result.seed}, as of {result.as_of}) "
            f"in {result.seconds:.1f} s — {split}; staff created {len(result.staff_created)}, "
            f"already present {len(result.staff_existing)}."
        )
