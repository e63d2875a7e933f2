"""The migration that moves roles from the user to each of their clinics, forward and back."""

from __future__ import annotations

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

BEFORE = [("accounts", "0003_move_second_factors_sealed")]
AFTER = [("accounts", "0004_membership")]


def _migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return MigrationExecutor(connection).loader.project_state(targets).apps


@pytest.mark.django_db(transaction=True)
def test_every_user_keeps_their_roles_in_each_of_their_clinics_and_the_reverse_gives_them_back():
    try:
        old = _migrate(BEFORE)
        Clinic, User = old.get_model("accounts", "Clinic"), old.get_model("accounts", "User")
        a = Clinic.objects.create(name="A", slug="mig-a")
        b = Clinic.objects.create(name="B", slug="mig-b")
        both = User.objects.create(username="both", roles=["clinic_admin", "nurse"])
        both.clinics.set([a, b])
        one = User.objects.create(username="one", roles=["front_desk"])
        one.clinics.set([b])
        User.objects.create(username="nowhere", roles=["prescriber"])

        new = _migrate(AFTER)
        Membership = new.get_model("accounts", "Membership")
        rows = {(m.user.username, m.clinic.slug, tuple(m.roles)) for m in Membership.objects.all()}
        assert rows == {
            ("both", "mig-a", ("nurse", "clinic_admin")),
            ("both", "mig-b", ("nurse", "clinic_admin")),
            ("one", "mig-b", ("front_desk",)),
        }
        # Different roles per clinic, then back: the old model holds their union.
        Membership.objects.filter(user__username="both", clinic__slug="mig-b").update(roles=["prescriber"])

        old = _migrate(BEFORE)
        User = old.get_model("accounts", "User")
        back = {u.username: (u.roles, sorted(c.slug for c in u.clinics.all())) for u in User.objects.all()}
        assert back["both"] == (["prescriber", "nurse", "clinic_admin"], ["mig-a", "mig-b"])
        assert back["one"] == (["front_desk"], ["mig-b"])
        assert back["nowhere"] == ([], [])  # no clinic held no role anywhere
    finally:
        executor = MigrationExecutor(connection)
        executor.loader.build_graph()
        executor.migrate(executor.loader.graph.leaf_nodes())
