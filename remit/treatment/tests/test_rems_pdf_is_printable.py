"""The REMS Patient Monitoring Form PDF: US Letter portrait, a header naming the clinic, the form and
the patient on every page, "Page i of N", and the answers as a table of question and answer."""

# ruff: noqa: F811  (the ``clock`` fixture is imported from factories)

from __future__ import annotations

import pytest

from remit.reports.tests.pdftext import assert_printable, page_texts, poppler_available
from remit.treatment.views_rems import pdf_bytes

from .factories import clock  # noqa: F401
from .test_rems_form import signed_form

pytestmark = pytest.mark.skipif(not poppler_available(), reason="needs poppler-utils (pdfinfo, pdftotext)")


def test_the_rems_form_pdf_is_us_letter_with_the_patient_and_page_numbers_on_every_page(world, clock):
    form = signed_form(world, clock)
    patient = form.session.patient
    body = pdf_bytes(form)
    assert_printable(body, header=["Clinic A", "Spravato REMS Patient Monitoring Form", f"MRN {patient.mrn}"])


def test_the_rems_form_pdf_is_a_table_of_question_and_answer(world, clock):
    form = signed_form(world, clock)
    first = page_texts(pdf_bytes(form))[0]
    assert ["Question", "Answer"] in [line.split() for line in first.splitlines()]
