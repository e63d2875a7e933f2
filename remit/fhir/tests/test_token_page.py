"""`fhir:tokens`: a clinic administrator issues (shown once, stored hashed) and revokes API tokens."""

from __future__ import annotations

import hashlib
import re

import pytest
from django.urls import reverse

from remit.audit.models import AuditEvent
from remit.fhir.models import ApiToken
from remit.fhir.tests.api import token_for
from remit.testing import PermissionMatrix

pytestmark = pytest.mark.django_db


class TestTokenPagePermissions(PermissionMatrix):
    capability = "integrations.manage"
    other_clinic_not_applicable = "a clinic-wide list: each clinic's staff see their own clinic's rows"

    def url(self, world, patient):
        return reverse("fhir:tokens")


class TestRevokePermissions(PermissionMatrix):
    capability = "integrations.manage"
    ok_status = 302

    def url(self, world, patient):
        token, _raw = token_for(world)
        return reverse("fhir:token_revoke", args=[token.pk])

    def request(self, client, url):
        return client.post(url)


def issue(world, name="Regional EHR", purpose="Treatment: the referring practice's records"):
    return world.client("clinic_admin").post(
        reverse("fhir:tokens"), {"name": name, "purpose": purpose, "clinic": world.clinic.pk}
    )


def test_a_new_token_is_shown_once_and_stored_only_as_its_hash(world):
    response = issue(world)
    assert response.status_code == 201
    raw = re.search(r'id="raw-token">(remit_[A-Za-z0-9_\-]+)<', response.content.decode()).group(1)
    token = ApiToken.objects.get()
    assert token.token_hash == hashlib.sha256(raw.encode()).hexdigest()
    assert token.prefix == raw[:14] and token.clinic == world.clinic
    assert token.created_by == world.users["clinic_admin"]
    assert token.purpose == "Treatment: the referring practice's records"
    listing = world.client("clinic_admin").get(reverse("fhir:tokens")).content.decode()
    assert raw not in listing and token.prefix in listing
    event = AuditEvent.objects.get(object_type="fhir.apitoken", action="create")
    assert event.actor == world.users["clinic_admin"] and raw not in str(event.detail)


def test_a_token_without_a_name_is_refused_naming_the_field(world):
    response = issue(world, name="  ")
    assert response.status_code == 200
    assert "Integration name" in response.content.decode()
    assert ApiToken.objects.count() == 0


def test_a_token_without_a_purpose_is_refused_naming_the_field(world):
    response = issue(world, purpose="   ")
    assert response.status_code == 200
    page = response.content.decode()
    assert '<a href="#id_purpose">Purpose is required.</a>' in page
    assert ApiToken.objects.count() == 0


def test_the_action_refuses_a_token_without_a_purpose(world):
    from django.core.exceptions import ValidationError

    from remit.fhir.actions import issue_token

    try:
        issue_token(actor=world.users["clinic_admin"], clinic=world.clinic, name="EHR", purpose=" ")
    except ValidationError as error:
        assert "purpose" in error.message_dict
    else:
        raise AssertionError("a token without a purpose was issued")
    assert ApiToken.objects.count() == 0


def test_a_token_for_another_clinic_cannot_be_issued(world):
    response = world.client("clinic_admin").post(
        reverse("fhir:tokens"), {"name": "x", "purpose": "Treatment", "clinic": world.other_clinic.pk}
    )
    assert response.status_code == 200 and ApiToken.objects.count() == 0


def test_revoking_is_audited_and_another_clinics_token_is_not_found(world):
    token, _raw = token_for(world)
    theirs, _ = token_for(world, clinic=world.other_clinic)
    client = world.client("clinic_admin")
    assert client.post(reverse("fhir:token_revoke", args=[theirs.pk])).status_code == 404
    assert client.post(reverse("fhir:token_revoke", args=[token.pk])).status_code == 302
    token.refresh_from_db()
    assert token.revoked_at is not None and token.revoked_by == world.users["clinic_admin"]
    event = AuditEvent.objects.filter(object_type="fhir.apitoken", action="update").get()
    assert event.detail["revoked"] is True
    theirs.refresh_from_db()
    assert theirs.revoked_at is None


def test_the_forms_need_a_csrf_token(world, csrf_client):
    from remit.testing import login

    login(csrf_client, world.users["clinic_admin"])
    response = csrf_client.post(
        reverse("fhir:tokens"), {"name": "x", "purpose": "Treatment", "clinic": world.clinic.pk}
    )
    assert response.status_code == 403 and ApiToken.objects.count() == 0


def test_the_page_asks_for_the_password_again_when_it_is_stale(world):
    client = world.client("clinic_admin")
    session = client.session
    session["reauth_at"] = 0
    session.save()
    response = client.get(reverse("fhir:tokens"))
    assert response.status_code == 302 and "reauth" in response["Location"]
