"""User administration in a browser: roles are ticked per clinic, and a person who also works in another
clinic is changed in the administrator's clinic only."""

from __future__ import annotations

import pytest
from django.urls import reverse

from remit.accounts.models import User
from remit.testing import browser_sign_in, build_world, make_user


@pytest.mark.browser
def test_an_administrator_gives_a_shared_nurse_a_role_in_their_own_clinic_only(
    live_server, page, transactional_db
):
    world = build_world()
    shared = make_user("shay", ["nurse"], [world.clinic, world.other_clinic])
    browser_sign_in(page, live_server, world.users["clinic_admin"])

    page.goto(f"{live_server.url}{reverse('accounts:users')}")
    row = page.get_by_role("row").filter(has_text="shay")
    assert row.get_by_role("cell", name="Clinic A").is_visible()
    assert row.get_by_role("cell", name="Nurse").is_visible()
    row.get_by_role("link").first.click()

    page.wait_for_url(f"**{reverse('accounts:user_edit', args=[shared.pk])}")
    assert page.get_by_text("Also works in").is_visible()
    assert page.get_by_text(
        "You cannot reset it: they also work in a clinic you do not administer"
    ).is_visible()
    roles_in_a = page.get_by_role("group", name="Roles in Clinic A")
    assert page.get_by_role("group", name="Roles in Clinic B").count() == 0
    roles_in_a.get_by_label("Prescriber (MD/NP)").check()
    page.get_by_role("button", name="Save").click()

    page.wait_for_url(f"**{reverse('accounts:user_edit', args=[shared.pk])}")
    assert page.get_by_text("Saved.").is_visible()
    assert User.objects.get(pk=shared.pk).roles_by_clinic() == {
        world.clinic.pk: frozenset({"prescriber", "nurse"}),
        world.other_clinic.pk: frozenset({"nurse"}),
    }
    assert page.evaluate("document.documentElement.scrollWidth") <= page.viewport_size["width"]
