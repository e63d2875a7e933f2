"""Who may reach each amendment page: the permission matrix per URL."""

from __future__ import annotations

from django.urls import reverse

from remit.amendments.tests.helpers import denied_request, diagnosis_request, disputed_request
from remit.testing import PermissionMatrix


class TestQueueMatrix(PermissionMatrix):
    capability = "amendments.decide"
    other_clinic_not_applicable = "the work queue lists the user's own clinics' requests and names no record"

    def url(self, world, patient):
        return reverse("amendments:queue")


class TestNewRequestMatrix(PermissionMatrix):
    capability = "amendments.request"

    def url(self, world, patient):
        return reverse("amendments:new", args=[patient.pk])


class TestDecideMatrix(PermissionMatrix):
    capability = "amendments.decide"

    def url(self, world, patient):
        return reverse("amendments:decide", args=[diagnosis_request(world, patient).pk])


class TestRebuttalMatrix(PermissionMatrix):
    capability = "amendments.decide"

    def url(self, world, patient):
        return reverse("amendments:rebuttal", args=[disputed_request(world, patient).pk])


class TestDisagreementMatrix(PermissionMatrix):
    # A demographics request, which every role that holds amendments.request may read.
    capability = "amendments.request"

    def url(self, world, patient):
        from remit.amendments import actions

        amendment = actions.request_amendment(
            patient, part="demographics", text="My name is spelt Jonathon.", actor=world.users["front_desk"]
        )
        actions.deny(amendment, actor=world.users["prescriber"], reason="It matches the ID shown at intake.")
        return reverse("amendments:disagreement", args=[amendment.pk])


def test_front_desk_cannot_open_a_request_about_a_diagnosis(world):
    from remit.testing import make_patient

    amendment = denied_request(world, make_patient(world.clinic))
    response = world.client("front_desk").get(reverse("amendments:disagreement", args=[amendment.pk]))
    assert response.status_code == 404


def test_front_desk_may_write_down_a_disagreement_with_a_demographics_denial(world):
    from remit.amendments import actions
    from remit.testing import make_patient

    patient = make_patient(world.clinic)
    amendment = actions.request_amendment(
        patient, part="demographics", text="My name is spelt Jonathon.", actor=world.users["front_desk"]
    )
    actions.deny(
        amendment, actor=world.users["prescriber"], reason="The name matches the ID shown at intake."
    )
    response = world.client("front_desk").post(
        reverse("amendments:disagreement", args=[amendment.pk]), {"text": "My passport says Jonathon."}
    )
    assert response.status_code == 302
    amendment.refresh_from_db()
    assert (
        amendment.disagreement_text == "My passport says Jonathon." and amendment.disagreement_via == "staff"
    )
