"""Signing locks the session; corrections are amendments that keep the original; who signs what."""

# ruff: noqa: F811  (the ``clock`` fixture is imported from factories)

from __future__ import annotations

import pytest

from remit.treatment import actions_signing, permissions
from remit.treatment.models import Amendment, Session, SignedRecordError, VitalSign

from .factories import clock, completed_ketamine, make_session, session_url, step_url  # noqa: F401


def test_a_prescriber_signs_and_the_session_refuses_edits(world, clock):
    session = completed_ketamine(world, clock)
    actions_signing.save_note(session, "Tolerated well.", actor=world.users["nurse"])
    client = world.client("prescriber")
    assert client.post(step_url(session, "sign")).status_code == 302
    signed = Session.objects.get(pk=session.pk)
    assert signed.signed_by == world.users["prescriber"] and signed.is_signed
    for step, data in [
        ("note", {"note": "Changed"}),
        ("vitals", {"systolic": "120", "diastolic": "80"}),
        ("adverse_event", {"kind": "nausea", "severity": "mild"}),
    ]:
        response = client.post(step_url(session, step), data)
        assert response.status_code == 200
        assert "This session is signed; add an amendment instead." in response.content.decode()
    assert Session.objects.get(pk=session.pk).note == "Tolerated well."
    assert VitalSign.objects.filter(session=session).count() == 2
    signed.note = "tampered"
    with pytest.raises(SignedRecordError):
        signed.save()


def test_an_amendment_keeps_the_original(world, clock):
    session = completed_ketamine(world, clock)
    actions_signing.save_note(session, "Original note.", actor=world.users["nurse"])
    actions_signing.sign(session, actor=world.users["nurse"])
    client = world.client("nurse")
    response = client.post(step_url(session, "amend"), {"text": "BP at 09:00 was taken on the left arm."})
    assert response.status_code == 302
    assert Session.objects.get(pk=session.pk).note == "Original note."
    assert Amendment.objects.get(session=session).text.startswith("BP at 09:00")
    html = client.get(session_url(session)).content.decode()
    assert "Original note." in html and "left arm" in html


def test_an_empty_amendment_is_refused_naming_the_field(world, clock):
    session = completed_ketamine(world, clock)
    actions_signing.sign(session, actor=world.users["nurse"])
    response = world.client("nurse").post(step_url(session, "amend"), {"text": ""})
    assert response.status_code == 200 and "Amendment text is required." in response.content.decode()
    assert Amendment.objects.count() == 0


def test_a_session_cannot_be_signed_before_discharge(world, clock):
    session = make_session(world, "ketamine_iv")
    response = world.client("prescriber").post(step_url(session, "sign"))
    assert "Complete (discharge) the session before signing it." in response.content.decode()
    assert not Session.objects.get(pk=session.pk).is_signed


@pytest.mark.parametrize(
    "modality,persona,allowed",
    [
        ("ketamine_iv", "nurse", True),
        ("ketamine_iv", "prescriber", True),
        ("esketamine", "nurse", True),
        ("tms", "tms_technician", True),
        ("tms", "prescriber", True),
        ("tms", "nurse", False),
    ],
)
def test_the_signing_rule(world, modality, persona, allowed):
    session = make_session(world, modality)
    assert permissions.may_sign(world.users[persona], session) is allowed


def test_a_tms_technician_may_not_sign_a_ketamine_session(world, clock):
    session = completed_ketamine(world, clock)
    assert not permissions.may_sign(world.users["tms_technician"], session)
    assert world.client("tms_technician").post(step_url(session, "sign")).status_code == 403
