"""The clinic administrator's protocol list: seeded from the built-in protocols on first visit."""

from __future__ import annotations

from django.urls import reverse

from remit.core.protocols import BUILTIN_PROTOCOLS
from remit.testing import PermissionMatrix
from remit.treatment.actions_courses import ensure_protocols
from remit.treatment.models import Protocol


class TestPermissions(PermissionMatrix):
    capability = "protocols.manage"
    other_clinic_not_applicable = "a clinic-wide list: each clinic's staff see their own clinic's rows"

    def url(self, world, patient):
        return reverse("treatment:protocols")


def test_it_seeds_the_clinic_with_every_built_in_protocol(world):
    response = world.client("clinic_admin").get(reverse("treatment:protocols"))
    assert response.status_code == 200
    assert Protocol.objects.filter(clinic=world.clinic).count() == len(BUILTIN_PROTOCOLS)
    for protocol in BUILTIN_PROTOCOLS.values():
        assert protocol.name.encode() in response.content
    assert b"has example values" in response.content


def test_seeding_happens_once(world):
    assert ensure_protocols(world.clinic) == len(BUILTIN_PROTOCOLS)
    assert ensure_protocols(world.clinic) == 0
    assert Protocol.objects.filter(clinic=world.clinic).count() == len(BUILTIN_PROTOCOLS)


def test_another_clinics_protocols_are_not_listed(world):
    ensure_protocols(world.other_clinic)
    Protocol.objects.filter(clinic=world.other_clinic).update(name="Other clinic's secret protocol")
    response = world.client("clinic_admin").get(reverse("treatment:protocols"))
    assert b"secret protocol" not in response.content
    response = world.client("clinic_admin").get(
        reverse("treatment:protocols") + f"?clinic={world.other_clinic.pk}"
    )
    assert response.status_code == 404
