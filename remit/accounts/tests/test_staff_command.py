from __future__ import annotations

import io

import pytest
from django.core.management import CommandError, call_command

from remit.accounts.models import User
from remit.accounts.tests.helpers import events
from remit.audit import actions as audit


def test_it_creates_an_audited_staff_member(world, monkeypatch):
    monkeypatch.setattr("sys.stdin", io.StringIO("violet harbour lantern 93\n"))
    out = io.StringIO()
    call_command(
        "staff",
        "create",
        "boss",
        "--role",
        "clinic_admin",
        "--clinic",
        "clinic-a",
        "--password-stdin",
        stdout=out,
    )
    user = User.objects.get(username="boss")
    assert user.roles_by_clinic() == {world.clinic.pk: frozenset({"clinic_admin"})}
    assert events(audit.USER_CREATE)[-1].actor_label == ""


def test_it_refuses_a_weak_password(world, monkeypatch):
    monkeypatch.setattr("sys.stdin", io.StringIO("password\n"))
    with pytest.raises(CommandError, match="too short|too common"):
        call_command("staff", "create", "boss", "--role", "nurse", "--clinic", "clinic-a", "--password-stdin")
    assert not User.objects.filter(username="boss").exists()


def test_it_refuses_an_unknown_clinic(world):
    with pytest.raises(CommandError, match="no clinic"):
        call_command("staff", "create", "boss", "--role", "nurse", "--clinic", "nowhere", "--password-stdin")
