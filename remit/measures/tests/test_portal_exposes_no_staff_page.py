"""The portal is not a way into Remit: no staff navigation, no staff page, no other patient."""

from __future__ import annotations

import pytest
from django.urls import reverse

from remit.measures.tests.conftest import (
    PHQ9_CALM,
    answer_post,
    done_url,
    make_link,
    open_url,
    portal_patient,
    step_url,
    verified_client,
)


@pytest.mark.parametrize("url_name", ["patients:list", "web:today", "alerts:inbox"])
def test_after_using_a_link_staff_pages_still_ask_for_sign_in(clinic_patient, url_name):
    link, token = make_link(clinic_patient)
    client = verified_client(token)
    client.post(step_url(token, 1), answer_post(PHQ9_CALM))
    response = client.get(reverse(url_name))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_after_using_a_link_the_staff_pages_of_the_patient_ask_for_sign_in(clinic_patient):
    link, token = make_link(clinic_patient)
    client = verified_client(token)
    for url in (
        reverse("patients:detail", kwargs={"pk": clinic_patient.pk}),
        reverse("measures:patient", kwargs={"pk": clinic_patient.pk}),
    ):
        response = client.get(url)
        assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    assert client.get(f"/api/v1/measures/patients/{clinic_patient.pk}/assessments").status_code == 401


def test_portal_pages_carry_no_staff_navigation(world, clinic_patient):
    link, token = make_link(clinic_patient)
    # Even in a browser where a nurse is signed in.
    client = verified_client(token, world.client("nurse"))
    for url in (step_url(token, 1),):
        html = client.get(url).content.decode()
        assert "topbar" not in html and "Sign out" not in html and "/patients/" not in html
    client.post(step_url(token, 1), answer_post(PHQ9_CALM))
    html = client.get(done_url(token)).content.decode()
    assert "topbar" not in html and "Sign out" not in html


def test_one_patients_verified_link_does_not_open_another_patients_link(world, clinic_patient):
    other = portal_patient(world.clinic, given_name="Other", family_name="Person")
    link, token = make_link(clinic_patient)
    other_link, other_token = make_link(other)
    client = verified_client(token)
    response = client.get(open_url(other_token))
    assert response.status_code == 302  # to the other link's date-of-birth check, in a session of its own
    html = client.get(response["Location"]).content.decode()
    assert "Date of birth" in html and "Little interest" not in html
