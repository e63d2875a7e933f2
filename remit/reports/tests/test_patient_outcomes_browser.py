"""In a browser at phone width: a prescriber sees a relapse on the outcomes page, with the chart loaded under the
CSP, and drafts a maintenance course in one click."""

from __future__ import annotations

import pytest

from remit.decision.tests.helpers_outcomes import day, make_course, phq9, scores
from remit.screening.tests.conftest import signed
from remit.testing import browser_sign_in, make_patient
from remit.treatment.models import Course

pytestmark = pytest.mark.browser


def test_a_prescriber_sees_the_relapse_and_drafts_a_booster(live_server, page, world):
    patient = make_patient(world.clinic)
    signed(world, patient)
    scores(world, patient, [(-61, 20), (-47, 8), (-40, 6), (-30, 18)])
    make_course(world, patient, [day(-60 + 2 * i) for i in range(6)], status=Course.COMPLETED)
    phq9(world, patient, day(-24), 19, signal=True)

    problems: list[str] = []
    page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
    page.set_viewport_size({"width": 375, "height": 800})
    browser_sign_in(page, live_server, world.users["prescriber"])
    page.goto(f"{live_server.url}/reports/patients/{patient.pk}/")
    assert page.get_by_role("heading", name="Outcomes", exact=True).is_visible()
    assert page.get_by_text("Relapsed").first.is_visible()
    image = page.locator("figure.report-chart img").first
    assert image.evaluate("img => img.complete && img.naturalWidth > 0")
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")
    assert [p for p in problems if "Content Security Policy" in p or "Refused" in p] == []
    page.get_by_role("button", name="Draft maintenance course").click()
    page.wait_for_url("**/treatment/courses/*/")
    drafted = Course.objects.get(patient=patient, phase="maintenance")
    assert drafted.status == Course.PLANNED
