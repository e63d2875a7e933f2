"""No internal code reaches a person: every page of the demo clinic, read as each role, speaks plain US English.

The demo clinic is generated once for the module (inside a transaction rolled back at the end). Each role's
crawl starts at the home page, follows every link and adds the addresses of each kind of record (patients,
courses, sessions of each modality, screenings, alerts, questionnaires, reports, REMS forms, audit,
settings, amendments); the patient portal is read with a patient's link; PDFs are read as text.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest
from django.db import transaction
from django.test import Client

from remit.testing import login
from remit.web.tests.demo_pages import ROLES, load_demo, portal_pages, staff_pages
from remit.web.tests.internal_codes import BRITISH, findings, readable, text_findings

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock(), transaction.atomic():
        yield load_demo()
        transaction.set_rollback(True)


@pytest.fixture(autouse=True)
def _portal_links_point_here(settings):
    settings.REMIT_SMS_BACKEND = "memory"
    settings.REMIT_PORTAL_BASE_URL = "http://testserver"


def report(found: dict[str, list[str]]) -> str:
    return "\n".join(f"{url}\n    " + "\n    ".join(sorted(set(items))) for url, items in found.items())


@pytest.mark.parametrize("role", ROLES)
def test_no_page_a_person_of_each_role_opens_shows_an_internal_code(demo, role):
    """Issue: the words clinicians use. Nothing a person reads is a code, a repr or a British spelling."""
    pages = staff_pages(login(Client(), demo.users[role]), demo.seeded_urls)
    assert len(pages) > 20, [p.url for p in pages]
    errors = [p.url for p in pages if p.status >= 500]
    assert not errors, errors
    found = {p.url: f for p in pages if (f := findings(p.html))}
    assert not found, report(found)


def test_the_crawl_reads_every_kind_of_record(demo):
    """The check is only as good as its page list: each kind of record is read at least once."""
    urls = [p.url for p in staff_pages(login(Client(), demo.users["prescriber"]), demo.seeded_urls)]
    for part in (
        "/patients/",
        "/treatment/courses/",
        "/treatment/sessions/",
        "/screening/",
        "/alerts/",
        "/measures/patients/",
        "/reports/",
        "/treatment/rems/",
        "/audit/",
        "/amendments/",
        "/accounts/settings/",
    ):
        assert any(part in url for url in urls), part


def test_no_portal_page_shows_the_patient_an_internal_code(demo):
    from remit.measures.models import PortalLink

    link = PortalLink.objects.select_related("questionnaire_request__patient").order_by("-id").first()
    dob = link.questionnaire_request.patient.date_of_birth
    pages = portal_pages(demo.portal_token, Client(), dob)
    assert any("Little interest" in p.html for p in pages), [p.url for p in pages]
    found = {p.url: f for p in pages if (f := findings(p.html))}
    assert not found, report(found)


@pytest.mark.skipif(not shutil.which("pdftotext"), reason="pdftotext (poppler-utils) is not installed")
def test_no_pdf_shows_an_internal_code(demo, tmp_path):
    client = login(Client(), demo.users["prescriber"])
    found = {}
    for url in demo.pdf_urls:
        response = client.get(url)
        assert response.status_code == 200, url
        pdf = tmp_path / "page.pdf"
        pdf.write_bytes(b"".join(response) if response.streaming else response.content)
        text = subprocess.run(
            ["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True
        ).stdout
        assert text.strip(), url
        if f := text_findings(text):
            found[url] = f
    assert not found, report(found)


def test_a_tms_session_speaks_tms_not_dosing(demo):
    """TMS delivers pulses; "dose" and "dosing" belong to the drug sessions."""
    client = login(Client(), demo.users["tms_technician"])
    assert demo.tms_urls
    for url in demo.tms_urls:
        response = client.get(url)
        assert response.status_code == 200, url
        texts, _ = readable(response.content.decode())
        said = [t for t in texts if re.search(r"\bdos(?:e|es|ed|ing)\b", t, re.IGNORECASE)]
        assert not said, (url, said)


def test_no_template_says_a_word_in_british_spelling():
    """Pages the crawl cannot reach with the demo's records (an unenrolled patient, an error) are read
    from their templates: the text outside tags and template code."""
    british = re.compile(r"\b(?:" + "|".join(BRITISH) + r")\b", re.IGNORECASE)
    code = re.compile(r"{%.*?%}|{{.*?}}|{#.*?#}|<[^>]*>", re.DOTALL)
    root = Path(__file__).resolve().parents[2]
    found = []
    for template in sorted(root.rglob("templates/**/*.html")):
        for number, line in enumerate(
            code.sub(lambda m: "\n" * m.group(0).count("\n") or " ", template.read_text()).splitlines(), 1
        ):
            if match := british.search(line):
                found.append(f"{template.relative_to(root)}:{number}: {match.group(0)}")
    assert not found, found
