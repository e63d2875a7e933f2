"""The REMS page: forms due with days left, overdue in red, and marking one submitted (audited)."""

# ruff: noqa: F811  (the ``clock`` fixture is imported from factories)

from __future__ import annotations

import datetime as dt

from remit.audit.models import AuditEvent
from remit.testing import PermissionMatrix, make_patient
from remit.treatment.models import RemsMonitoringForm

from .factories import START, clock, make_session  # noqa: F401


def make_form(world, due_in_days: int, patient=None, **fields):
    session = make_session(world, "esketamine", patient=patient or make_patient(world.clinic))
    return RemsMonitoringForm.objects.create(
        session=session,
        data={"treatment_date": START.date().isoformat()},
        due_by=START.date() + dt.timedelta(days=due_in_days),
        **fields,
    )


class TestRemsPage(PermissionMatrix):
    capability = "sessions.chart"
    other_clinic_not_applicable = "a clinic-wide list: each clinic's staff see their own clinic's rows"

    def url(self, world, patient):
        return "/treatment/rems/"


class TestMarkSubmitted(PermissionMatrix):
    capability = "sessions.chart"
    ok_status = 302

    def url(self, world, patient):
        return f"/treatment/rems/{make_form(world, 7, patient=patient).pk}/submitted/"

    def request(self, client, url):
        return client.post(url, {"reference": "CONF-1"})


def test_it_counts_down_days_and_shows_overdue_in_red(world, clock):
    make_form(world, 7, patient=make_patient(world.clinic, family_name="Seven"))
    make_form(world, -2, patient=make_patient(world.clinic, family_name="Late"))
    other = make_patient(world.other_clinic, family_name="Elsewhere")
    make_form(world, 3, patient=other)
    html = world.client("nurse").get("/treatment/rems/").content.decode()
    assert "7 days left" in html
    assert 'class="overdue"' in html and "Overdue by 2 days" in html
    assert html.index("Late") < html.index("Seven")
    assert "Elsewhere" not in html


def test_marking_submitted_records_who_when_and_the_reference(world, clock):
    form = make_form(world, 7)
    client = world.client("nurse")
    before = AuditEvent.objects.count()
    assert client.post(f"/treatment/rems/{form.pk}/submitted/", {"reference": "REMS-778"}).status_code == 302
    form.refresh_from_db()
    assert form.submitted_by == world.users["nurse"] and form.submission_reference == "REMS-778"
    assert form.submitted_at == clock.at
    rows = list(AuditEvent.objects.order_by("seq"))[before:]
    assert [(r.action, r.detail.get("step")) for r in rows] == [("update", "rems_submitted")]
    assert "REMS-778" in client.get("/treatment/rems/").content.decode()


def test_marking_submitted_needs_a_reference(world, clock):
    form = make_form(world, 7)
    client = world.client("nurse")
    response = client.post(f"/treatment/rems/{form.pk}/submitted/", {"reference": ""}, follow=True)
    assert "REMS confirmation or fax reference" in response.content.decode()
    form.refresh_from_db()
    assert form.submitted_at is None


def test_its_query_count_does_not_grow_with_the_forms(world, clock, django_assert_max_num_queries):
    client = world.client("nurse")
    make_form(world, 5)
    client.get("/treatment/rems/")
    with django_assert_max_num_queries(30) as few:
        client.get("/treatment/rems/")
    for i in range(10):
        make_form(world, i)
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert client.get("/treatment/rems/").status_code == 200
