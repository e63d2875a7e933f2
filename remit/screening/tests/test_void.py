"""Voiding a screening from its page."""

from __future__ import annotations

from django.urls import reverse

from remit.audit.models import AuditEvent
from remit.screening.models import Screening
from remit.screening.tests.conftest import draft, signed
from remit.testing import PermissionMatrix


def url(screening):
    return reverse("screening:void", kwargs={"pk": screening.pk})


class TestPermissions(PermissionMatrix):
    capability = "screening.sign"
    ok_status = 302

    def url(self, world, patient):
        return url(draft(world, patient))

    def request(self, client, url):
        return client.post(url, {"reason": "duplicate"})


def test_it_voids_with_the_reason_and_audits(world, patient):
    screening = signed(world, patient)
    world.client("prescriber").post(url(screening), {"reason": "wrong patient"})
    screening = Screening.objects.get()
    assert screening.is_voided and screening.void_reason == "wrong patient"
    assert AuditEvent.objects.filter(action="void", object_type="screening.screening").count() == 1


def test_without_a_reason_nothing_changes(world, patient):
    screening = signed(world, patient)
    world.client("prescriber").post(url(screening), {"reason": ""})
    assert not Screening.objects.get().is_voided
