"""The demo clinic's pages, for the tests that read every page as each role would.

``load_demo`` loads a small synthetic clinic with the project's generator (as ``remit demo`` does, at
the smallest size that still has every kind of record) and adds the few records the generator does
not make (a portal link, an amendment request, a REMS form). ``staff_pages`` crawls, as one person,
the pages reachable by links from the home page plus the URL patterns filled with demo ids, reading
at most a few pages of each address shape so the crawl stays fast.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter, deque
from collections.abc import Iterable
from dataclasses import dataclass, field
from html.parser import HTMLParser
from io import StringIO
from typing import Any
from urllib.parse import urldefrag, urlsplit

from django.core.management import call_command
from django.urls import reverse

DEMO_PATIENTS = 30
DEMO_SEED = 2026
ROLES = ["prescriber", "nurse", "tms_technician", "front_desk", "clinic_admin"]
PER_SHAPE = 2  # pages read per address shape (/patients/N/ …): enough to see each kind of record
MAX_PAGES = 160  # per person: a crawl that finds more than this has found a loop
SKIPPED = (
    "/accounts/logout/",
    "/accounts/keepalive/",
    "/admin/",
    "/api/",
    "/fhir/r4/",
    "/static/",
    "/healthz",
    "/p/",  # the portal is read with a patient's link, not a staff session
)
# Not pages: downloads and pictures (PDFs are read apart, as text).
NOT_PAGES = re.compile(r"\.(csv|svg|png|json|pdf)$|/pdf/$")


@dataclass
class Demo:
    clinic: Any
    users: dict[str, Any]
    portal_token: str
    seeded_urls: list[str] = field(default_factory=list)
    pdf_urls: list[str] = field(default_factory=list)
    tms_urls: list[str] = field(default_factory=list)


def load_demo() -> Demo:
    """The synthetic clinic, the first clinic's person of each role, and addresses of each kind of record."""
    from remit.accounts.models import Clinic, Membership
    from remit.alerts.models import Alert
    from remit.amendments import actions as amendments
    from remit.measures import actions_portal_links, actions_questionnaire_requests
    from remit.measures.models import Assessment, PortalLink
    from remit.patients.models import Diagnosis, Patient
    from remit.screening.models import Screening
    from remit.treatment.models import Course, RemsMonitoringForm, Session

    call_command("generate", stdout=StringIO(), patients=DEMO_PATIENTS, seed=DEMO_SEED)
    clinic = Clinic.objects.order_by("id").first()
    users: dict[str, Any] = {}
    for membership in Membership.objects.filter(clinic=clinic).select_related("user").order_by("id"):
        for role in membership.roles:
            users.setdefault(role, membership.user)
    missing = set(ROLES) - set(users)
    assert not missing, f"the demo clinic has nobody with the role {missing}"

    patients = Patient.objects.filter(clinic=clinic).order_by("id")
    patient = patients.first()
    questionnaire_request = actions_questionnaire_requests.create_questionnaire_request(
        patient=patient, instruments=["phq9", "gad7"]
    )
    _, token = actions_portal_links.create_link(questionnaire_request, PortalLink.SMS)
    diagnosis = Diagnosis.objects.filter(patient__clinic=clinic).first()
    amendment = amendments.request_amendment(
        diagnosis.patient,
        part=f"diagnosis:{diagnosis.pk}",
        text="I was never diagnosed with this.",
        actor=users["nurse"],
    )
    esketamine = Session.objects.filter(course__patient__clinic=clinic, course__modality="esketamine").first()
    rems = RemsMonitoringForm.objects.filter(session__course__patient__clinic=clinic).first()
    if rems is None and esketamine is not None:
        rems = RemsMonitoringForm.objects.create(
            session=esketamine,
            data={"treatment_date": dt.date.today().isoformat()},
            due_by=dt.date.today() + dt.timedelta(days=3),
        )

    urls: list[str] = []
    tms: list[str] = []
    for p in patients[:2]:
        urls += [
            reverse("patients:detail", args=[p.pk]),
            reverse("patients:edit", args=[p.pk]),
            reverse("measures:patient", args=[p.pk]),
            reverse("screening:patient", args=[p.pk]),
            reverse("treatment:patient_courses", args=[p.pk]),
            reverse("treatment:course_new", args=[p.pk]),
            reverse("reports:patient", args=[p.pk]),
            reverse("audit:disclosures", args=[p.pk]),
            reverse("amendments:new", args=[p.pk]),
        ]
    for modality in ("ketamine_iv", "esketamine", "tms"):
        course = Course.objects.filter(patient__clinic=clinic, modality=modality).order_by("id").first()
        if course is None:
            continue
        urls += [reverse("treatment:course", args=[course.pk])]
        sessions = [*Session.objects.filter(course=course).order_by("-id")[:1]]
        sessions += [*Session.objects.filter(course=course).order_by("id")[:1]]
        for session in sessions:
            urls.append(reverse("treatment:session", args=[session.pk]))
            if modality == "tms":
                tms.append(urls[-1])
    for screening in Screening.objects.filter(patient__clinic=clinic).order_by("id")[:2]:
        urls.append(reverse("screening:detail", args=[screening.pk]))
    for kind in Alert.objects.filter(clinic=clinic).values_list("kind", flat=True).distinct():
        alert = Alert.objects.filter(clinic=clinic, kind=kind).first()
        urls.append(reverse("alerts:detail", args=[alert.pk]))
    for code in (
        Assessment.objects.filter(patient=patient).values_list("instrument", flat=True).distinct()[:3]
    ):
        urls.append(reverse("measures:rate", args=[patient.pk, code]))
    urls += [
        reverse("web:today"),
        reverse("patients:list"),
        reverse("patients:create"),
        reverse("patients:medication_flags"),
        reverse("patients:emergency_access"),
        reverse("alerts:inbox"),
        reverse("alerts:escalation"),
        reverse("measures:follow_up"),
        reverse("amendments:queue"),
        reverse("amendments:decide", args=[amendment.pk]),
        reverse("screening:settings"),
        reverse("treatment:today"),
        reverse("treatment:protocols"),
        reverse("treatment:rems"),
        reverse("reports:outcomes"),
        reverse("decision:outcome_settings"),
        reverse("audit:report"),
        reverse("accounts:settings"),
        reverse("accounts:users"),
        reverse("accounts:user_create"),
        reverse("fhir:tokens"),
    ]
    pdfs = [reverse("reports:progress_pdf", args=[patient.pk]), reverse("reports:outcomes_pdf")]
    if rems is not None:
        urls.append(reverse("treatment:rems_form", args=[rems.pk]))
        pdfs.append(reverse("treatment:rems_pdf", args=[rems.pk]))
    return Demo(clinic=clinic, users=users, portal_token=token, seeded_urls=urls, pdf_urls=pdfs, tms_urls=tms)


