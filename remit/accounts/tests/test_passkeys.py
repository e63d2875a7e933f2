"""Passkeys through the pages: add, list, remove, sign in with one; who may do what."""

from __future__ import annotations

from django.urls import reverse

from remit.accounts.models import PasskeyDevice
from remit.accounts.tests.helpers import events, password_step
from remit.accounts.tests.soft_authenticator import SoftAuthenticator, page_options
from remit.audit import actions as audit
from remit.testing import PermissionMatrix, login, make_user


def add_passkey(client, name="Work laptop", authenticator=None):
    """Through the add page as the browser would: read its options, post the authenticator's answer."""
    authenticator = authenticator or SoftAuthenticator()
    page = client.get(reverse("accounts:passkey_add"))
    assert page.status_code == 200, page.status_code
    answer = authenticator.register(page_options(page.content))
    response = client.post(reverse("accounts:passkey_add"), {"name": name, "passkey_response": answer})
    return authenticator, response


def _own_passkey(user):
    return PasskeyDevice.objects.create(
        user=user,
        name=f"{user.username} key",
        credential_id=f"cred-{user.pk}",
        public_key=b"x",
        user_handle="h",
    )


class TestPasskeyAddPermissions(PermissionMatrix):
    other_clinic_not_applicable = "the signed-in user's own passkeys"

    def url(self, world, patient):
        return reverse("accounts:passkey_add")


class TestPasskeyRemovePermissions(PermissionMatrix):
    """Everyone may remove their own passkeys: each persona asks for its own; clinic B's staff ask for a
    clinic A nurse's and get 404 (nobody ever reaches another person's passkey)."""

    def url(self, world, patient):
        return reverse("accounts:passkey_remove", args=[_own_passkey(world.users["nurse"]).pk])

    def request(self, client, url):
        from remit.accounts.models import User

        user = User.objects.filter(pk=client.session.get("_auth_user_id")).first()
        if user is not None and user.username != "other_clinic":
            mine = PasskeyDevice.objects.filter(user=user).first() or _own_passkey(user)
            url = reverse("accounts:passkey_remove", args=[mine.pk])
        return client.get(url)


def test_a_nurse_adds_a_passkey_that_is_listed_and_audited(client, world):
    nurse = world.users["nurse"]
    login(client, nurse)
    authenticator, response = add_passkey(client, name="  Work   laptop ")
    assert response.status_code == 302 and response["Location"] == reverse("accounts:settings")
    device = PasskeyDevice.objects.get(user=nurse)
    assert device.name == "Work laptop" and device.confirmed
    assert device.sign_count == 0 and device.transports == ["internal"]
    settings_page = client.get(reverse("accounts:settings")).content.decode()
    assert "Work laptop" in settings_page and "not used yet" in settings_page
    assert "Passkey “Work laptop” added" in settings_page
    row = events(audit.MFA_ENROL)[-1]
    assert row.detail == {"device": "passkey", "device_id": device.pk, "name": "Work laptop"}


def test_a_passkey_needs_a_name_and_a_name_is_not_used_twice(client, world):
    nurse = world.users["nurse"]
    login(client, nurse)
    _, response = add_passkey(client, name="   ")
    assert response.status_code == 200
    assert "Give the passkey a name, such as the device it is on." in response.content.decode()
    add_passkey(client, name="Phone")
    _, again = add_passkey(client, name="phone")
    assert again.status_code == 200
    assert "already have a passkey with that name" in again.content.decode()
    assert PasskeyDevice.objects.filter(user=nurse).count() == 1


def test_an_answer_to_another_challenge_adds_nothing(client, world):
    nurse = world.users["nurse"]
    login(client, nurse)
    authenticator = SoftAuthenticator()
    client.get(reverse("accounts:passkey_add"))
    forged = authenticator.register({"challenge": "bm90LXRoZS1zZXJ2ZXJzLWNoYWxsZW5nZQ"})
    response = client.post(reverse("accounts:passkey_add"), {"name": "Laptop", "passkey_response": forged})
    assert response.status_code == 200
    assert "could not be checked, so it was not added" in response.content.decode()
    assert not PasskeyDevice.objects.exists()


