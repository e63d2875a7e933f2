"""Signing a screening: one choice per modality, overrides need a reason, signed once and never again."""

from __future__ import annotations

from django.urls import reverse

from remit.audit.models import AuditEvent
from remit.screening.models import Screening, ScreeningDecision
from remit.screening.tests.conftest import complete_doc, draft, sign_post, signed
from remit.testing import PermissionMatrix, login


def url(screening):
    return reverse("screening:sign", kwargs={"pk": screening.pk})


class TestPermissions(PermissionMatrix):
    capability = "screening.sign"
    ok_status = 302

    def url(self, world, patient):
        self.screening = draft(world, patient)
        return url(self.screening)

    def request(self, client, url):
        return client.post(url, sign_post(self.screening))


SCHIZOPHRENIA = complete_doc(diagnoses=[{"code": "F20.9", "status": "active"}])


def test_it_signs_with_a_decision_per_modality_and_audits(world, patient):
    screening = draft(world, patient, SCHIZOPHRENIA)
    response = world.client("prescriber").post(
        url(screening), sign_post(screening, ketamine_iv_decision="declined")
    )
    assert response.status_code == 302
    screening.refresh_from_db()
    assert screening.status == "signed"
    assert screening.signed_by == world.users["prescriber"]
    decisions = {d.modality: (d.evaluated, d.decision) for d in screening.decisions.all()}
    assert decisions["ketamine_iv"] == ("contraindicated", "declined")
    assert decisions["tms"] == ("eligible", "accepted")
    event = AuditEvent.objects.get(action="update", object_type="screening.screening")
    assert event.detail["status"] == "signed"
    assert event.detail["decisions"]["ketamine_iv"]["decision"] == "declined"


def test_an_override_without_a_reason_is_refused_naming_the_field(world, patient):
    screening = draft(world, patient, SCHIZOPHRENIA)
    events = AuditEvent.objects.count()
    response = world.client("prescriber").post(
        url(screening), sign_post(screening, ketamine_iv_decision="overridden", ketamine_iv_reason="   ")
    )
    assert response.status_code == 200
    assert "ketamine_iv_reason" in response.context["form"].errors
    assert (
        "Overriding a contraindicated result for Ketamine (IV) needs a written reason"
        in response.content.decode()
    )
    screening.refresh_from_db()
    assert screening.status == "draft"
    assert not ScreeningDecision.objects.exists()
    assert AuditEvent.objects.count() == events


def test_an_override_with_a_reason_is_shown_prominently(world, patient):
    screening = draft(world, patient, SCHIZOPHRENIA)
    world.client("prescriber").post(
        url(screening),
        sign_post(
            screening,
            ketamine_iv_decision="overridden",
            ketamine_iv_reason="Psychiatrist consulted; stable 10 years",
        ),
    )
    page = (
        world.client("nurse").get(reverse("screening:detail", kwargs={"pk": screening.pk})).content.decode()
    )
    assert "Overridden by the prescriber" in page
    assert "Psychiatrist consulted; stable 10 years" in page


def test_a_missing_choice_is_refused(world, patient):
    screening = draft(world, patient)
    data = sign_post(screening)
    del data["tms_decision"]
    response = world.client("prescriber").post(url(screening), data)
    assert "tms_decision" in response.context["form"].errors
    assert Screening.objects.get().status == "draft"


def test_a_signed_screening_cannot_be_signed_again(world, patient):
    screening = signed(world, patient)
    response = world.client("prescriber").post(url(screening), sign_post(screening, tms_decision="declined"))
    assert response.status_code == 403
    assert ScreeningDecision.objects.get(screening=screening, modality="tms").decision == "accepted"


def test_it_needs_a_csrf_token(world, patient, csrf_client):
    screening = draft(world, patient)
    login(csrf_client, world.users["prescriber"])
    assert csrf_client.post(url(screening), sign_post(screening)).status_code == 403
    assert Screening.objects.get().status == "draft"


def test_a_nurse_cannot_sign(world, patient):
    screening = draft(world, patient)
    assert world.client("nurse").post(url(screening), sign_post(screening)).status_code == 403
    assert Screening.objects.get().status == "draft"