class Links(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.hrefs: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "a":
            href = dict(attrs).get("href")
            if href:
                self.hrefs.append(href)


def links(html: str) -> list[str]:
    parser = Links()
    parser.feed(html)
    return parser.hrefs


def shape(path: str) -> str:
    """The address with its numbers and slugs after a number taken out: /patients/N/, /treatment/sessions/N/S/."""
    return re.sub(r"/\d+(/[a-z0-9-]+)?(?=/)", "/N", path)


def followable(href: str) -> str | None:
    href, _ = urldefrag(href)
    parts = urlsplit(href)
    if parts.scheme or parts.netloc or not parts.path.startswith("/"):
        return None
    path = parts.path
    if path.startswith(SKIPPED) or NOT_PAGES.search(path):
        return None
    return path


@dataclass
class Page:
    url: str
    status: int
    html: str


def staff_pages(client: Any, seeded: Iterable[str], per_shape: int = PER_SHAPE) -> list[Page]:
    """Every page one signed-in person reaches from the home page and the seeded addresses (GET only)."""
    queue = deque(["/", *seeded])
    seen: set[str] = set()
    shapes: Counter[str] = Counter()
    pages: list[Page] = []
    while queue and len(pages) < MAX_PAGES:
        url = queue.popleft()
        if url in seen:
            continue
        seen.add(url)
        if shapes[shape(url)] >= per_shape:
            continue
        shapes[shape(url)] += 1
        response = client.get(url)
        if response.status_code in (301, 302):
            location = followable(response["Location"])
            if location:
                queue.appendleft(location)
            continue
        if "text/html" not in response.get("Content-Type", ""):
            continue
        html = response.content.decode()
        pages.append(Page(url, response.status_code, html))
        for href in links(html):
            path = followable(href)
            if path and path not in seen:
                queue.append(path)
    return pages


def portal_pages(token: str, client: Any, date_of_birth: dt.date) -> list[Page]:
    """The patient portal as the patient sees it: the link, the date-of-birth page, each questionnaire, the record."""
    pages: list[Page] = []

    def read(url: str, post: dict[str, str] | None = None) -> None:
        response = client.post(url, post, follow=True) if post is not None else client.get(url, follow=True)
        if "text/html" in response.get("Content-Type", ""):
            pages.append(Page(response.request["PATH_INFO"], response.status_code, response.content.decode()))

    read(reverse("portal:open", kwargs={"token": token}))
    iso = date_of_birth.isoformat()
    read(
        reverse("portal:home"),
        {
            "date_of_birth": iso,
            "month": str(date_of_birth.month),
            "day": str(date_of_birth.day),
            "year": str(date_of_birth.year),
        },
    )
    for step in (1, 2):
        read(reverse("portal:step", kwargs={"step": step}))
    read(reverse("portal_record:record"))
    return pages
