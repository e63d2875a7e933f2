"""45 CFR 170.315(d)(7) End-user device encryption.

Remit's answer to (d)(7) is that it stores no health information on the end-user's device, so
there is nothing there to encrypt:

- no PHI in any address a page produces (searches post and redirect to an opaque handle), so none in
  the browser's history, a bookmark, a Referer or a server's access log;
- the portal link's token is exchanged on the first request for a server-side portal session and
  left behind: later addresses carry no token, and portal pages send no Referer at all;
- every staff and portal page is ``Cache-Control: no-store``; signing out sends
  ``Clear-Site-Data: "cache", "cookies", "storage"``; finishing a questionnaire clears the portal
  session.
"""

from __future__ import annotations

import logging
from datetime import date, timedelta
from types import SimpleNamespace

import pytest
from django.contrib.sessions.models import Session
from django.test import Client
from gunicorn.config import Config

from remit.measures import actions_portal_links, actions_questionnaire_requests
from remit.measures.models import PortalLink
from remit.testing import browser_sign_in, make_patient
from remit.web.logs import AccessLogger, RedactPortalTokens

DOB = date(1961, 4, 23)
PHQ9_CALM = {f"q{i}": "0" for i in range(1, 11)}


def portal_link(clinic, instruments=("phq9",), mrn="QX-4471"):
    patient = make_patient(
        clinic, given_name="Ottilie", family_name="Quarrington", mrn=mrn, date_of_birth=DOB
    )
    request = actions_questionnaire_requests.create_questionnaire_request(
        patient=patient, instruments=list(instruments)
    )
    link, token = actions_portal_links.create_link(request, PortalLink.SMS)
    return patient, link, token


def kept(session_key):
    """What the server keeps in a session (less Django's own expiry note)."""
    data = Session.objects.get(session_key=session_key).get_decoded()
    data.pop("_session_expiry", None)
    return data


def record_traffic(page):
    """Every request the browser makes (what an access log records) and its Referer."""
    seen = []
    page.on("request", lambda request: seen.append((request.url, request.headers.get("referer", ""))))
    return seen


# --- searches: no PHI in an address ------------------------------------------------------------


@pytest.mark.browser
def test_a_search_by_name_mrn_and_date_of_birth_puts_none_of_them_in_any_address(world, live_server, page):
    for n in range(30):
        make_patient(world.clinic, given_name=f"Given{n:02d}", family_name="Vandersloot", mrn=f"VS-{n:03d}")
    make_patient(
        world.clinic, given_name="Ottilie", family_name="Quarrington", mrn="QX-4471", date_of_birth=DOB
    )
    seen = record_traffic(page)
    browser_sign_in(page, live_server, world.users["front_desk"])
    page.goto(f"{live_server.url}/patients/")

    page.get_by_label("Name", exact=True).fill("Quarrington")
    page.get_by_label("MRN").fill("QX-44")
    page.get_by_label("Date of birth").fill(DOB.isoformat())
    page.get_by_role("button", name="Search").click()
    page.wait_for_url("**/patients/?search=**")
    page.get_by_role("link", name="Quarrington, Ottilie").wait_for()
    found = page.url
    # "Search again": the form shows the terms.
    assert page.get_by_label("Name", exact=True).input_value() == "Quarrington"
    assert page.get_by_label("MRN").input_value() == "QX-44"

    # Paging a search, then the back button, keeps the search.
    page.get_by_label("Name", exact=True).fill("vandersloot")
    page.get_by_label("MRN").fill("")
    page.get_by_label("Date of birth").fill("")
    page.get_by_role("button", name="Search").click()
    page.get_by_role("heading", name="30 patients found").wait_for()
    page.get_by_role("link", name="Next").click()
    page.wait_for_url("**page=2**")
    assert page.get_by_role("link", name="Vandersloot, Given29").is_visible()
    page.go_back()
    page.get_by_role("link", name="Vandersloot, Given00").wait_for()
    page.go_back()
    page.wait_for_url(found)
    page.get_by_role("link", name="Quarrington, Ottilie").wait_for()

    for secret in ("Quarrington", "quarrington", "QX-44", "QX", "1961", "vandersloot", "Vandersloot"):
        for url, referer in seen:
            assert secret not in url, url
            assert secret not in referer, referer
    assert any("/patients/?search=" in url for url, _ in seen)


