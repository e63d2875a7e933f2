"""45 CFR 170.315(d)(10) Auditing actions on health information.

Reads of health information outside Remit's own pages are audited too: the Django admin's
list, record and history pages of Remit's models, `remit dumpdata`, the shells, and every
command that reads patient data (reports, the research export, the FHIR export), each row
naming who ran it (the operating-system account) and what it covered.  The address recorded
for a request is the client's real one behind a trusted proxy, and never a forwarded header
sent by anyone else.
"""

from __future__ import annotations

import getpass
import io
import ipaddress

import pytest
from django.contrib import admin
from django.core.management import CommandError, call_command
from django.db import connection
from django.urls import reverse

from remit.alerts.actions import raise_alert
from remit.audit import actions as audit
from remit.audit.admin import AuditedAdmin
from remit.audit.models import AuditEvent
from remit.testing import login, make_patient, make_user

OS_USER = getpass.getuser()


def _superuser(world):
    user = make_user("root", [], [world.clinic])
    user.is_superuser = True
    user.is_staff = True
    user.save()
    return user


def _last(**filters):
    return AuditEvent.objects.filter(**filters).order_by("-seq").first()


# --- the Django admin ---------------------------------------------------------------------------


def test_every_remit_model_in_the_admin_audits_its_pages():
    remit_admins = {
        m._meta.label: a for m, a in admin.site._registry.items() if m.__module__.startswith("remit.")
    }
    assert "alerts.Alert" in remit_admins and "audit.AuditEvent" in remit_admins
    unaudited = sorted(label for label, a in remit_admins.items() if not isinstance(a, AuditedAdmin))
    assert not unaudited, f"admin pages that are not audited: {unaudited}"


def test_opening_an_alert_in_the_admin_is_audited_with_its_patient(client, world):
    root = _superuser(world)
    login(client, root)
    patient = make_patient(world.clinic)
    alert = raise_alert(patient=patient, kind="relapse", severity="low", reason="PHQ-9 rose by 8.")
    response = client.get(reverse("admin:alerts_alert_change", args=[alert.pk]))
    assert response.status_code == 200
    row = _last(action=audit.VIEW, object_type="admin:alerts.alert")
    assert (row.actor, row.object_id, row.patient_id, row.clinic_id) == (
        root,
        str(alert.pk),
        patient.pk,
        world.clinic.pk,
    )
    assert row.detail == {"page": "admin record"}


def test_the_admin_list_of_alerts_is_audited_with_the_patients_shown(client, world):
    root = _superuser(world)
    login(client, root)
    first, second = make_patient(world.clinic), make_patient(world.other_clinic)
    raise_alert(patient=first, kind="relapse", severity="low", reason="r")
    raise_alert(patient=second, kind="relapse", severity="low", reason="r")
    assert client.get(reverse("admin:alerts_alert_changelist"), {"severity": "low"}).status_code == 200
    row = _last(action=audit.VIEW, object_type="admin:alerts.alert")
    assert row.actor == root
    assert row.detail["page"] == "admin list" and row.detail["query"] == {"severity": "low"}
    assert sorted(row.detail["patients"]) == sorted([first.pk, second.pk])
    assert len(row.detail["rows"]) == 2


def test_the_audit_trail_read_in_the_admin_is_itself_audited(client, world):
    root = _superuser(world)
    login(client, root)
    event = audit.record(audit.LOGOUT, actor=world.users["nurse"])
    client.get(reverse("admin:audit_auditevent_change", args=[event.pk]))
    client.get(reverse("admin:audit_auditevent_history", args=[event.pk]))
    rows = list(AuditEvent.objects.filter(object_type="admin:audit.auditevent").order_by("seq"))
    assert [(r.detail["page"], r.object_id, r.actor_id) for r in rows] == [
        ("admin record", str(event.pk), root.pk),
        ("admin history", str(event.pk), root.pk),
    ]


def test_a_refused_admin_page_records_no_view(client, world):
    login(client, world.users["clinic_admin"])
    patient = make_patient(world.clinic)
    alert = raise_alert(patient=patient, kind="relapse", severity="low", reason="r")
    assert client.get(reverse("admin:alerts_alert_change", args=[alert.pk])).status_code != 200
    assert not AuditEvent.objects.filter(object_type="admin:alerts.alert").exists()


