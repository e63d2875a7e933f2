"""`remit bench`: builds a synthetic network and times the report; refuses where it could do harm.

No timing is asserted; the figures go in README.md ("Benchmarks").
"""

from __future__ import annotations

import io
import json

import pytest
from django.core.management import CommandError, call_command

from remit.bench import harness
from remit.measures.models import Assessment
from remit.patients.models import Patient
from remit.testing import make_patient
from remit.treatment.models import Course


def run(*args):
    out, err = io.StringIO(), io.StringIO()
    call_command("bench", *args, stdout=out, stderr=err)
    return json.loads(out.getvalue())


def test_a_small_network_is_built_and_the_report_timed(db, settings):
    settings.REMIT_REPORT_MIN_N = 5
    summary = run("--patients", "60", "--allow-sqlite", "--skip-migrate", "--in-process")
    assert summary["patients"] == Patient.objects.count() == 60
    assert summary["assessments"] == Assessment.objects.count()
    assert 12 <= summary["assessments"] / 60 <= 28  # about 20 a patient
    assert Course.objects.filter(phase="maintenance").exists()
    report = summary["report"]
    assert report["induction_courses"] == 60
    assert report["report_queries"] == 5
    assert report["completed_courses"] > 30
    for key in ("report_seconds", "json_seconds", "charts_seconds", "pdf_seconds", "peak_rss_mb"):
        assert report[key] >= 0


def test_it_refuses_a_database_with_other_patients(world):
    make_patient(world.clinic)
    with pytest.raises(CommandError, match="patients that the bench did not make"):
        run("--patients", "5", "--allow-sqlite", "--skip-migrate", "--in-process")


def test_it_refuses_sqlite_unless_allowed(db, monkeypatch):
    # Whatever database the suite runs on, the command must see a non-PostgreSQL one here.
    monkeypatch.setattr(harness, "is_postgres", lambda: False)
    with pytest.raises(CommandError, match="PostgreSQL"):
        run("--patients", "5", "--no-throwaway", "--skip-migrate")


def test_it_refuses_to_build_twice_into_one_database(db):
    run("--patients", "5", "--allow-sqlite", "--skip-migrate", "--in-process")
    with pytest.raises(CommandError, match="--reuse"):
        run("--patients", "5", "--allow-sqlite", "--skip-migrate", "--in-process")
    assert run("--reuse", "--allow-sqlite", "--skip-migrate", "--in-process")["patients"] == 5
