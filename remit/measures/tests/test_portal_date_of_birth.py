"""The date-of-birth check: three wrong tries lock the link, every try is audited."""

from __future__ import annotations

from datetime import date

from remit.audit.models import AuditEvent
from remit.measures.tests.conftest import HOME_URL, dob_post, exchanged_client, make_link, step_url

WRONG = date(1981, 5, 17)


def test_a_wrong_date_says_so_and_counts_the_tries_left(clinic_patient, client):
    link, token = make_link(clinic_patient)
    exchanged_client(token, client)
    response = client.post(HOME_URL, dob_post(WRONG))
    html = response.content.decode()
    assert response.status_code == 200
    assert "does not match" in html and "2 tries left" in html
    link.refresh_from_db()
    assert link.dob_failures == 1 and link.locked_at is None
    # Not verified: the questions stay out of reach.
    assert client.get(step_url(token, 1))["Location"] == HOME_URL


def test_three_wrong_tries_lock_the_link_even_for_the_right_date(clinic_patient, client):
    link, token = make_link(clinic_patient)
    exchanged_client(token, client)
    client.post(HOME_URL, dob_post(WRONG))
    client.post(HOME_URL, dob_post(WRONG))
    response = client.post(HOME_URL, dob_post(WRONG))
    assert response.status_code == 410
    assert "locked" in response.content.decode()
    link.refresh_from_db()
    assert link.locked_at is not None and link.dob_failures == 3

    response = client.post(HOME_URL, dob_post())
    assert response.status_code == 410
    assert "locked" in response.content.decode()
    assert client.get(step_url(token, 1)).status_code == 410


def test_the_tries_are_counted_per_link_not_per_browser(clinic_patient):
    from django.test import Client

    link, token = make_link(clinic_patient)
    for _ in range(3):
        exchanged_client(token, Client()).post(HOME_URL, dob_post(WRONG))
    assert Client().get(f"/p/{token}/").status_code == 410


def test_failures_and_the_lockout_are_audited_as_the_portal(clinic_patient, client):
    link, token = make_link(clinic_patient)
    exchanged_client(token, client)
    before = AuditEvent.objects.count()
    for _ in range(3):
        client.post(HOME_URL, dob_post(WRONG))
    actions = list(
        AuditEvent.objects.filter(seq__gt=before)
        .order_by("seq")
        .values_list("action", "actor_label", "patient_id")
    )
    assert actions[:3] == [
        ("portal_dob_failure", "patient portal", clinic_patient.pk),
        ("portal_dob_failure", "patient portal", clinic_patient.pk),
        ("portal_lockout", "patient portal", clinic_patient.pk),
    ]


def test_a_malformed_date_names_the_field_and_counts_nothing(clinic_patient, client):
    link, token = make_link(clinic_patient)
    exchanged_client(token, client)
    response = client.post(HOME_URL, {"date_of_birth": "13/40/1980"})
    html = response.content.decode()
    assert "Date of birth" in html and "The month must be a number from 1 to 12" in html
    link.refresh_from_db()
    assert link.dob_failures == 0


def test_the_form_is_csrf_protected(clinic_patient, csrf_client):
    link, token = make_link(clinic_patient)
    exchanged_client(token, csrf_client)
    assert csrf_client.post(HOME_URL, dob_post()).status_code == 403
    link.refresh_from_db()
    assert link.dob_failures == 0