def test_the_audit_filter_by_mrn_keeps_the_mrn_out_of_the_address_and_the_export_link(world):
    patient = make_patient(world.clinic, mrn="QX-4471")
    client = world.client("clinic_admin")
    posted = client.post("/audit/", {"patient": "QX-4471"})
    assert posted.status_code == 302 and "QX" not in posted["Location"]
    page = client.get(posted["Location"]).content.decode()
    handle = posted["Location"].split("search=", 1)[1]
    assert f'href="/audit/export.csv?search={handle}"' in page
    assert "QX-4471" not in page.split('name="patient"', 1)[0]  # only as the form's value
    # The chart's "Who opened this record" posts the MRN instead of linking to it.
    chart = client.get(f"/patients/{patient.pk}/").content.decode()
    assert "?patient=" not in chart and 'name="patient" value="QX-4471"' in chart


def test_no_staff_page_offers_a_get_form_or_link_carrying_a_name_mrn_or_date_of_birth(world):
    patient = make_patient(world.clinic, given_name="Ottilie", family_name="Quarrington", mrn="QX-4471")
    client = world.client("prescriber")
    for url in ("/patients/", f"/patients/{patient.pk}/", "/"):
        html = client.get(url).content.decode()
        assert 'method="get"' not in html, url
        for secret in ("QX-4471", "Quarrington", "Ottilie"):
            assert f"={secret}" not in html and f"%3D{secret}" not in html, (url, secret)


# --- the portal token --------------------------------------------------------------------------


@pytest.mark.browser
def test_the_portal_token_is_gone_from_the_address_after_the_first_request_and_never_sent_as_a_referer(
    world, live_server, page
):
    _patient, link, token = portal_link(world.clinic, ("phq9",))
    seen = record_traffic(page)
    policies = []
    page.on(
        "response",
        lambda response: (
            policies.append((response.url, response.headers.get("referrer-policy")))
            if "/p/" in response.url
            else None
        ),
    )
    page.set_viewport_size({"width": 375, "height": 740})
    page.goto(f"{live_server.url}/p/{token}/")
    page.get_by_label("Date of birth").wait_for()
    assert page.url == f"{live_server.url}/p/"
    page.get_by_label("Date of birth").fill(DOB.strftime("%m/%d/%Y"))
    page.get_by_role("button", name="Continue").click()  # a POST with Origin: null, accepted
    page.get_by_text("Questionnaire 1 of 1").wait_for()
    assert page.url.startswith(f"{live_server.url}/p/q/1/")
    for item in range(1, 10):  # one question a page; nine "Not at all" answers send it
        page.get_by_text(f"Question {item} of").wait_for()
        page.wait_for_load_state()  # the page script that sends a tapped answer has run
        page.locator(f"label[for=q{item}-0]").click()
    page.wait_for_url(f"{live_server.url}/p/done/")
    page.reload()  # the confirmation survives a reload; the answers are gone from the session
    assert "/p/done/" in page.url

    requests_with_token = [url for url, _ in seen if token in url]
    assert requests_with_token == [f"{live_server.url}/p/{token}/"]  # the first request only
    assert not [referer for _, referer in seen if token in referer]
    assert {policy for _, policy in policies} == {"no-referrer"}
    # The history holds no address with the token in it: going back lands on portal pages only.
    page.go_back()
    assert token not in page.url


def test_the_first_request_exchanges_the_token_for_a_portal_session_that_is_not_the_staff_session(world):
    _patient, link, token = portal_link(world.clinic)
    client = world.client("nurse")  # a staff member signed in in the same browser
    staff_session = client.cookies["sessionid"].value
    response = client.get(f"/p/{token}/")
    assert response.status_code == 302 and response["Location"] == "/p/"
    assert response["Referrer-Policy"] == "no-referrer"
    cookie = response.cookies["remit_portal"]
    assert cookie["path"] == "/p/" and cookie["httponly"] and not cookie["max-age"]
    assert kept(cookie.value) == {"link_id": link.pk}
    assert client.cookies["sessionid"].value == staff_session  # untouched
    assert "portal" not in str(Session.objects.get(session_key=staff_session).get_decoded())


def test_a_used_or_expired_token_gives_the_same_plain_page_as_before(world):
    _patient, link, token = portal_link(world.clinic)
    PortalLink.objects.filter(pk=link.pk).update(expires_at=link.created_at - timedelta(seconds=1))
    response = Client().get(f"/p/{token}/")
    assert response.status_code == 410 and "This link has expired" in response.content.decode()
    assert response["Referrer-Policy"] == "no-referrer" and "remit_portal" not in response.cookies
    _patient, link, token = portal_link(world.clinic, ("gad7",), mrn="QX-4472")
    PortalLink.objects.filter(pk=link.pk).update(used_at=link.created_at)
    response = Client().get(f"/p/{token}/")
    assert response.status_code == 410 and "already been answered" in response.content.decode()


