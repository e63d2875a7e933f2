"""Alerts are never deleted: not one by one, not in bulk, not with their patient, not in the admin."""

from __future__ import annotations

import pytest
from django.contrib import admin
from django.db.models import ProtectedError
from django.test import RequestFactory

from remit.alerts.models import Alert, AlertDeletionError
from remit.testing import make_patient

from .conftest import make_alert


def test_deleting_an_alert_is_refused(world):
    alert = make_alert(make_patient(world.clinic))
    with pytest.raises(AlertDeletionError):
        alert.delete()
    with pytest.raises(AlertDeletionError):
        Alert.objects.filter(pk=alert.pk).delete()
    with pytest.raises(AlertDeletionError):
        Alert.objects.all().delete()
    assert Alert.objects.filter(pk=alert.pk).exists()


def test_deleting_the_patient_is_refused_while_it_has_alerts(world):
    patient = make_patient(world.clinic)
    make_alert(patient)
    with pytest.raises(ProtectedError):
        patient.delete()
    assert Alert.objects.count() == 1


def test_the_admin_offers_no_delete_add_or_change(world):
    model_admin = admin.site._registry[Alert]
    request = RequestFactory().get("/admin/")
    request.user = world.users["prescriber"]
    alert = make_alert(make_patient(world.clinic))
    assert not model_admin.has_delete_permission(request, alert)
    assert not model_admin.has_add_permission(request)
    assert not model_admin.has_change_permission(request, alert)
    assert not model_admin.get_actions(request)
