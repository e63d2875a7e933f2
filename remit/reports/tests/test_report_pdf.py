"""The outcome report PDF opens and holds the title page, the figures and every chart."""

from __future__ import annotations

from remit.reports import pdf
from remit.reports.queries import ReportFilter
from remit.reports.report import build_report
from remit.reports.tests import factories as F
from remit.reports.tests.pdftext import info_title, pages, text


def test_the_pdf_has_a_title_page_the_figures_and_each_chart(world, settings):
    settings.REMIT_REPORT_MIN_N = 2
    user = world.users["prescriber"]
    for after in (20, 40, None):
        F.induction_course(world.clinic, user, retreat_after=after, followups=[(60, 5)], cadss=(12, 20))
    body = pdf.render(
        build_report(ReportFilter((world.clinic.pk,), modality="ketamine_iv"), {"modality": "Ketamine (IV)"})
    )
    assert body.startswith(b"%PDF")
    assert body.rstrip().endswith(b"%%EOF")
    assert pages(body) == pdf.PAGE_COUNT == 6
    assert info_title(body).startswith("Outcome report")
    shown = text(body)
    for expected in (
        "Outcome report",
        "Modality\nKetamine (IV)",  # a table: the filter, then what was chosen
        "Induction courses started\n3",
        "Response at end of induction",
        "Response and remission by session number",
        "Free of retreatment or relapse after the course",
        "Peak dissociation (CADSS)",
        "By baseline severity",
        "By failed adequate trials",
    ):
        assert expected in shown, expected


def test_an_empty_report_still_makes_a_readable_pdf(world):
    body = pdf.render(build_report(ReportFilter((world.clinic.pk,))))
    assert body.startswith(b"%PDF")
    assert pages(body) == pdf.PAGE_COUNT
    assert "too few to report (n=0)" in text(body)
