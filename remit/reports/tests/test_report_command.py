"""`remit report outcomes|durability`: the same numbers as the page, audited, bad input named."""

from __future__ import annotations

import csv
import io
import json

import pytest
from django.core.management import CommandError, call_command

from remit.audit.models import AuditEvent
from remit.reports.queries import ReportFilter
from remit.reports.report import build_report
from remit.reports.tests import factories as F
from remit.reports.tests.pdftext import pages


@pytest.fixture
def data(world, settings):
    settings.REMIT_REPORT_MIN_N = 2
    user = world.users["prescriber"]
    F.induction_course(world.clinic, user, followups=[(40, 6)], cadss=(10, 30), trials=2)
    F.induction_course(world.clinic, user, baseline=24, end=20, retreat_after=15, cadss=(2,))
    F.induction_course(world.clinic, user, modality="esketamine", end=3, followups=[(9, 4)])
    F.induction_course(world.other_clinic, world.users["other_clinic"], end=2, followups=[(9, 4)])
    return world


def run(*args):
    out = io.StringIO()
    call_command("report", *args, stdout=out)
    return out.getvalue()


def test_json_is_one_document_with_the_same_numbers_as_the_report(data):
    doc = json.loads(run("outcomes", "--clinic", "clinic-a"))
    expected = build_report(ReportFilter((data.clinic.pk,))).to_dict()
    for key in (
        "courses",
        "end_of_induction",
        "session_curve",
        "durability",
        "onset",
        "by_baseline_band",
        "by_failed_trials",
    ):
        assert doc[key] == expected[key], key
    assert doc["courses"]["started"] == 3


def test_it_filters_by_clinic_modality_and_dates(data):
    assert json.loads(run("outcomes"))["courses"]["started"] == 4
    assert json.loads(run("outcomes", "--modality", "esketamine"))["courses"]["started"] == 1
    assert json.loads(run("outcomes", "--from", "2026-02-01"))["courses"]["started"] == 0
    assert (
        json.loads(run("outcomes", "--protocol", "ketamine_iv-induction", "--clinic", "clinic-a"))["courses"][
            "started"
        ]
        == 2
    )


def test_csv_html_and_pdf(data, tmp_path):
    assert run("outcomes", "--format", "csv").startswith("section,measure,group,k,n,value,low,high,display\n")
    html = run("outcomes", "--format", "html")
    assert "<h1>Outcome report</h1>" in html and html.count("<svg") == 4
    target = tmp_path / "report.pdf"
    run("outcomes", "--format", "pdf", "--out", str(target))
    body = target.read_bytes()
    assert body.startswith(b"%PDF") and pages(body) == 6


def test_durability_rows_are_de_identified(data):
    rows = list(csv.DictReader(io.StringIO(run("durability", "--format", "csv"))))
    assert len(rows) == 4
    assert set(rows[0]) == {
        "course_id",
        "modality",
        "protocol",
        "days",
        "event",
        "baseline_total",
        "end_total",
        "peak_cadss",
    }
    ids = {r["course_id"] for r in rows}
    assert len(ids) == 4 and all(len(i) == 16 for i in ids)
    from remit.treatment.models import Course

    assert not ids & {str(pk) for pk in Course.objects.values_list("pk", flat=True)}
    # Stable: the same course gets the same id next time.
    assert ids == {r["course_id"] for r in csv.DictReader(io.StringIO(run("durability")))}


def test_each_run_is_audited_as_an_export_by_remit_report(data):
    before = AuditEvent.objects.count()
    run("outcomes", "--modality", "tms")
    run("durability")
    events = list(AuditEvent.objects.order_by("seq"))[before:]
    assert [(e.action, e.actor_id, e.actor_label, e.object_type) for e in events] == [
        ("export", None, "remit report", "reports.outcomes"),
        ("export", None, "remit report", "reports.durability"),
    ]
    assert events[0].detail["filters"]["modality"] == "tms"


@pytest.mark.parametrize(
    ("args", "named"),
    [
        (["outcomes", "--clinic", "nowhere"], "--clinic"),
        (["outcomes", "--from", "yesterday"], "--from"),
        (["outcomes", "--format", "pdf"], "--out"),
        (["durability", "--format", "json"], "--format"),
        (["outcomes", "--from", "2026-03-01", "--to", "2026-01-01"], "--to"),
    ],
)
def test_bad_input_names_the_option(world, args, named):
    with pytest.raises(CommandError, match=named):
        run(*args)