def test_finishing_the_questionnaire_clears_the_portal_session(world):
    _patient, link, token = portal_link(world.clinic)
    client = Client()
    client.get(f"/p/{token}/")
    client.post("/p/", {"date_of_birth": DOB.strftime("%m/%d/%Y")})
    client.post("/p/q/1/", {"q1": "0", "shown": ",".join(PHQ9_CALM)})  # a half-answered page, kept
    verified_key = client.cookies["remit_portal"].value
    assert kept(verified_key)["verified"] is True and kept(verified_key)["answers"]["phq9"]["q1"] == 0

    client.post("/p/q/1/", {**PHQ9_CALM, "shown": ",".join(PHQ9_CALM)})  # the last page: finished

    response = client.get("/p/done/")
    assert response.status_code == 200
    assert response["Clear-Site-Data"] == '"cache", "storage"'
    finished_key = client.cookies["remit_portal"].value
    assert finished_key != verified_key and not Session.objects.filter(session_key=verified_key).exists()
    assert kept(finished_key) == {"link_id": link.pk, "finished": True}
    # The finished session opens nothing but the confirmation.
    assert client.get("/p/q/1/").status_code == 410


# --- headers: no-store, Referrer-Policy, Clear-Site-Data ---------------------------------------


def test_staff_pages_and_portal_pages_with_phi_are_never_stored(world):
    patient, _link, token = portal_link(world.clinic)
    client = world.client("nurse")
    for url in ("/", "/patients/", f"/patients/{patient.pk}/", "/alerts/"):
        response = client.get(url)
        assert response["Cache-Control"] == "no-store", url
    portal = Client()
    for url in (f"/p/{token}/", "/p/"):
        response = portal.get(url)
        assert response["Cache-Control"] == "no-store" and response["Referrer-Policy"] == "no-referrer", url


def test_signing_out_tells_the_browser_to_clear_the_sites_cache_cookies_and_storage(world):
    response = world.client("nurse").post("/accounts/logout/")
    assert response.status_code == 302
    assert response["Clear-Site-Data"] == '"cache", "cookies", "storage"'


def test_an_idle_time_out_clears_the_site_data_too(world, settings):
    client = world.client("nurse")
    session = client.session
    session["last_activity"] = 0
    session.save()
    response = client.get("/patients/")
    assert response.status_code == 302 and "idle=1" in response["Location"]
    assert response["Clear-Site-Data"] == '"cache", "cookies", "storage"'


@pytest.mark.browser
def test_signing_out_in_a_browser_leaves_no_cookie_behind(world, live_server, page):
    browser_sign_in(page, live_server, world.users["nurse"])
    page.goto(f"{live_server.url}/patients/")
    page.get_by_role("button", name="Sign out").click()
    page.wait_for_url("**/accounts/login/**")
    page.get_by_text("You have signed out.").wait_for()
    assert [c["name"] for c in page.context.cookies() if c["name"] == "sessionid"] == []


# --- logs -------------------------------------------------------------------------------------


def test_the_server_log_never_carries_a_portal_token(world, caplog):
    token = "unknownTOKEN_abcdefghijklmnopqrstuvwxyz12345"
    handler = next(
        h for h in logging.getLogger().handlers if any(isinstance(f, RedactPortalTokens) for f in h.filters)
    )
    record = logging.LogRecord(
        "django.request", logging.WARNING, __file__, 1, "%s: %s", ("Not Found", f"/p/{token}/"), None
    )
    assert all(f.filter(record) for f in handler.filters)
    assert record.getMessage() == "Not Found: /p/[link]/"


def test_the_access_log_never_carries_a_portal_token():
    token = "AbCdEf_0123456789abcdefghijklmnopqrstuvwxyz"
    logger = AccessLogger(Config())
    environ = {
        "REQUEST_METHOD": "GET",
        "RAW_URI": f"/p/{token}/",
        "PATH_INFO": f"/p/{token}/",
        "QUERY_STRING": "",
        "SERVER_PROTOCOL": "HTTP/1.1",
        "REMOTE_ADDR": "203.0.113.5",
        "HTTP_REFERER": f"https://remit.example.org/p/{token}/",
    }
    response = SimpleNamespace(status="302 Found", sent=0, headers=[("Location", "/p/")])
    request = SimpleNamespace(headers=[("REFERER", f"https://remit.example.org/p/{token}/")])
    atoms = logger.atoms(response, request, environ, timedelta(milliseconds=3))
    line = logger.cfg.access_log_format % logger.atoms_wrapper_class(atoms)
    assert token not in line and "GET /p/[link]/ HTTP/1.1" in line
    assert not [key for key, value in atoms.items() if token in str(value)]
    # Portal steps have no token: they stay as they are.
    environ.update(RAW_URI="/p/q/2/", PATH_INFO="/p/q/2/", HTTP_REFERER="-")
    assert "/p/q/2/" in logger.atoms(response, SimpleNamespace(headers=[]), environ, timedelta(0))["r"]
