"""``remit bench``: a synthetic clinic network at scale, and the outcome report timed against it.

The default network is 100,000 patients with about 2,000,000 assessments (PHQ-9
before sessions; PHQ-9 and GAD-7 at baseline, at the end of the course and every two weeks after it; a
CADSS rating at each ketamine or esketamine session), about 1.1 courses and
ten sessions per patient. Rows are generated in Python from a fixed seed and
written with PostgreSQL ``COPY`` (psycopg's ``cursor.copy()``), so the build
takes minutes, not hours; on SQLite (``--allow-sqlite``, small sizes only) with
``executemany``.

Safety: it refuses to write into a database that holds patients other than
its own (``--force`` overrides), and refuses SQLite unless asked. With no
PostgreSQL ``DATABASE_URL`` and PostgreSQL's binaries on the machine it starts a
throwaway cluster in a temporary folder, runs there and removes it.

The report is timed in a fresh process (so its peak memory is its own): wall
clock for loading and computing the figures, then for the JSON, the four SVG
charts and the PDF, the number of queries, and the peak resident memory.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import glob
import json
import os
import random
import resource
import shutil
import subprocess
import sys
import tempfile
import time
import zoneinfo
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import connection, models, transaction

BENCH_PREFIX = "bench-"
CLINICS = 10
MODALITY_MIX = [("ketamine_iv", 0.55), ("ketamine_im", 0.1), ("esketamine", 0.2), ("tms", 0.15)]
INDUCTION_DAYS = {
    "ketamine_iv": [0, 2, 4, 7, 9, 11],
    "ketamine_im": [0, 2, 4, 7, 9, 11],
    "esketamine": [0, 3, 7, 10, 14, 17, 21, 24],
    "tms": [w * 7 + d for w in range(6) for d in range(5)],
}
REASONS = ["side effects", "cost", "no benefit", "moved away", "patient choice"]
FOLLOWUPS = 6  # PHQ-9 and GAD-7 every 14 days after the course


class BenchRefused(RuntimeError):
    pass


# --- where it runs -------------------------------------------------------------------------------------


def is_postgres() -> bool:
    return connection.vendor == "postgresql"


def check_safe(force: bool) -> None:
    from remit.patients.models import Patient

    others = Patient.objects.exclude(clinic__slug__startswith=BENCH_PREFIX).count()
    if others and not force:
        raise BenchRefused(
            f"this database holds {others} patients that the bench did not make; "
            "use a throwaway database (--database-url, or no DATABASE_URL for a temporary cluster) or --force"
        )


def existing_bench_patients() -> int:
    from remit.patients.models import Patient

    return Patient.objects.filter(clinic__slug__startswith=BENCH_PREFIX).count()


def find_initdb() -> str | None:
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"))
    return found[-1] if found else shutil.which("initdb")


@contextlib.contextmanager
def throwaway_postgres(port: int) -> Iterator[str]:
    """A PostgreSQL cluster in a temporary folder (as .ci/run makes one); yields its URL."""
    initdb = find_initdb()
    if initdb is None:
        raise BenchRefused("PostgreSQL's initdb was not found; set DATABASE_URL to a PostgreSQL database")
    bindir = os.path.dirname(initdb)
    root = tempfile.mkdtemp(prefix="remit-bench-pg.")
    as_root = os.geteuid() == 0

    def run(*cmd: str) -> None:
        if as_root:
            line = " ".join(f"'{c}'" for c in cmd)
            subprocess.run(
                ["su", "postgres", "-s", "/bin/sh", "-c", line], check=True, stdout=subprocess.DEVNULL
            )
        else:
            subprocess.run(list(cmd), check=True, stdout=subprocess.DEVNULL)

    if as_root:
        shutil.chown(root, "postgres", "postgres")
    data = os.path.join(root, "data")
    try:
        run(f"{bindir}/initdb", "-D", data, "-A", "trust", "-U", "postgres", "-E", "UTF8")
        opts = f"-p {port} -c listen_addresses=127.0.0.1 -k {root} -c fsync=off -c synchronous_commit=off"
        run(f"{bindir}/pg_ctl", "-D", data, "-o", opts, "-l", os.path.join(root, "log"), "-w", "start")
        run(
            f"{bindir}/psql",
            "-h",
            "127.0.0.1",
            "-p",
            str(port),
            "-U",
            "postgres",
            "-qc",
            "CREATE DATABASE remit_bench",
        )
        yield f"postgres://postgres@127.0.0.1:{port}/remit_bench"
    finally:
        with contextlib.suppress(Exception):
            run(f"{bindir}/pg_ctl", "-D", data, "-m", "fast", "stop")
        shutil.rmtree(root, ignore_errors=True)


# --- writing rows fast ---------------------------------------------------------------------------------


class Table:
    """Rows for one model: the given columns, plus every NOT NULL column's Python default."""

    def __init__(self, model: type[models.Model], columns: list[str]) -> None:
        self.model = model
        self.table = model._meta.db_table
        fields = {f.attname: f for f in model._meta.concrete_fields}
        self.given = [fields[c] for c in columns]
        self.defaults: list[tuple[models.Field[Any, Any], Any]] = []
        for f in model._meta.concrete_fields:
            if f.attname in columns or f.null or f.primary_key:
                continue
            default = f.get_default()  # "" for a text field without one
            if default is None:
                raise BenchRefused(
                    f"{self.table}.{f.column} is NOT NULL without a default; the bench must set it"
                )
            self.defaults.append((f, default))
        self.columns = [f.column for f in self.given] + [f.column for f, _ in self.defaults]
        self.rows = 0
        self._pg_suffix = "".join("\t" + _pg_text(v) for _, v in self.defaults)
        self._file: Any = None
        self._sqlite_rows: list[tuple[Any, ...]] = []

    def add(self, values: tuple[Any, ...]) -> None:
        self.rows += 1
        if is_postgres():
            if self._file is None:
                self._file = tempfile.TemporaryFile("w+", encoding="utf-8")
            self._file.write("\t".join(_pg_text(v) for v in values) + self._pg_suffix + "\n")
        else:
            self._sqlite_rows.append(values)

    def flush(self) -> None:
        with connection.cursor() as cursor:
            if is_postgres():
                if self._file is None:
                    return
                self._file.seek(0)
                names = ", ".join(connection.ops.quote_name(c) for c in self.columns)
                sql = f"COPY {connection.ops.quote_name(self.table)} ({names}) FROM STDIN"
                with cursor.cursor.copy(sql) as copy:
                    while chunk := self._file.read(1 << 20):
                        copy.write(chunk)
                self._file.close()
                self._file = None
                return
            fields = self.given + [f for f, _ in self.defaults]
            placeholders = ", ".join(["%s"] * len(fields))
            names = ", ".join(connection.ops.quote_name(c) for c in self.columns)
            # Table and column names come from the models' metadata, never from input.
            sql = f"INSERT INTO {connection.ops.quote_name(self.table)} ({names}) VALUES ({placeholders})"  # noqa: S608
            default_values = [v for _, v in self.defaults]
            prepared = [
                tuple(
                    f.get_db_prep_save(v, connection)
                    for f, v in zip(fields, [*row, *default_values], strict=True)
                )
                for row in self._sqlite_rows
            ]
            cursor.executemany(sql, prepared)
            self._sqlite_rows = []


