"""A patient's courses: clinical staff of the patient's clinic list them."""

from __future__ import annotations

from django.urls import reverse

from remit.testing import PermissionMatrix


class TestPermissions(PermissionMatrix):
    capability = "courses.view"

    def url(self, world, patient):
        return reverse("treatment:patient_courses", args=[patient.pk])
