"""The clinic's details (name, phone, logo): changed by its administrator, audited, shown on the portal."""

from __future__ import annotations

import base64

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from remit.audit.models import AuditEvent
from remit.measures.tests.conftest import make_link, portal_patient, verified_client
from remit.testing import PermissionMatrix

# The smallest PNG: one transparent pixel.
PIXEL = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAQAAAC1HAwCAAAAC0lEQVR42mNkYAAAAAYAAjCB0C8AAAAASUVORK5CYII="
)


class TestClinicPermissions(PermissionMatrix):
    capability = "clinic.configure"

    def url(self, world, patient):
        return reverse("accounts:clinic", args=[world.clinic.pk])


def test_the_administrator_sets_the_phone_and_logo_and_it_is_audited(world):
    client = world.client("clinic_admin")
    url = reverse("accounts:clinic", args=[world.clinic.pk])
    logo = SimpleUploadedFile("logo.png", PIXEL, content_type="image/png")
    response = client.post(url, {"name": "Riverside Clinic", "phone": "(555) 010-0199", "logo": logo})
    assert response.status_code == 302
    world.clinic.refresh_from_db()
    assert world.clinic.phone == "(555) 010-0199" and world.clinic.logo_type == "image/png"
    assert world.clinic.phone_link == "tel:5550100199"
    event = AuditEvent.objects.filter(action="update", clinic_id=world.clinic.pk).latest("seq")
    assert event.detail["changed"] == ["logo", "name", "phone"]


def test_a_file_that_is_not_a_picture_is_refused_and_nothing_is_stored(world):
    client = world.client("clinic_admin")
    url = reverse("accounts:clinic", args=[world.clinic.pk])
    name = world.clinic.name
    bad = SimpleUploadedFile("logo.png", b"<svg onload=alert(1)>", content_type="image/png")
    response = client.post(url, {"name": "New name", "phone": "", "logo": bad})
    assert response.status_code == 200
    assert "The logo must be a PNG, JPEG or GIF picture." in response.content.decode()
    world.clinic.refresh_from_db()
    assert world.clinic.name == name and not world.clinic.logo


def test_a_phone_number_with_letters_names_the_field(world):
    client = world.client("clinic_admin")
    response = client.post(
        reverse("accounts:clinic", args=[world.clinic.pk]), {"name": "Clinic", "phone": "call us"}
    )
    assert "Phone number: please enter digits only" in response.content.decode()


def test_every_portal_page_shows_the_clinics_name_logo_and_phone(world):
    world.clinic.phone, world.clinic.logo, world.clinic.logo_type = "555-010-0199", PIXEL, "image/png"
    world.clinic.save()
    link, token = make_link(portal_patient(world.clinic), ["phq9"])
    client = verified_client(token)
    for url in ("/p/q/1/", "/p/q/1/?item=4"):
        html = client.get(url).content.decode()
        assert world.clinic.name in html
        assert 'href="tel:5550100199"' in html and "Call 555-010-0199" in html
        assert 'src="data:image/png;base64,' in html
