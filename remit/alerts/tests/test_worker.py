"""``remit worker``: runs the registered jobs, survives a failing job, stops on SIGTERM."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from datetime import timedelta
from pathlib import Path

import pytest
from django.core import mail
from django.core.management import CommandError, call_command
from django.utils import timezone

from remit import jobs
from remit.alerts.actions import raise_alert
from remit.alerts.models import Alert
from remit.testing import make_patient

from .conftest import add_contact


@pytest.fixture
def failing_job():
    @jobs.job("tests.always_fails", every_seconds=1)
    def always_fails(now):
        raise RuntimeError("this job is broken")

    yield "tests.always_fails"
    jobs.unregister("tests.always_fails")


def test_the_escalation_job_is_registered():
    job = jobs.get("alerts.escalate")
    assert job.every_seconds <= 60


def test_worker_once_runs_the_escalation_job(world, capsys):
    add_contact(world.clinic, world.users["prescriber"], 1, email="rx@clinic.example")
    alert = raise_alert(
        patient=make_patient(world.clinic), kind="seizure", severity="high", reason="Seizure."
    )
    # No on-commit here (the test's transaction never commits): the worker sends the first notification.
    call_command("worker", once=True)
    assert [m.to for m in mail.outbox] == [["rx@clinic.example"]]
    alert.refresh_from_db()
    assert alert.escalated_at is not None
    assert "alerts.escalate: 1" in capsys.readouterr().out


def test_worker_once_escalates_an_overdue_alert(world):
    add_contact(world.clinic, world.users["prescriber"], 1, email="rx@clinic.example")
    add_contact(world.clinic, world.users["nurse"], 2, email="rn@clinic.example")
    alert = raise_alert(
        patient=make_patient(world.clinic), kind="seizure", severity="high", reason="Seizure."
    )
    call_command("worker", once=True)
    Alert.objects.filter(pk=alert.pk).update(next_escalation_at=timezone.now() - timedelta(seconds=1))
    call_command("worker", once=True, only=["alerts.escalate"])
    assert [m.to[0] for m in mail.outbox] == ["rx@clinic.example", "rn@clinic.example"]


def test_a_failing_job_is_logged_and_the_others_still_run(world, failing_job, caplog, capsys):
    add_contact(world.clinic, world.users["prescriber"], 1, email="rx@clinic.example")
    raise_alert(patient=make_patient(world.clinic), kind="seizure", severity="high", reason="Seizure.")
    with pytest.raises(CommandError, match="1 job\\(s\\) failed: tests.always_fails"):
        call_command("worker", once=True)
    assert len(mail.outbox) == 1  # alerts.escalate ran although another job failed
    assert "job tests.always_fails failed" in caplog.text
    assert "this job is broken" in capsys.readouterr().err


def test_an_unknown_job_name_is_refused():
    with pytest.raises(CommandError, match="no job named 'nope'"):
        call_command("worker", once=True, only=["nope"])


def test_a_bad_interval_is_refused():
    with pytest.raises(CommandError, match="--interval"):
        call_command("worker", "--interval", "0")


def test_the_loop_keeps_going_after_a_failure_until_stopped(db, failing_job, monkeypatch):
    """Three ticks with a broken job: the worker neither dies nor stops running jobs."""
    from remit.alerts.management.commands.worker import Command

    runs = []

    @jobs.job("tests.counts", every_seconds=0.001)
    def counts(now):
        runs.append(now)
        if len(runs) == 3:
            command.stop.set()
        return 0

    command = Command()
    try:
        command.run_from_argv(
            ["remit", "worker", "--interval", "0.01", "--job", failing_job, "--job", "tests.counts"]
        )
    finally:
        jobs.unregister("tests.counts")
    assert len(runs) == 3


def test_sigterm_stops_the_worker_gracefully(tmp_path):
    """A real process: start it, send SIGTERM, it says it stopped and exits 0."""
    root = Path(__file__).resolve().parents[3]
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "remit.settings",
        "REMIT_VAR_DIR": str(tmp_path),
        "DATABASE_URL": f"sqlite:///{tmp_path / 'worker.sqlite3'}",
        "REMIT_SMS_BACKEND": "memory",
    }
    subprocess.run(
        [sys.executable, "manage.py", "migrate", "--verbosity", "0"],
        cwd=root,
        env=env,
        check=True,
        timeout=120,
    )
    process = subprocess.Popen(
        [sys.executable, "manage.py", "worker", "--interval", "0.2"],
        cwd=root,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        deadline = time.monotonic() + 60
        first = process.stdout.readline()  # the banner: the handlers are installed
        assert "remit worker" in first and time.monotonic() < deadline
        time.sleep(0.5)
        process.send_signal(signal.SIGTERM)
        out, err = process.communicate(timeout=30)
    finally:
        if process.poll() is None:
            process.kill()
    assert process.returncode == 0, err
    assert "stopped" in out
    assert "Traceback" not in err
