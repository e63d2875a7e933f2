"""The demo clinic from `remit generate` shows a realistic Today board."""

from __future__ import annotations

from io import StringIO

from django.core.management import call_command

from remit.accounts.models import Clinic, Membership
from remit.testing import login


def test_the_generated_clinic_has_a_busy_board(world, client):
    call_command("generate", stdout=StringIO(), patients=120, seed=2026)
    nurse = world.users["nurse"]
    for clinic in Clinic.objects.filter(slug__endswith="-synthetic"):
        Membership.objects.create(user=nurse, clinic=clinic, roles=["nurse"])
    body = login(client, nurse).get("/treatment/today/").content.decode()
    assert "No sessions today." not in body
    assert "Chair 1" in body or "TMS room 1" in body
    assert "Vitals" in body
