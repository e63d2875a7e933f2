"""A prescriber opens the outcome report, filters to IV ketamine, sees the charts and downloads the PDF."""

from __future__ import annotations

import pytest

from remit.reports import pdf
from remit.reports.tests import factories as F
from remit.reports.tests.pdftext import info_title, pages, text
from remit.testing import browser_sign_in, build_world


@pytest.mark.browser
def test_a_prescriber_filters_to_iv_ketamine_sees_the_curves_and_downloads_the_pdf(
    live_server, page, transactional_db, settings
):
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
    F.induction_course(world.clinic, user, modality="tms", baseline=20, end=15, followups=[(20, 16)])

    browser_sign_in(page, live_server, user)

    page.set_viewport_size({"width": 1100, "height": 900})
    page.goto(f"{live_server.url}/reports/")
    assert page.get_by_role("heading", name="Outcome report").is_visible()
    assert "Induction courses started" in page.content()
    page.get_by_label("Modality").select_option("ketamine_iv")
    page.get_by_role("button", name="Show").click()
    page.wait_for_url("**/reports/?*modality=ketamine_iv*")
    assert page.locator("dl.facts dd").first.inner_text().strip() == "8"

    images = page.locator("img[data-chart]")
    assert images.count() == 4
    for i in range(4):
        image = images.nth(i)
        image.scroll_into_view_if_needed()
        page.wait_for_function("img => img.complete && img.naturalWidth > 0", arg=image.element_handle())
        assert "modality=ketamine_iv" in image.get_attribute("src")
    page.screenshot(path="/tmp/report.png", full_page=True)

    with page.expect_download() as info:
        page.get_by_role("link", name="Download PDF").click()
    path = info.value.path()
    body = open(path, "rb").read()
    assert body.startswith(b"%PDF")
    assert pages(body) == pdf.PAGE_COUNT
    assert info_title(body).startswith("Outcome report")
    shown = text(body)
    assert "Modality\nKetamine (IV)" in shown  # the filters table: what was filtered, and its value
    assert "Free of retreatment or relapse after the course" in shown

    # At 375 px nothing runs off the side.
    page.set_viewport_size({"width": 375, "height": 740})
    page.goto(f"{live_server.url}/reports/?modality=ketamine_iv")
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    page.screenshot(path="/tmp/report-375.png", full_page=True)
