"""Alerts raised under the relapse rule's old name keep deduplicating after it is renamed."""

from __future__ import annotations

import importlib

from django.apps import apps

from remit.alerts.actions import raise_alert
from remit.alerts.models import Alert
from remit.testing import make_patient

migration = importlib.import_module("remit.decision.migrations.0004_relapse_rule_named_after_the_course")


def test_an_open_relapse_alert_under_the_old_name_moves_to_the_new_name_and_key(world):
    patient = make_patient(world.clinic)
    old = raise_alert(
        patient=patient,
        kind="relapse",
        severity="medium",
        reason="Relapse after the course.",
        detail={"rule": "relapse_after_series", "fingerprint": "relapse:2026-10-01"},
        dedupe_key="course:7:relapse_after_series",
    )
    other = raise_alert(patient=patient, kind="nonresponse", severity="medium", reason="No response.")
    migration.rename(apps, None)
    old.refresh_from_db()
    assert old.detail == {"rule": "relapse_after_course", "fingerprint": "relapse:2026-10-01"}
    assert old.dedupe_key.endswith("course:7:relapse_after_course")
    # The renamed rule now finds it: raising again with the new key returns the same open alert.
    again = raise_alert(
        patient=patient,
        kind="relapse",
        severity="medium",
        reason="Relapse after the course.",
        dedupe_key="course:7:relapse_after_course",
    )
    assert again.pk == old.pk
    assert Alert.objects.get(pk=other.pk).dedupe_key is None
    migration.rename_back(apps, None)
    old.refresh_from_db()
    assert old.dedupe_key.endswith("course:7:relapse_after_series")
