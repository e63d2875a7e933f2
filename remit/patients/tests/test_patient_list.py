"""The patient list: search by name, MRN and date of birth, only the user's clinics, paginated, audited.

The search posts and is redirected to ``?search=<handle>``: ``search`` below does both, as a browser does.
"""

from __future__ import annotations

from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from remit.accounts.models import Clinic
from remit.audit.models import AuditEvent
from remit.testing import PermissionMatrix, login, make_patient, make_user

LIST = reverse("patients:list")


class TestPermissions(PermissionMatrix):
    capability = "patient.view"
    other_clinic_not_applicable = "a clinic-wide list: each clinic's staff see their own clinic's rows"

    def url(self, world, patient):
        return LIST


def names(response):
    return [p.family_name for p, _ in response.context["rows"]]


def search(client, terms, **extra):
    """Post the search form and follow its redirect, as a browser does; the final page's response."""
    posted = client.post(LIST, terms)
    if posted.status_code != 302:
        return posted
    return client.get(posted["Location"], extra)


def test_it_never_lists_another_clinics_patients(world):
    make_patient(world.clinic, family_name="Ours")
    make_patient(world.other_clinic, family_name="Theirs")
    assert names(world.client("front_desk").get(LIST)) == ["Ours"]
    assert names(world.client("other_clinic").get(LIST)) == ["Theirs"]
    assert names(search(world.client("front_desk"), {"name": "Theirs"})) == []


@pytest.mark.parametrize(
    "query, expected",
    [
        ({"name": "ali"}, ["Alingham", "Bali"]),  # prefix or contains, given or family
        ({"name": "ALINGHAM"}, ["Alingham"]),  # case-insensitive
        ({"name": "cora"}, ["Bali"]),  # given name
        ({"name": "cora bali"}, ["Bali"]),  # every word must match
        ({"mrn": "X12"}, ["Alingham", "Bali"]),  # MRN prefix
        ({"mrn": "X123"}, ["Alingham"]),  # MRN exact
        ({"mrn": "12"}, []),  # MRN is a prefix, not contains
        ({"dob": "1990-02-03"}, ["Bali"]),  # date of birth
        ({"name": "ali", "dob": "1970-01-01"}, ["Alingham"]),  # filters combine
    ],
)
def test_it_searches_by_name_mrn_and_date_of_birth(world, query, expected):
    make_patient(
        world.clinic, given_name="Ann", family_name="Alingham", mrn="X123", date_of_birth=date(1970, 1, 1)
    )
    make_patient(
        world.clinic, given_name="Cora", family_name="Bali", mrn="X129", date_of_birth=date(1990, 2, 3)
    )
    make_patient(
        world.clinic, given_name="Dov", family_name="Carter", mrn="Y555", date_of_birth=date(1985, 6, 7)
    )
    assert names(search(world.client("front_desk"), query)) == expected


def test_it_orders_by_family_name(world):
    for family in ["Moss", "Abbot", "Zed", "Kay"]:
        make_patient(world.clinic, family_name=family)
    assert names(world.client("nurse").get(LIST)) == ["Abbot", "Kay", "Moss", "Zed"]


def test_it_hides_voided_patients_unless_asked(world):
    make_patient(world.clinic, family_name="Kept")
    make_patient(world.clinic, family_name="Gone", voided_at=timezone.now(), void_reason="duplicate")
    client = world.client("nurse")
    assert names(client.get(LIST)) == ["Kept"]
    assert names(search(client, {"name": "o"})) == []  # "Gone" is hidden from a search too
    assert names(search(client, {"show_voided": "on"})) == ["Gone", "Kept"]


def test_it_paginates_25_per_page(world):
    for n in range(30):
        make_patient(world.clinic, family_name=f"Family{n:02d}")
    client = world.client("nurse")
    first = client.get(LIST)
    assert len(first.context["rows"]) == 25
    assert first.context["page"].paginator.num_pages == 2
    second = client.get(LIST, {"page": 2})
    assert names(second) == [f"Family{n:02d}" for n in range(25, 30)]
    assert "page=2" in first.content.decode()


def test_the_page_links_keep_the_search(world):
    for n in range(30):
        make_patient(world.clinic, family_name=f"Smith{n:02d}")
    client = world.client("nurse")
    first = search(client, {"name": "smith"})
    html = first.content.decode()
    assert "smith" not in first.request["QUERY_STRING"]
    handle = first.request["QUERY_STRING"].removeprefix("search=")
    assert f"?search={handle}&amp;page=2" in html
    second = client.get(LIST, {"search": handle, "page": 2})
    assert names(second) == [f"Smith{n:02d}" for n in range(25, 30)]


def test_a_search_writes_one_search_row_with_the_terms(world):
    make_patient(world.clinic, family_name="Alingham")
    before = AuditEvent.objects.count()
    search(world.client("front_desk"), {"name": "ali", "dob": "1980-05-17"})
    rows = list(AuditEvent.objects.filter(seq__gt=before))
    assert len(rows) == 1
    assert rows[0].action == "search"
    assert rows[0].actor_id == world.users["front_desk"].pk
    assert rows[0].detail == {"name": "ali", "dob": "1980-05-17", "page": 1, "results": 1}


def test_a_plain_listing_writes_one_view_row_with_the_page_number(world):
    for n in range(30):
        make_patient(world.clinic)
    before = AuditEvent.objects.count()
    world.client("front_desk").get(LIST, {"page": 2})
    rows = list(AuditEvent.objects.filter(seq__gt=before))
    assert [(r.action, r.object_type, r.detail["page"]) for r in rows] == [("view", "patients.list", 2)]


def test_a_bad_date_of_birth_names_the_field(world):
    response = world.client("front_desk").post(LIST, {"dob": "1980-13-45"})
    assert response.status_code == 200
    assert "dob" in response.context["form"].errors
    assert "Date of birth: Date of birth must be a date, like 2026-03-31." in response.content.decode()


def test_it_offers_a_clinic_column_and_filter_to_staff_of_several_clinics(world):
    third = Clinic.objects.create(name="Clinic C", slug="clinic-c")
    roaming = make_user("roaming", ["nurse"], [world.clinic, third])
    make_patient(world.clinic, family_name="Alpha")
    make_patient(third, family_name="Gamma")
    make_patient(world.other_clinic, family_name="Beta")
    from django.test import Client

    client = login(Client(), roaming)
    response = client.get(LIST)
    assert names(response) == ["Alpha", "Gamma"]
    html = response.content.decode()
    assert "Clinic C" in html and 'name="clinic"' in html
    assert names(search(client, {"clinic": third.pk})) == ["Gamma"]
    # Another clinic's id is refused, not obeyed.
    refused = search(client, {"clinic": world.other_clinic.pk})
    assert "clinic" in refused.context["form"].errors
    assert "Beta" not in refused.content.decode()


def test_single_clinic_staff_see_no_clinic_column(world):
    make_patient(world.clinic)
    html = world.client("nurse").get(LIST).content.decode()
    assert 'name="clinic"' not in html


@pytest.mark.parametrize("query", [{}, {"name": "synthetic"}])
def test_its_query_count_does_not_grow_with_patients(world, query, django_assert_num_queries):
    client = world.client("front_desk")
    for _ in range(10):
        make_patient(world.clinic)
    search(client, query)
    with CaptureQueriesContext(connection) as few:
        assert len(search(client, query).context["rows"]) == 10
    for _ in range(50):
        make_patient(world.clinic)
    with django_assert_num_queries(len(few.captured_queries)):
        assert len(search(client, query).context["rows"]) == 25
