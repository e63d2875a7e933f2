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


def portal_link(demo: Any) -> tuple[str, Any]:
    from remit.measures.models import PortalLink

    link = PortalLink.objects.select_related("questionnaire_request__patient").order_by("-id").first()
    return f"/p/{demo.portal_token}/", link.questionnaire_request.patient.date_of_birth


def fill_date_of_birth_by_keyboard(page: Any, dob: Any) -> None:
    """Tab to the first field and type the date as the page asks for it (one field, or month, day, year)."""
    fields = page.locator("form input:not([type=hidden])")
    first = fields.first
    for _ in range(30):  # past the skip link, the clinic's header and its links
        page.keyboard.press("Tab")
        if first.evaluate("el => el === document.activeElement"):
            break
    else:
        raise AssertionError("Tab never reached the date of birth")
    if fields.count() == 1:
        kind = first.get_attribute("type")
        page.keyboard.type(dob.strftime("%m%d%Y") if kind == "date" else dob.strftime("%m/%d/%Y"))
    else:
        for i, part in enumerate((str(dob.month), str(dob.day), str(dob.year))):
            if i:
                page.keyboard.press("Tab")
            page.keyboard.type(part)
    page.keyboard.press("Enter")


def answer_by_keyboard(page: Any) -> None:
    """Tab through the questionnaires: Space picks the focused (first) answer of each question, Enter on
    the button moves on, until the thank-you page."""
    for _ in range(400):
        if "/done/" in page.url:
            return
        page.keyboard.press("Tab")
        focused = page.evaluate(
            "() => { const e = document.activeElement; return e ? [e.tagName, e.type || '', e.checked || false,"
            " e.name || ''] : ['', '', false, ''] }"
        )
        tag, kind, checked, name = focused
        if kind == "radio" and not checked:
            page.keyboard.press("Space")
        elif tag == "BUTTON" or kind == "submit":
            unanswered = page.evaluate(
                "() => [...new Set([...document.querySelectorAll('input[type=radio]')].map(r => r.name))]"
                ".filter(n => !document.querySelector(`input[name='${n}']:checked`)).length"
            )
            if unanswered == 0:
                with page.expect_navigation():
                    page.keyboard.press("Enter")
    raise AssertionError(f"the questionnaire was not finished by keyboard; at {page.url}")


def test_the_portal_has_no_serious_accessibility_violation(live_server, page, transactional_db):
    """WCAG 2.1 AA (W3C) on each page the patient sees: the date of birth, each questionnaire, the end."""
    demo = load_demo()
    url, dob = portal_link(demo)
    page.set_viewport_size({"width": 375, "height": 740})
    page.goto(live_server.url + url)
    problems: dict[str, list[str]] = {}

    def look(name: str) -> None:
        for v in violations(page):
            problems.setdefault(name, []).append(f"{v['impact']} {v['id']}: {v['help']} {v['nodes']}")

    look("date of birth")
    fill_date_of_birth_by_keyboard(page, dob)
    page.wait_for_url("**/p/q/**")
    look("questionnaire")
    answer_by_keyboard(page)
    look("thank you")
    page.goto(live_server.url + "/p/record/")
    look("record")
    assert not problems, problems


def test_a_patient_answers_the_questionnaires_with_the_keyboard_alone(live_server, page, transactional_db):
    """WCAG 2.1.1 Keyboard (W3C): every answer and button is reached with Tab and worked with Space/Enter."""
    from remit.measures.models import Assessment

    demo = load_demo()
    url, dob = portal_link(demo)
    page.set_viewport_size({"width": 375, "height": 740})
    page.goto(live_server.url + url)
    fill_date_of_birth_by_keyboard(page, dob)
    page.wait_for_url("**/p/q/**")
    answer_by_keyboard(page)
    assert "/done/" in page.url
    stored = set(Assessment.objects.filter(portal_link__isnull=False).values_list("instrument", flat=True))
    assert stored == {"phq9", "gad7"}
