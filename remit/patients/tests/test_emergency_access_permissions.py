"""Who may reach the emergency access pages (the break-the-glass form, and ending one's own access)."""

from __future__ import annotations

from django.urls import reverse

from remit.testing import PermissionMatrix


class TestTheEmergencyAccessFormIsForClinicians(PermissionMatrix):
    capability = "patient.emergency_access"
    other_clinic_not_applicable = (
        "the form names no record: it is how a clinician of another clinic asks for one "
        "(tests/onc/test_d06_emergency_access.py)"
    )

    def url(self, world, patient):
        return reverse("patients:emergency_access")


class TestEndingEmergencyAccessIsForClinicians(PermissionMatrix):
    capability = "patient.emergency_access"
    ok_status = 302

    def url(self, world, patient):
        return reverse("patients:emergency_access_end", args=[patient.pk])

    def request(self, client, url):
        return client.post(url)
