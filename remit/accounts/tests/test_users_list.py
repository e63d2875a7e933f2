from __future__ import annotations

from django.urls import reverse

from remit.accounts.models import Clinic
from remit.testing import PermissionMatrix, make_user


class TestUsersListPermissions(PermissionMatrix):
    capability = "users.manage"
    other_clinic_not_applicable = "a clinic-wide list: each clinic's staff see their own clinic's rows"

    def url(self, world, patient):
        return reverse("accounts:users")


def test_it_lists_only_users_of_the_admins_clinics(world):
    client = world.client("clinic_admin")
    response = client.get(reverse("accounts:users"))
    content = response.content.decode()
    for persona in ("prescriber", "nurse", "tms_technician", "front_desk", "clinic_admin"):
        assert f">{persona}<" in content
    assert "other_clinic" not in content


def test_a_user_in_two_clinics_is_listed_once(world):
    make_user("both", ["nurse"], [world.clinic, world.other_clinic])
    response = world.client("clinic_admin").get(reverse("accounts:users"))
    assert response.content.decode().count(">both<") == 1


def test_it_searches_by_name(world):
    response = world.client("clinic_admin").get(reverse("accounts:users"), {"q": "tms"})
    content = response.content.decode()
    assert ">tms_technician<" in content and ">nurse<" not in content


def test_the_query_count_does_not_grow_with_users(world, django_assert_max_num_queries):
    client = world.client("clinic_admin")
    client.get(reverse("accounts:users"))
    with django_assert_max_num_queries(12) as few:
        client.get(reverse("accounts:users"))
    extra = Clinic.objects.create(name="Clinic C", slug="clinic-c")
    for n in range(30):
        make_user(f"many{n}", ["nurse"], [world.clinic, extra], mfa=n % 2 == 0)
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(reverse("accounts:users"))
    assert response.content.decode().count("many") >= 30
