"""Every PDF Remit makes prints as a person expects: US Letter portrait unless the clinic asks for A4,
one orientation per document, the clinic and the document's title (and the patient, when there is one)
on every page, and "Page 2 of 5" at the bottom. Read with poppler's pdfinfo and pdftotext."""

from __future__ import annotations

import pytest

from remit.reports import pdf
from remit.reports.progress import progress_report
from remit.reports.queries import ReportFilter
from remit.reports.report import build_report
from remit.reports.tests import factories as F
from remit.reports.tests.pdftext import assert_printable, page_texts, poppler_available
from remit.reports.tests.test_progress_pdf import full_history

pytestmark = pytest.mark.skipif(not poppler_available(), reason="needs poppler-utils (pdfinfo, pdftotext)")

A4 = (595.44, 841.68)  # 8.27 x 11.69 in, as matplotlib writes it


def _outcome_pdf(world):
    user = world.users["prescriber"]
    for after in (20, 40, None):
        F.induction_course(world.clinic, user, retreat_after=after, followups=[(60, 5)], cadss=(12, 20))
    return pdf.render(build_report(ReportFilter((world.clinic.pk,)), {"clinic": world.clinic.name}))


def test_the_outcome_report_is_us_letter_portrait_with_a_header_and_page_numbers_on_every_page(world):
    body = _outcome_pdf(world)
    assert_printable(body, header=["Clinic A", "Outcome report (Patient Health Questionnaire-9 (PHQ-9))"])
    assert len(page_texts(body)) == pdf.PAGE_COUNT


def test_the_outcome_reports_figures_are_a_table_with_a_header_row(world):
    figures = page_texts(_outcome_pdf(world))[1]
    lines = [line.split() for line in figures.splitlines() if line.strip()]
    assert ["Measure", "Value"] in lines
    started = next(line for line in figures.splitlines() if "Induction courses started" in line)
    assert started.split()[-1] == "3"  # the value in its own column, on the measure's row


def test_with_the_a4_setting_the_outcome_report_is_a4_portrait(world, settings):
    settings.REMIT_PAPER_SIZE = "a4"
    assert_printable(_outcome_pdf(world), header=["Clinic A"], paper=A4)


def test_with_the_a4_setting_the_progress_report_is_a4_portrait(world, settings):
    settings.REMIT_PAPER_SIZE = "a4"
    assert_printable(progress_report(full_history(world)), header=["Clinic A"], paper=A4)


def test_the_progress_report_names_the_patient_on_every_page(world):
    patient = full_history(world)
    body = progress_report(patient)
    assert_printable(body, header=["Clinic A", "Progress report", f"MRN {patient.mrn}"])
