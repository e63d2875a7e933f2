"""The course page's dose order: a prescriber sets it, nurses chart against it, a bad value is named."""

from __future__ import annotations

from decimal import Decimal

from django.urls import reverse

from remit.audit.models import AuditEvent
from remit.testing import PermissionMatrix, make_patient
from remit.treatment.models import Course
from remit.treatment.tests.test_course_support import direct_course


def url(course):
    return reverse("treatment:course_dose_order", args=[course.pk])


class TestPermissions(PermissionMatrix):
    capability = "courses.plan"
    ok_status = 302

    def url(self, world, patient):
        return url(direct_course(world, patient))

    def request(self, client, url):
        return client.post(url, {"ordered": "0.5"})


def test_a_prescriber_orders_a_ketamine_dose_in_mg_per_kg_and_the_course_page_shows_it(world):
    course = direct_course(world, make_patient(world.clinic))
    client = world.client("prescriber")
    response = client.post(url(course), {"ordered": "0.75"})
    assert response.status_code == 302
    assert Course.objects.get(pk=course.pk).mg_per_kg == Decimal("0.75")
    page = client.get(reverse("treatment:course", args=[course.pk])).content.decode()
    assert "Ordered: <strong>0.75 mg/kg</strong>" in page
    assert AuditEvent.objects.filter(detail__step="dose_order").count() == 1


def test_an_esketamine_order_is_one_of_the_device_doses(world):
    course = direct_course(world, make_patient(world.clinic), code="esketamine_induction")
    client = world.client("prescriber")
    assert client.post(url(course), {"ordered": "56"}).status_code == 302
    assert Course.objects.get(pk=course.pk).esketamine_dose_mg == 56
    response = client.post(url(course), {"ordered": "70"})
    assert response.status_code == 200
    assert "Ordered dose must be one of the choices offered." in response.content.decode()
    assert Course.objects.get(pk=course.pk).esketamine_dose_mg == 56


def test_an_impossible_ketamine_order_is_refused_naming_the_field_and_nothing_changes(world):
    course = direct_course(world, make_patient(world.clinic), mg_per_kg=Decimal("0.5"))
    events = AuditEvent.objects.count()
    response = world.client("prescriber").post(url(course), {"ordered": "4"})
    assert response.status_code == 200
    assert "Enter the ordered dose in mg/kg, more than 0 and at most 3." in response.content.decode()
    assert Course.objects.get(pk=course.pk).mg_per_kg == Decimal("0.5")
    assert AuditEvent.objects.count() == events
