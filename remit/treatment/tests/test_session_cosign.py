"""A prescriber co-signs a session a nurse or TMS technician signed: its own record, audited; the note untouched."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from remit.audit.models import AuditEvent
from remit.testing import PermissionMatrix, make_patient
from remit.treatment import actions_cosigning
from remit.treatment.models import Session, SessionCosignature
from remit.treatment.tests.factories import make_session


def signed_by(world, role: str, patient=None, modality: str = "ketamine_iv") -> Session:
    return make_session(
        world,
        modality,
        patient=patient,
        status=Session.COMPLETED,
        note="Tolerated well; discharged with escort.",
        signed_by=world.users[role],
        signed_at=timezone.now(),
    )


def cosign_url(session: Session) -> str:
    return reverse("treatment:session_cosign", args=[session.pk])


class TestPermissions(PermissionMatrix):
    capability = "sessions.cosign"

    def url(self, world, patient):
        return cosign_url(signed_by(world, "nurse", patient))


class TestPostPermissions(PermissionMatrix):
    capability = "sessions.cosign"
    ok_status = 302

    def url(self, world, patient):
        return cosign_url(signed_by(world, "nurse", patient))

    def request(self, client, url):
        return client.post(url)


def test_a_prescriber_co_signs_a_nurses_session_without_changing_the_note(world):
    session = signed_by(world, "nurse")
    signed_at = session.signed_at
    before = AuditEvent.objects.count()
    response = world.client("prescriber").post(cosign_url(session))
    assert response.status_code == 302 and response["Location"] == reverse("web:today")
    cosignature = SessionCosignature.objects.get(session=session)
    assert cosignature.by == world.users["prescriber"]
    session.refresh_from_db()
    assert session.note == "Tolerated well; discharged with escort."
    assert session.signed_by == world.users["nurse"] and session.signed_at == signed_at
    event = AuditEvent.objects.order_by("-seq").first()
    assert AuditEvent.objects.count() == before + 1
    assert event.object_type == "treatment.sessioncosignature" and event.detail["session_id"] == session.pk


def test_a_session_is_co_signed_once(world):
    session = signed_by(world, "tms_technician", modality="tms")
    actions_cosigning.cosign(session, actor=world.users["prescriber"])
    response = world.client("prescriber").post(cosign_url(session))
    assert response.status_code == 200
    assert "This session is already co-signed." in response.content.decode()
    assert SessionCosignature.objects.filter(session=session).count() == 1


def test_a_session_a_prescriber_signed_needs_no_co_signature(world):
    session = signed_by(world, "prescriber")
    with pytest.raises(ValidationError, match="needs no co-signature"):
        actions_cosigning.cosign(session, actor=world.users["prescriber"])
    assert not SessionCosignature.objects.exists()


def test_an_unsigned_session_cannot_be_co_signed(world):
    session = make_session(world)
    with pytest.raises(ValidationError, match="not signed yet"):
        actions_cosigning.cosign(session, actor=world.users["prescriber"])


def test_only_a_prescriber_co_signs(world):
    session = signed_by(world, "nurse")
    with pytest.raises(PermissionDenied):
        actions_cosigning.cosign(session, actor=world.users["nurse"])
    assert not SessionCosignature.objects.exists()


def test_the_page_shows_the_signed_note_and_the_button(world):
    session = signed_by(world, "nurse", make_patient(world.clinic, family_name="Quinlan"))
    html = world.client("prescriber").get(cosign_url(session)).content.decode()
    assert "Tolerated well; discharged with escort." in html
    assert ">Co-sign</button>" in html
