from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from types import FrameType
from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from remit.accounts.roles import ROLES
from remit.generator import synthetic
from remit.generator.demo_work import add_demo_work
from remit.generator.load import DemoAccount, demo_accounts, load_plan
from remit.patients.models import Patient

DEMO_PATIENTS = 200
ACCOUNTS_FILE = "demo-accounts.json"


def _port(value: str) -> int:
    try:
        port = int(value)
    except ValueError:
        raise CommandError(f"--port: {value!r} is not a number")
    if not 1 <= port <= 65535:
        raise CommandError(f"--port: {port} is not between 1 and 65535")
    return port


class Command(BaseCommand):
    help = (
        "Run the demo: migrate, collect static files, load the synthetic clinic (200 patients, "
        "seed 2026) if the database has no patients, print every demo account and write them to "
        "var/demo-accounts.json, then serve with gunicorn on HOST:PORT (default 127.0.0.1:8000) "
        "until Ctrl-C."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--host", default=os.environ.get("HOST") or "127.0.0.1")
        parser.add_argument("--port", default=os.environ.get("PORT") or "8000")
        parser.add_argument(
            "--patients",
            type=int,
            default=DEMO_PATIENTS,
            help=f"how many synthetic patients to load into an empty database (default {DEMO_PATIENTS})",
        )
        parser.add_argument(
            "--no-serve", action="store_true", help="set up and print the accounts, then stop"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        host = options["host"]
        port = _port(str(options["port"]))
        quiet = {"verbosity": 0, "interactive": False}
        self.stdout.write("Applying migrations…")
        call_command("migrate", **quiet)
        self.stdout.write("Collecting static files…")
        call_command("collectstatic", **quiet)
        if not Patient.objects.exists():
            patients = options.get("patients") or DEMO_PATIENTS
            if patients < 1:
                raise CommandError("--patients: give at least 1")
            self.stdout.write(
                f"Loading the synthetic clinic ({patients} patients, seed {synthetic.DEMO_SEED})…"
            )
            plan = synthetic.build_plan(synthetic.DEMO_SEED, patients=patients, as_of=timezone.localdate())
            result = load_plan(plan)
            work = add_demo_work(plan, result)
            self.stdout.write(
                f"Loaded {result.patients} patients in {result.seconds:.1f} s; waiting today: "
                f"{work.screenings} screenings to sign, {work.rems_forms} REMS forms to send."
            )
        else:
            self.stdout.write("The database already has patients; nothing generated.")

        accounts = demo_accounts()
        path = self.write_accounts(accounts)
        self.print_accounts(accounts, path, host, port)
        if options["no_serve"]:
            return
        self.serve(host, port)

    def write_accounts(self, accounts: list[DemoAccount]) -> Path:
        var = Path(settings.VAR_DIR)
        var.mkdir(parents=True, exist_ok=True)
        path = var / ACCOUNTS_FILE
        tmp = path.with_suffix(".json.tmp")
        tmp.write_text(json.dumps([a.as_json() for a in accounts], indent=2) + "\n")
        tmp.chmod(0o600)
        tmp.replace(path)
        return path

    def print_accounts(self, accounts: list[DemoAccount], path: Path, host: str, port: int) -> None:
        out = self.stdout.write
        if not accounts:
            out(
                "\nNo demo accounts: the database has patients but no staff made by `remit generate`. "
                "Create staff with `remit createsuperuser` or run `remit generate`."
            )
            return
        header = ("username", "password", "TOTP secret", "roles", "clinic(s)")
        rows = [
            (
                a.username,
                a.password + ("" if a.password_current else " *"),
                a.totp_secret or "(none: enrol at sign-in)",
                _roles_text(a),
                "; ".join(a.clinics),
            )
            for a in accounts
        ]
        widths = [max(len(r[i]) for r in [header, *rows]) for i in range(len(header))]

        def line(cells: tuple[str, ...]) -> str:
            return "  ".join(c.ljust(w) for c, w in zip(cells, widths, strict=True)).rstrip()

        shown = "localhost" if host in ("0.0.0.0", "::") else host  # noqa: S104
        url = f"http://[{shown}]:{port}/" if ":" in shown else f"http://{shown}:{port}/"
        out("")
        out("Demo accounts — synthetic data only; these credentials are derived from a public seed.")
        out(line(header))
        out(line(tuple("-" * w for w in widths)))
        for row in rows:
            out(line(row))
        if not all(a.password_current for a in accounts):
            out("* this password was changed after the demo was generated; the one shown is stale.")
        out("")
        out(f"Sign in: open {url} , enter a username and password, then the 6-digit code from any")
        out("authenticator app set up with the account's TOTP secret, or from:")
        out(f"  {sys.executable} -c \"import pyotp; print(pyotp.TOTP('SECRET').now())\"")
        out(f"The accounts are also in {path}.")
        out("")

    def serve(self, host: str, port: int) -> None:
        bind = f"[{host}]:{port}" if ":" in host else f"{host}:{port}"
        if (
            "REMIT_ALLOWED_HOSTS" not in os.environ
            and host not in settings.ALLOWED_HOSTS
            and host not in ("0.0.0.0", "::")  # noqa: S104
        ):
            os.environ["REMIT_ALLOWED_HOSTS"] = ",".join([*settings.ALLOWED_HOSTS, host])
        os.environ.setdefault("DJANGO_SETTINGS_MODULE", "remit.settings")
        argv = [
            sys.executable,
            "-m",
            "gunicorn",
            "remit.wsgi:application",
            "--bind",
            bind,
            "--workers",
            "2",
            "--access-logfile",
            "-",
            # The access log hides a portal link's token (the only secret an address carries).
            "--logger-class",
            "remit.web.logs.AccessLogger",
        ]
        os.environ.setdefault("REMIT_PORTAL_BASE_URL", f"http://{bind}")
        # The banner on every page and each account's code on the sign-in page (refused with HTTPS on).
        os.environ["REMIT_DEMO"] = "true"
        self.stdout.write(f"Serving on {bind} with a background worker (Ctrl-C to stop both)…")
        self.stdout.flush()
        sys.stderr.flush()
        supervise(
            [
                # The worker sends questionnaire invitations and reminders and escalates alerts.
                [sys.executable, "-m", "remit.cli", "worker", "--interval", "30"],
                argv,
            ]
        )


def supervise(commands: list[list[str]], grace: float = 10.0) -> int:
    """Run the commands side by side until one ends or this process is told to stop; then stop them all.

    This process stays their parent (no exec), so a SIGINT or SIGTERM sent to it alone, and not only
    Ctrl-C in a terminal (which signals the whole process group), stops the server and the worker:
    each is sent SIGINT (gunicorn's quick shutdown; the worker finishes its job), and after ``grace``
    seconds one still running is killed.
    """
    stop: list[int] = []

    def on_signal(signum: int, frame: FrameType | None) -> None:
        stop.append(signum)

    previous = {s: signal.signal(s, on_signal) for s in (signal.SIGINT, signal.SIGTERM)}
    children = [subprocess.Popen(command) for command in commands]  # noqa: S603
    try:
        while not stop and all(child.poll() is None for child in children):
            time.sleep(0.2)
    finally:
        for child in children:
            if child.poll() is None:
                child.send_signal(signal.SIGINT)
        deadline = time.monotonic() + grace
        for child in children:
            try:
                child.wait(timeout=max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                child.kill()
                child.wait()
        for signum, handler in previous.items():
            signal.signal(signum, handler)
    return 0 if stop else max((child.returncode or 0) for child in children)


def _roles_text(account: DemoAccount) -> str:
    """The roles to print: one list when they are the same in every clinic, else per clinic."""

    def labels(roles: list[str]) -> str:
        return ", ".join(ROLES.get(role, role) for role in roles)

    per_clinic = account.roles_by_clinic
    if len({tuple(r) for r in per_clinic.values()}) <= 1:
        return labels(account.roles)
    return "; ".join(f"{clinic}: {labels(roles)}" for clinic, roles in per_clinic.items())