# --- dumpdata, shells and the commands that read patient data ------------------------------------


def test_dumpdata_is_audited_as_an_export_naming_the_os_user_and_what_it_covers(world, tmp_path):
    make_patient(world.clinic)
    out = tmp_path / "dump.json"
    call_command("dumpdata", "patients", "--exclude", "patients.weightentry", "--output", str(out))
    assert "Testa" in out.read_text()
    row = _last(action=audit.EXPORT, object_type="dumpdata")
    assert row.actor is None and row.actor_label == "remit dumpdata"
    assert row.detail["os_user"] == OS_USER and row.detail["command"] == "remit dumpdata"
    assert row.detail["covers"] == ["patients"] and row.detail["excluded"] == ["patients.weightentry"]
    assert row.detail["out"] == str(out) and row.detail["format"] == "json"
    assert audit.verify_trail().ok


def test_dumpdata_of_everything_says_so(world, capsys):
    call_command("dumpdata", "accounts.clinic")
    call_command("dumpdata", "--exclude", "contenttypes")
    row = _last(action=audit.EXPORT, object_type="dumpdata")
    assert row.detail["covers"] == ["everything"] and row.detail["out"] == "stdout"


def test_the_sudo_user_behind_a_command_is_named_too(world, tmp_path, monkeypatch):
    monkeypatch.setenv("SUDO_USER", "dr-operator")
    call_command("dumpdata", "accounts.clinic", "--output", str(tmp_path / "c.json"))
    row = _last(action=audit.EXPORT, object_type="dumpdata")
    if OS_USER == "dr-operator":
        pytest.skip("the test runs as an account named like the sudo user")
    assert row.detail["sudo_user"] == "dr-operator" and row.detail["os_user"] == OS_USER


def test_opening_a_python_shell_is_audited(world, monkeypatch):
    monkeypatch.delenv("SUDO_USER", raising=False)
    call_command("shell", "--command", "pass")
    row = _last(action=audit.VIEW, object_type="shell")
    assert row.actor_label == "remit shell"
    assert row.detail == {"shell": "python", "command": "remit shell", "os_user": OS_USER}


def test_opening_the_database_shell_is_audited_before_it_starts(world):
    parameters = ["-version"] if connection.vendor == "sqlite" else ["-c", "SELECT 1"]
    try:
        call_command("dbshell", "--", *parameters)
    except CommandError:
        pass  # the database's own client is not installed here; the row is written before it is started
    row = _last(action=audit.VIEW, object_type="shell")
    assert row.detail["shell"] == "database" and row.detail["os_user"] == OS_USER


def test_the_outcome_report_command_names_the_os_user(world):
    call_command("report", "outcomes", stdout=io.StringIO())
    row = _last(action=audit.EXPORT, object_type="reports.outcomes")
    assert row.actor_label == "remit report"
    assert row.detail["os_user"] == OS_USER and row.detail["command"] == "remit report"


def test_the_fhir_export_command_names_the_os_user_on_every_disclosure(world, tmp_path):
    patient = make_patient(world.clinic)
    call_command(
        "fhir", "export", "--patient", patient.mrn, "--out", str(tmp_path / "b.json"), stdout=io.StringIO()
    )
    rows = list(AuditEvent.objects.filter(action__in=[audit.EXPORT, audit.DISCLOSE]).order_by("seq"))
    assert [r.action for r in rows] == [audit.EXPORT, audit.DISCLOSE]
    assert rows[1].patient_id == patient.pk
    assert all(r.detail["os_user"] == OS_USER and r.detail["command"] == "remit fhir" for r in rows)


def test_the_research_export_command_names_the_os_user(world, tmp_path):
    make_patient(world.clinic)
    call_command("export", "research", "--out", str(tmp_path / "research"), stdout=io.StringIO())
    row = _last(action=audit.EXPORT)
    assert row.detail["os_user"] == OS_USER and row.detail["command"] == "remit export"