def test_a_passkey_made_for_another_site_is_refused(client, world):
    login(client, world.users["nurse"])
    _, response = add_passkey(client, authenticator=SoftAuthenticator(origin="https://evil.example"))
    assert response.status_code == 200
    assert not PasskeyDevice.objects.exists()


def test_where_two_step_sign_in_is_optional_adding_a_passkey_needs_an_authenticator_app_first(
    client, world, settings
):
    settings.REMIT_MFA_REQUIRED = False
    newbie = make_user("newbie", ["nurse"], [world.clinic], mfa=False)
    login(client, newbie)
    newbie.sealedtotpdevice_set.all().delete()
    response = client.get(reverse("accounts:passkey_add"))
    assert response.status_code == 302 and response["Location"] == reverse("accounts:settings")
    assert "Set up an authenticator app first" in client.get(response["Location"]).content.decode()


def test_adding_and_removing_need_a_recent_sign_in(client, world):
    nurse = world.users["nurse"]
    device = _own_passkey(nurse)
    login(client, nurse)
    session = client.session
    session["reauth_at"] = 0
    session.save()
    for url in (reverse("accounts:passkey_add"), reverse("accounts:passkey_remove", args=[device.pk])):
        response = client.get(url)
        assert response.status_code == 302 and response["Location"].startswith(reverse("accounts:reauth"))
    response = client.post(reverse("accounts:passkey_remove", args=[device.pk]))
    assert response["Location"].startswith(reverse("accounts:reauth"))
    assert PasskeyDevice.objects.filter(pk=device.pk).exists()


def test_removing_a_passkey_asks_first_then_removes_it_and_audits(client, world):
    nurse = world.users["nurse"]
    login(client, nurse)
    add_passkey(client, name="Old phone")
    device = PasskeyDevice.objects.get(user=nurse)
    confirm = client.get(reverse("accounts:passkey_remove", args=[device.pk]))
    assert confirm.status_code == 200 and "Old phone" in confirm.content.decode()
    assert PasskeyDevice.objects.filter(pk=device.pk).exists()
    response = client.post(reverse("accounts:passkey_remove", args=[device.pk]))
    assert response.status_code == 302
    assert not PasskeyDevice.objects.filter(pk=device.pk).exists()
    assert events(audit.MFA_REMOVE)[-1].detail == {
        "device": "passkey",
        "device_id": device.pk,
        "name": "Old phone",
    }


def test_nobody_removes_a_colleagues_passkey(client, world):
    device = _own_passkey(world.users["nurse"])
    response = world.client("clinic_admin").post(reverse("accounts:passkey_remove", args=[device.pk]))
    assert response.status_code == 404
    assert PasskeyDevice.objects.filter(pk=device.pk).exists()


def test_the_sign_in_page_offers_a_passkey_beside_the_code_only_to_someone_who_has_one(client, world):
    password_step(client, "nurse")
    page = client.get(reverse("accounts:mfa")).content.decode()
    assert "Use a passkey" not in page and "passkey-options" not in page
    assert "Enter your code" in page

    nurse = world.users["nurse"]
    login(client, nurse)
    add_passkey(client)
    client.post(reverse("accounts:logout"))
    password_step(client, "nurse")
    page = client.get(reverse("accounts:mfa")).content.decode()
    assert "Use a passkey" in page and "Or enter a code" in page
    assert 'id="passkey-options"' in page and "/static/remit/accounts/passkeys.js" in page


