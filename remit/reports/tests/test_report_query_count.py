"""The report's queries do not grow with the number of patients."""

from __future__ import annotations

from django.db import connection
from django.test.utils import CaptureQueriesContext

from remit.reports.queries import ReportFilter, load
from remit.reports.tests import factories as F


def _add_patients(world, n):
    user = world.users["prescriber"]
    for i in range(n):
        F.induction_course(
            world.clinic,
            user,
            baseline=15 + i % 10,
            end=4 + i % 9,
            followups=[(20 + i, 10)],
            retreat_after=None if i % 2 else 30 + i,
            cadss=(i % 20, 3),
            trials=i % 4,
        )


def _count(client, path):
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(path)
    assert response.status_code == 200
    return len(ctx.captured_queries)


def test_the_page_makes_the_same_number_of_queries_for_5_and_40_patients(
    world, django_assert_max_num_queries
):
    client = world.client("prescriber")
    client.get("/reports/")  # the first audit row of a fresh database also creates the chain head
    _add_patients(world, 5)
    few = _count(client, "/reports/")
    _add_patients(world, 35)
    many = _count(client, "/reports/")
    assert few == many
    with django_assert_max_num_queries(many):
        client.get("/reports/")


def test_the_downloads_make_the_same_number_of_queries_for_5_and_40_patients(world):
    client = world.client("prescriber")
    client.get("/reports/")
    _add_patients(world, 5)
    few = [_count(client, p) for p in ("/reports/outcomes.csv", "/reports/durability.csv")]
    _add_patients(world, 35)
    many = [_count(client, p) for p in ("/reports/outcomes.csv", "/reports/durability.csv")]
    assert few == many


def test_loading_the_data_is_five_queries(world, django_assert_num_queries):
    _add_patients(world, 12)
    with django_assert_num_queries(5):
        data = load(ReportFilter((world.clinic.pk,)))
    assert len(data.courses) == 12
