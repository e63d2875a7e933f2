"""In Chromium: the demo's sign-in page with each account's code, a patient's trajectory chart read from
Chart.js (a legend, date labels never repeated), and the outcome report; screenshots at 1280 and 375 px."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
from django.urls import reverse
from django.utils import timezone

from remit.measures import actions_assessments
from remit.reports.tests import factories as F
from remit.testing import browser_sign_in, build_world, make_patient

SHOTS = Path("/tmp/shots/demo")
PHQ9 = {f"q{i}": 2 for i in range(1, 10)} | {"q9": 0, "q10": 1}


def _shoot(page, name: str) -> None:
    """A screenshot at 1280 and 375 px wide; at 375 nothing scrolls sideways."""
    SHOTS.mkdir(parents=True, exist_ok=True)
    for width in (1280, 375):
        page.set_viewport_size({"width": width, "height": 900})
        page.wait_for_timeout(300)  # let Chart.js redraw at the new width
        page.screenshot(path=str(SHOTS / f"{name}-{width}.png"), full_page=True)
        overflow = page.evaluate(
            "document.documentElement.scrollWidth - document.documentElement.clientWidth"
        )
        assert overflow <= 0, f"{name} scrolls sideways by {overflow} px at {width} px"


@pytest.mark.browser
def test_the_demo_sign_in_page_shows_the_banner_and_each_accounts_code(
    live_server, page, transactional_db, settings
):
    settings.REMIT_DEMO = True
    build_world()
    page.goto(f"{live_server.url}/accounts/login/")
    assert page.get_by_role("note").inner_text().startswith("Demo:")
    codes = page.locator("td.demo-code")
    assert codes.count() == 6  # the five personas of clinic A and the other clinic's prescriber
    assert all(len(c) == 6 and c.isdigit() for c in codes.all_inner_texts())
    _shoot(page, "demo-sign-in")


@pytest.mark.browser
def test_a_trajectory_chart_has_a_legend_and_date_labels_that_never_repeat(
    live_server, page, transactional_db
):
    world = build_world()
    patient = make_patient(world.clinic)
    start = timezone.now() - timedelta(days=20)
    for i in range(40):  # many readings, twice a day: a naive axis would label a day twice
        actions_assessments.record_assessment(
            patient=patient,
            instrument="phq9",
            answers=PHQ9 | {"q1": i % 4, "q2": (i // 5) % 4},
            respondent="patient",
            actor=world.users["nurse"],
            taken_at=start + timedelta(hours=12 * i),
        )
    browser_sign_in(page, live_server, world.users["prescriber"])
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(f"{live_server.url}{reverse('measures:patient', kwargs={'pk': patient.pk})}")
    page.wait_for_function(
        "window.Chart && Chart.getChart(document.querySelector('canvas[data-series=phq9]'))"
    )
    chart = page.evaluate(
        """() => {
          const c = Chart.getChart(document.querySelector('canvas[data-series=phq9]'));
          const x = c.scales.x;
          return {
            ticks: x.getTicks().map(t => t.label),
            legend: c.legend.legendItems.map(i => i.text),
            color: c.data.datasets[0].borderColor,
          };
        }"""
    )
    labels = [str(t) for t in chart["ticks"]]
    print("date labels:", labels, "legend:", chart["legend"])
    assert 2 <= len(labels) <= 7
    assert len(labels) == len(set(labels)), labels
    assert chart["legend"][0] == "Total score" and chart["legend"][1].startswith("Baseline")
    assert chart["color"] == "#1f5fa8"  # the one chart style's primary color, as in the PDFs
    _shoot(page, "measures-trajectory")


@pytest.mark.browser
def test_the_outcome_report_page_reads_at_both_widths(live_server, page, transactional_db, settings):
    settings.REMIT_REPORT_MIN_N = 3
    world = build_world()
    user = world.users["prescriber"]
    for i, after in enumerate((12, 20, 33, 47, None, None, 75, None)):
        F.induction_course(
            world.clinic,
            user,
            baseline=18 + i % 6,
            during=(16 - i % 3, 12 - i % 4, 9),
            end=3 + i * 2,
            followups=[(30 + 10 * i, 6 + i)],
            retreat_after=after,
            cadss=(8 + 3 * i, 20 - i),
            trials=i % 4,
        )
    browser_sign_in(page, live_server, user)
    page.goto(f"{live_server.url}/reports/")
    assert page.get_by_role("heading", name="Outcome report").is_visible()
    _shoot(page, "outcome-report-page")
