from __future__ import annotations

from django.urls import reverse

from remit.accounts.tests.helpers import code_for, events, password_step, sign_in
from remit.audit import actions as audit
from remit.testing import PASSWORD


def test_password_alone_does_not_sign_in(client, world):
    response = password_step(client, "nurse")
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:mfa"))
    assert "_auth_user_id" not in client.session
    assert client.get(reverse("web:today")).status_code == 302


def test_it_signs_in_with_password_and_a_real_totp_code(client, world):
    nurse = world.users["nurse"]
    response = sign_in(client, nurse)
    assert response.status_code == 302
    assert response["Location"] == reverse("web:today")
    page = client.get(reverse("web:today"))
    assert page.status_code == 200
    assert b"Today" in page.content
    rows = events(audit.LOGIN_SUCCESS)
    assert len(rows) == 1
    assert rows[0].actor_id == nurse.pk
    assert rows[0].detail == {"second_factor": "totp"}
    assert "last_activity" in client.session
    assert "reauth_at" in client.session


def test_it_follows_a_safe_next_after_both_steps(client, world):
    response = sign_in(client, world.users["nurse"], next_url="/accounts/settings/")
    assert response["Location"] == "/accounts/settings/"


def test_it_ignores_a_next_that_leaves_the_site(client, world):
    response = sign_in(client, world.users["nurse"], next_url="https://evil.example/steal")
    assert response["Location"] == reverse("web:today")


def test_a_wrong_password_is_refused_and_audited_once_without_the_password(client, world):
    response = password_step(client, "nurse", "not the password at all")
    assert response.status_code == 200
    assert b"do not match" in response.content
    rows = events(audit.LOGIN_FAILURE)
    assert len(rows) == 1
    assert rows[0].detail["username"] == "nurse"
    assert "not the password" not in str(rows[0].detail)
    assert rows[0].clinic_id == world.clinic.pk  # the clinic's administrators see attempts on their staff
    assert events(audit.LOGIN_SUCCESS) == []


def test_an_unknown_username_reads_the_same_as_a_wrong_password(client, world):
    unknown = password_step(client, "nobody-here", "whatever")
    wrong = password_step(client, "nurse", "whatever")
    assert b"do not match" in unknown.content and b"do not match" in wrong.content
    assert [e.detail["username"] for e in events(audit.LOGIN_FAILURE)] == ["nobody-here", "nurse"]


def test_a_deactivated_user_cannot_sign_in(client, world):
    nurse = world.users["nurse"]
    nurse.is_active = False
    nurse.save()
    response = password_step(client, "nurse")
    assert response.status_code == 200
    assert len(events(audit.LOGIN_FAILURE)) == 1


def test_a_wrong_totp_code_is_refused_and_audited(client, world):
    nurse = world.users["nurse"]
    password_step(client, "nurse")
    good = code_for(nurse)
    wrong = "000000" if good != "000000" else "111111"
    response = client.post(reverse("accounts:mfa"), {"code": wrong})
    assert response.status_code == 200
    assert b"not right" in response.content
    assert "_auth_user_id" not in client.session
    rows = events(audit.MFA_VERIFY_FAILURE)
    assert len(rows) == 1 and rows[0].actor_id == nurse.pk
    assert wrong not in str(rows[0].detail)


def test_too_many_wrong_codes_send_the_user_back_to_the_password(client, world):
    password_step(client, "nurse")
    from remit.accounts import views

    for _ in range(views.MFA_ATTEMPTS):
        response = client.post(reverse("accounts:mfa"), {"code": "abcdefgh"})
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))
    assert client.get(reverse("accounts:mfa"))["Location"].startswith(reverse("accounts:login"))


def test_the_mfa_page_without_a_password_goes_to_sign_in(client, world):
    response = client.get(reverse("accounts:mfa"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


def test_a_signed_in_user_visiting_login_goes_on(client, world):
    sign_in(client, world.users["nurse"])
    response = client.get(reverse("accounts:login"))
    assert response.status_code == 302


def test_the_sign_in_page_renders_labelled_fields(client, db):
    response = client.get(reverse("accounts:login"))
    assert response.status_code == 200
    assert b'<label for="id_username"' in response.content
    assert b'autocomplete="current-password"' in response.content
    assert PASSWORD.encode() not in response.content