def _pg_text(value: Any) -> str:
    if value is None:
        return "\\N"
    if value is True:
        return "t"
    if value is False:
        return "f"
    if isinstance(value, dt.date | dt.datetime):
        return value.isoformat()
    if isinstance(value, dict | list):
        return json.dumps(value)
    return str(value)


def _next_id(model: type[models.Model]) -> int:
    last = model._default_manager.order_by("-pk").values_list("pk", flat=True).first()
    return int(last or 0) + 1


def _reset_sequences(tables: list[Table]) -> None:
    if not is_postgres():
        return
    with connection.cursor() as cursor:
        for t in tables:
            # The table name is model metadata, not input.
            table = connection.ops.quote_name(t.table)
            sql = f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), COALESCE((SELECT MAX(id) FROM {table}), 1))"  # noqa: S608
            cursor.execute(sql)


# --- the synthetic network ---------------------------------------------------------------------------


def _pick(rng: random.Random, mix: list[tuple[str, float]]) -> str:
    x = rng.random()
    for name, share in mix:
        x -= share
        if x < 0:
            return name
    return mix[-1][0]


def build(patients: int, seed: int, progress: Callable[[str], None] = lambda _: None) -> dict[str, int]:
    """Write the network; returns row counts per table."""
    from remit.accounts.models import Clinic, Membership, User
    from remit.measures.models import Assessment
    from remit.patients.models import AntidepressantTrial, Patient
    from remit.treatment.models import Course, Protocol, Session

    rng = random.Random(seed)
    zone = zoneinfo.ZoneInfo(settings.TIME_ZONE)
    utc = dt.UTC

    def at(day: dt.date, hour: int) -> dt.datetime:
        return dt.datetime.combine(day, dt.time(hour), zone).astimezone(utc)

    with transaction.atomic():
        clinics = [
            Clinic.objects.get_or_create(
                slug=f"{BENCH_PREFIX}{i:02d}", defaults={"name": f"Bench clinic {i:02d}"}
            )[0]
            for i in range(CLINICS)
        ]
        user, _ = User.objects.get_or_create(username="bench-prescriber")
        for c in clinics:
            Membership.objects.get_or_create(user=user, clinic=c, defaults={"roles": ["prescriber"]})
        protocols: dict[tuple[int, str, str], int] = {}
        for c in clinics:
            for modality, _ in MODALITY_MIX:
                for phase in ("induction", "maintenance"):
                    p, _ = Protocol.objects.get_or_create(
                        clinic=c,
                        code=f"{modality}-{phase}",
                        version=1,
                        defaults={
                            "name": f"{modality} {phase}",
                            "modality": modality,
                            "phase": phase,
                            "definition": {},
                            "created_by": user,
                        },
                    )
                    protocols[(c.pk, modality, phase)] = p.pk

    now = dt.datetime.now(utc)
    t_patient = Table(
        Patient,
        [
            "id",
            "clinic_id",
            "mrn",
            "given_name",
            "family_name",
            "date_of_birth",
            "sex_at_birth",
            "created_at",
        ],
    )
    t_trial = Table(
        AntidepressantTrial,
        ["patient_id", "drug", "max_daily_dose_mg", "weeks", "adequate", "outcome", "created_at"],
    )
    t_course = Table(
        Course,
        [
            "id", "patient_id", "clinic_id", "modality", "phase", "protocol_id", "planned_sessions", "status",
            "discontinue_reason", "prescriber_id", "created_by_id", "start_date", "end_date", "created_at",
        ],
    )  # fmt: skip
    t_session = Table(
        Session,
        [
            "id",
            "course_id",
            "patient_id",
            "clinic_id",
            "modality",
            "number",
            "scheduled_for",
            "status",
            "created_at",
        ],
    )
    t_assessment = Table(
        Assessment,
        [
            "patient_id", "instrument", "instrument_version", "total", "max_total", "band", "valid", "respondent",
            "session_type", "session_id", "taken_at", "created_at",
        ],
    )  # fmt: skip
    tables = [t_patient, t_trial, t_course, t_session, t_assessment]
    patient_id, course_id, session_id = _next_id(Patient), _next_id(Course), _next_id(Session)
    first_day = dt.date(2024, 1, 1)

    def band(total: int) -> str:
        return ("minimal", "mild", "moderate", "moderately_severe", "severe")[min(4, total // 5)]

    def phq(pid: int, day: dt.date, total: int, with_gad7: bool = False) -> None:
        total = max(0, min(27, total))
        t_assessment.add((pid, "phq9", "1", total, 27, band(total), True, "patient", "", "", at(day, 8), now))
        if (
            with_gad7
        ):  # anxiety alongside, as clinics measure it: not the report's instrument, but in its table
            gad = max(0, min(21, round(total * 0.7 + rng.gauss(0, 2))))
            t_assessment.add((pid, "gad7", "1", gad, 21, "", True, "patient", "", "", at(day, 8), now))

    for i in range(patients):
        pid = patient_id + i
        clinic = clinics[i % CLINICS].pk
        t_patient.add(
            (pid, clinic, f"B{pid:07d}", "Bench", f"Patient{pid}", dt.date(1950 + rng.randrange(55), 1 + rng.randrange(12), 1 + rng.randrange(28)),
             rng.choice(("female", "male")), now)
        )  # fmt: skip
        for k in range(rng.choice((0, 1, 2, 2, 3, 3, 4, 5))):
            t_trial.add((pid, f"drug{k}", 20, 8, True, "no_response", now))
        modality = _pick(rng, MODALITY_MIX)
        start = first_day + dt.timedelta(days=rng.randrange(700))
        offsets = INDUCTION_DAYS[modality]
        roll = rng.random()
        status = "completed" if roll < 0.8 else ("discontinued" if roll < 0.92 else "active")
        given = offsets if status == "completed" else offsets[: rng.randrange(1, len(offsets))]
        days = [start + dt.timedelta(days=o) for o in given]
        cid = course_id
        course_id += 1
        t_course.add(
            (cid, pid, clinic, modality, "induction", protocols[(clinic, modality, "induction")], len(offsets), status,
             rng.choice(REASONS) if status == "discontinued" else "", user.pk, user.pk, start,
             days[-1] if status != "active" else None, now)
        )  # fmt: skip
        baseline = rng.randrange(12, 27)
        responder = rng.random() < 0.55
        final = baseline * (rng.uniform(0.05, 0.45) if responder else rng.uniform(0.55, 1.05))
        phq(pid, start - dt.timedelta(days=rng.randrange(1, 10)), baseline, True)
        with_cadss = modality != "tms"
        phq_every = 5 if modality == "tms" else 1
        for n, day in enumerate(days):
            sid = session_id
            session_id += 1
            t_session.add((sid, cid, pid, clinic, modality, n + 1, at(day, 9), "completed", now))
            if n and n % phq_every == 0:
                frac = n / len(offsets)
                phq(pid, day, round(baseline + (final - baseline) * frac + rng.gauss(0, 1.5)))
            if with_cadss:
                total = max(0, min(92, round(rng.gauss(14, 8))))
                t_assessment.add(
                    (pid, "cadss", "1", total, 92, "", True, "clinician", "treatment.session", str(sid), at(day, 11), now)
                )  # fmt: skip
        if status != "completed":
            continue
        last = days[-1]
        phq(pid, last + dt.timedelta(days=2), round(final), True)
        # After the course: relapse (scores climb back), retreatment (a booster course), or neither.
        relapse_day = rng.expovariate(1 / 45) if responder else None
        retreat_day = (
            round(relapse_day + rng.uniform(3, 20))
            if relapse_day is not None and rng.random() < 0.6
            else None
        )
        for k in range(1, FOLLOWUPS + 1):
            day_after = 14 * k
            if retreat_day is not None and day_after >= retreat_day:
                break
            relapsed = relapse_day is not None and day_after >= relapse_day
            score = baseline * rng.uniform(0.7, 1.0) if relapsed else final + rng.gauss(0, 1.5)
            phq(pid, last + dt.timedelta(days=day_after), round(score), True)
        if retreat_day is not None:
            bday = last + dt.timedelta(days=max(1, retreat_day))
            mid = course_id
            course_id += 1
            t_course.add(
                (mid, pid, clinic, modality, "maintenance", protocols[(clinic, modality, "maintenance")], 1, "completed",
                 "", user.pk, user.pk, bday, bday, now)
            )  # fmt: skip
            t_session.add((session_id, mid, pid, clinic, modality, 1, at(bday, 9), "completed", now))
            session_id += 1
        if (i + 1) % 20000 == 0:
            progress(f"generated {i + 1:,} patients")

    progress("writing rows")
    with transaction.atomic():
        for t in tables:
            t.flush()
        _reset_sequences(tables)
    if is_postgres():
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    return {t.table: t.rows for t in tables}


# --- timing the report --------------------------------------------------------------------------------


def time_report() -> dict[str, Any]:
    """Build the report over every bench clinic and time each output; run in its own process."""
    from remit.accounts.models import Clinic
    from remit.reports import charts, pdf
    from remit.reports.queries import ReportFilter
    from remit.reports.report import build_report

    queries = 0

    def count(execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
        nonlocal queries
        queries += 1
        return execute(sql, params, many, context)

    ids = tuple(Clinic.objects.filter(slug__startswith=BENCH_PREFIX).values_list("pk", flat=True))
    timings: dict[str, float] = {}
    t0 = time.perf_counter()
    with connection.execute_wrapper(count):
        report = build_report(ReportFilter(ids))
    timings["report_seconds"] = time.perf_counter() - t0
    t = time.perf_counter()
    doc = report.to_dict()
    json.dumps(doc)
    timings["json_seconds"] = time.perf_counter() - t
    t = time.perf_counter()
    for name in charts.CHARTS:
        charts.svg(report, name)
    timings["charts_seconds"] = time.perf_counter() - t
    t = time.perf_counter()
    pdf.render(report)
    timings["pdf_seconds"] = time.perf_counter() - t
    return {
        **{k: round(v, 2) for k, v in timings.items()},
        "report_queries": queries,
        "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
        "courses_evaluated": report.evaluated,
        "induction_courses": report.counts.started,
        "completed_courses": report.durability.n,
        "median_durability_days": doc["durability"]["median_days"],
        "response_at_end_of_induction": report.end_of_induction.response.display,
    }


def time_report_in_child() -> dict[str, Any]:
    env = dict(os.environ)
    env["DATABASE_URL"] = os.environ.get("DATABASE_URL", "") or settings.DATABASE_URL
    out = subprocess.run(
        [sys.executable, "-m", "remit.cli", "bench", "--report-only"],
        check=True,
        capture_output=True,
        text=True,
        env=env,
        cwd=str(Path(settings.BASE_DIR)),
    )
    return dict(json.loads(out.stdout))


def database_label() -> str:
    if is_postgres():
        with connection.cursor() as cursor:
            cursor.execute("SHOW server_version")
            return f"PostgreSQL {cursor.fetchone()[0]}"
    return "SQLite"
