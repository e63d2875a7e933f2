"""The home page: the Today board for those who see it, a plain welcome for the others."""

from __future__ import annotations

from remit.testing import PermissionMatrix


class TestPermissions(PermissionMatrix):
    other_clinic_not_applicable = "the home page names no record; each clinic sees its own day"

    def url(self, world, patient):
        return "/"


def test_the_clinic_administrator_gets_a_page_without_the_board(world):
    response = world.client("clinic_admin").get("/")
    assert response.status_code == 200
    assert "treatment/today.html" not in [t.name for t in response.templates]


def test_a_nurse_gets_the_today_board(world):
    response = world.client("nurse").get("/")
    assert "treatment/today.html" in [t.name for t in response.templates]
