"""45 CFR 170.315(d)(5) Automatic access time-out.

The criterion: stop a user's access to health information after a set period of inactivity,
and require authentication to resume it. Remit: REMIT_IDLE_TIMEOUT_MINUTES (default 15,
1 to 720) on the server for every page and the session-authenticated API, and in the browser a
warning a minute before that leaves the page showing the record for the sign-in page.
"""

from __future__ import annotations

import time

import pytest

from remit.audit import actions as audit
from remit.audit.models import AuditEvent
from remit.testing import browser_sign_in, login, make_patient, start_django


def _age(session, seconds: float) -> None:
    session["last_activity"] = time.time() - seconds
    session.save()


def test_an_idle_session_loses_the_chart_and_must_sign_in_again_to_resume(world, settings):
    patient = make_patient(world.clinic, family_name="Idlewild")
    client = login(world.client("anonymous"), world.users["nurse"])
    chart = f"/patients/{patient.pk}/"
    assert "Idlewild" in client.get(chart).content.decode()

    _age(client.session, settings.REMIT_IDLE_TIMEOUT_MINUTES * 60 + 1)
    response = client.get(chart)
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")
    assert "Idlewild" not in response.content.decode()
    # Access stays stopped: the same client, asking again, is still sent to sign in.
    again = client.get(chart)
    assert again.status_code == 302 and again["Location"].startswith("/accounts/login/")
    assert AuditEvent.objects.filter(action=audit.IDLE_TIMEOUT, actor=world.users["nurse"]).count() == 1

    login(client, world.users["nurse"])
    assert "Idlewild" in client.get(chart).content.decode()


def test_the_api_stops_answering_an_idle_session_too(world, settings):
    patient = make_patient(world.clinic, family_name="Idlewild")
    client = login(world.client("anonymous"), world.users["prescriber"])
    url = f"/api/v1/measures/patients/{patient.pk}/assessments"
    assert client.get(url).status_code == 200
    _age(client.session, settings.REMIT_IDLE_TIMEOUT_MINUTES * 60 + 1)
    response = client.get(url)
    assert response.status_code in (302, 401, 403)
    assert "Idlewild" not in response.content.decode()


def test_a_page_polling_in_the_background_does_not_keep_access_alive(world, settings):
    client = login(world.client("anonymous"), world.users["nurse"])
    _age(client.session, settings.REMIT_IDLE_TIMEOUT_MINUTES * 60 - 30)
    assert client.get("/", HTTP_X_REMIT_BACKGROUND="1").status_code == 200
    time_left = settings.REMIT_IDLE_TIMEOUT_MINUTES * 60 - (time.time() - client.session["last_activity"])
    assert time_left < 60


@pytest.mark.parametrize("value", ["0", "721", "fifteen"])
def test_the_period_must_be_a_sensible_number_of_minutes(value):
    result = start_django({"REMIT_IDLE_TIMEOUT_MINUTES": value})
    assert result.returncode != 0
    assert "REMIT_IDLE_TIMEOUT_MINUTES must be" in result.stderr


@pytest.mark.browser
def test_a_chart_left_open_goes_to_the_sign_in_page_by_itself(world, live_server, page, settings):
    patient = make_patient(world.clinic, family_name="Idlewild")
    page.clock.install()
    browser_sign_in(page, live_server, world.users["nurse"])
    page.goto(f"{live_server.url}/patients/{patient.pk}/")
    assert "Idlewild" in page.locator("main").inner_text()

    timeout = settings.REMIT_IDLE_TIMEOUT_MINUTES * 60
    page.clock.fast_forward((timeout - 59) * 1000)
    warning = page.locator("#idle-warning")
    warning.wait_for(state="visible")
    assert "Stay signed in" in warning.inner_text()
    page.clock.run_for(61 * 1000)
    page.wait_for_url("**/accounts/login/?idle=1")
    assert "Idlewild" not in page.content()
    assert "signed out after a period of inactivity" in page.locator("main").inner_text()
    assert AuditEvent.objects.filter(action=audit.IDLE_TIMEOUT, actor=world.users["nurse"]).count() == 1

    # The session ended on the server too: the chart's address asks for sign-in again.
    page.goto(f"{live_server.url}/patients/{patient.pk}/")
    assert "/accounts/login/" in page.url
    assert "Idlewild" not in page.content()


def test_the_warnings_own_sign_out_is_recorded_as_an_idle_time_out(world):
    client = login(world.client("anonymous"), world.users["nurse"])
    response = client.post("/accounts/logout/", {"idle": "1"})
    assert response["Location"] == "/accounts/login/?idle=1"
    assert "_auth_user_id" not in client.session
    rows = AuditEvent.objects.filter(actor=world.users["nurse"]).order_by("-seq")
    assert rows[0].action == audit.IDLE_TIMEOUT