def test_a_passkey_signs_in_after_the_password_and_moves_its_counter_on(client, world):
    nurse = world.users["nurse"]
    login(client, nurse)
    authenticator, _ = add_passkey(client)
    client.post(reverse("accounts:logout"))

    password_step(client, "nurse")
    options = page_options(client.get(reverse("accounts:mfa")).content)
    assert [c["id"] for c in options["allowCredentials"]] == [PasskeyDevice.objects.get().credential_id]
    response = client.post(reverse("accounts:mfa"), {"passkey_response": authenticator.sign_in(options)})
    assert response.status_code == 302
    assert client.get(reverse("web:today")).status_code == 200
    device = PasskeyDevice.objects.get()
    assert device.sign_count == 1 and device.last_used_at is not None
    assert events(audit.LOGIN_SUCCESS)[-1].detail == {"second_factor": "passkey"}


def test_a_passkey_answer_is_used_once(client, world):
    nurse = world.users["nurse"]
    login(client, nurse)
    authenticator, _ = add_passkey(client)
    client.post(reverse("accounts:logout"))
    password_step(client, "nurse")
    options = page_options(client.get(reverse("accounts:mfa")).content)
    answer = authenticator.sign_in(options)
    assert client.post(reverse("accounts:mfa"), {"passkey_response": answer}).status_code == 302
    client.post(reverse("accounts:logout"))

    password_step(client, "nurse")
    client.get(reverse("accounts:mfa"))
    replay = client.post(reverse("accounts:mfa"), {"passkey_response": answer})
    assert replay.status_code == 200
    assert "_auth_user_id" not in client.session
    assert events(audit.MFA_VERIFY_FAILURE)[-1].detail == {"kind": "passkey"}


def test_another_persons_passkey_does_not_sign_this_person_in(client, world):
    prescriber = world.users["prescriber"]
    login(client, prescriber)
    theirs, _ = add_passkey(client)
    client.post(reverse("accounts:logout"))
    login(client, world.users["nurse"])
    add_passkey(client, name="Nurse key")
    client.post(reverse("accounts:logout"))

    password_step(client, "nurse")
    options = page_options(client.get(reverse("accounts:mfa")).content)
    response = client.post(reverse("accounts:mfa"), {"passkey_response": theirs.sign_in(options)})
    assert response.status_code == 200
    assert "not one of yours" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_five_failed_passkey_answers_end_the_sign_in(client, world):
    login(client, world.users["nurse"])
    authenticator, _ = add_passkey(client)
    client.post(reverse("accounts:logout"))
    password_step(client, "nurse")
    for _ in range(5):
        client.get(reverse("accounts:mfa"))
        forged = authenticator.sign_in({"challenge": "bm90LXRoZS1zZXJ2ZXJzLWNoYWxsZW5nZQ"})
        response = client.post(reverse("accounts:mfa"), {"passkey_response": forged})
    assert response.status_code == 302 and response["Location"].startswith(reverse("accounts:login"))


def test_a_reset_of_two_step_sign_in_removes_passkeys_too(client, world):
    nurse = world.users["nurse"]
    login(client, nurse)
    add_passkey(client)
    response = world.client("clinic_admin").post(reverse("accounts:user_reset_mfa", args=[nurse.pk]))
    assert response.status_code == 302
    assert not PasskeyDevice.objects.filter(user=nurse).exists()


def test_removing_the_passkey_this_session_signed_in_with_keeps_the_session_signed_in(client, world):
    nurse = world.users["nurse"]
    login(client, nurse)
    authenticator, _ = add_passkey(client)
    client.post(reverse("accounts:logout"))
    password_step(client, "nurse")
    options = page_options(client.get(reverse("accounts:mfa")).content)
    client.post(reverse("accounts:mfa"), {"passkey_response": authenticator.sign_in(options)})
    device = PasskeyDevice.objects.get()
    response = client.post(reverse("accounts:passkey_remove", args=[device.pk]))
    assert response.status_code == 302 and response["Location"] == reverse("accounts:settings")
    assert client.get(reverse("web:today")).status_code == 200