def test_rows_written_for_a_web_request_do_not_carry_a_command(world):
    response = world.client("nurse").get(reverse("patients:detail", args=[make_patient(world.clinic).pk]))
    assert response.status_code == 200
    row = _last(action=audit.VIEW)
    assert "os_user" not in row.detail and row.actor == world.users["nurse"]


# --- the client's address behind a trusted proxy ------------------------------------------------


def _recorded_address(world, settings, proxies, **meta):
    settings.REMIT_TRUSTED_PROXIES = tuple(ipaddress.ip_network(p) for p in proxies)
    patient = make_patient(world.clinic)
    response = world.client("nurse").get(reverse("patients:detail", args=[patient.pk]), **meta)
    assert response.status_code == 200
    return _last(action=audit.VIEW, patient_id=patient.pk).ip


def test_without_trusted_proxies_a_forwarded_header_is_ignored(world, settings):
    ip = _recorded_address(
        world, settings, [], REMOTE_ADDR="198.51.100.20", HTTP_X_FORWARDED_FOR="203.0.113.7"
    )
    assert ip == "198.51.100.20"


def test_behind_a_trusted_proxy_the_forwarded_client_is_recorded(world, settings):
    ip = _recorded_address(
        world, settings, ["10.0.0.0/8"], REMOTE_ADDR="10.0.0.5", HTTP_X_FORWARDED_FOR="203.0.113.7"
    )
    assert ip == "203.0.113.7"


def test_a_client_cannot_spoof_its_address_by_sending_the_header_itself(world, settings):
    # The client sent "X-Forwarded-For: 1.2.3.4"; the trusted proxy appended the real address.
    ip = _recorded_address(
        world, settings, ["10.0.0.0/8"], REMOTE_ADDR="10.0.0.5", HTTP_X_FORWARDED_FOR="1.2.3.4, 203.0.113.7"
    )
    assert ip == "203.0.113.7"


def test_several_trusted_proxies_are_skipped_from_the_right(world, settings):
    ip = _recorded_address(
        world,
        settings,
        ["10.0.0.0/8", "192.168.1.1"],
        REMOTE_ADDR="10.0.0.5",
        HTTP_X_FORWARDED_FOR="1.2.3.4, 203.0.113.7:51234, 192.168.1.1, 10.1.2.3",
    )
    assert ip == "203.0.113.7"


def test_an_untrusted_peer_sending_the_header_is_recorded_as_itself(world, settings):
    ip = _recorded_address(
        world, settings, ["10.0.0.0/8"], REMOTE_ADDR="198.51.100.20", HTTP_X_FORWARDED_FOR="10.0.0.7"
    )
    assert ip == "198.51.100.20"


def test_a_hop_that_is_not_an_address_stops_at_the_last_trusted_one(world, settings):
    ip = _recorded_address(
        world, settings, ["10.0.0.0/8"], REMOTE_ADDR="10.0.0.5", HTTP_X_FORWARDED_FOR="unknown, 10.0.0.9"
    )
    assert ip == "10.0.0.9"


def test_ipv6_proxies_and_clients_are_understood(world, settings):
    ip = _recorded_address(
        world,
        settings,
        ["2001:db8::/32"],
        REMOTE_ADDR="2001:db8::1",
        HTTP_X_FORWARDED_FOR="[2001:470::5]:443",
    )
    assert ip == "2001:470::5"


def test_a_bad_trusted_proxy_setting_is_refused_by_name(tmp_path):
    import os
    import subprocess
    import sys
    from pathlib import Path

    env = {k: v for k, v in os.environ.items() if not k.startswith("REMIT_")}
    env.update(
        DJANGO_SETTINGS_MODULE="remit.settings",
        REMIT_VAR_DIR=str(tmp_path),
        REMIT_TRUSTED_PROXIES="10.0.0.0/8,proxy",
    )
    done = subprocess.run(
        [sys.executable, "-c", "import django; django.setup()"],
        env=env,
        cwd=Path(__file__).resolve().parents[2],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode != 0
    assert "REMIT_TRUSTED_PROXIES: 'proxy' is not an IP address or network" in done.stderr
