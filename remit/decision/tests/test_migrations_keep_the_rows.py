"""Booster requests and clinic outcome settings moved to the decision app with their rows.

The database is taken back to before the move (the rows then sit in the old ``treatment`` and
``reports`` tables, as on a clinic's server today), then migrated forward: every row is still there,
read through the decision app's models, and the content types followed the models.
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from remit.decision.models import BoosterRequest, ClinicOutcomeSettings
from remit.testing import build_world, make_patient

BEFORE = [
    ("treatment", "0004_esketamine_protocols_older_adult_schedule"),
    ("reports", "0002_missed_questionnaires_before_an_alert"),
    ("decision", None),
]


def migrate(targets: list[tuple[str, str | None]]) -> MigrationExecutor:
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return MigrationExecutor(connection)


def latest() -> list[tuple[str, str | None]]:
    return MigrationExecutor(connection).loader.graph.leaf_nodes()


@pytest.mark.django_db(transaction=True)
def test_booster_requests_and_outcome_settings_keep_their_rows_when_they_move_to_decision_support():
    world = build_world()
    patient = make_patient(world.clinic)
    nurse = world.users["nurse"]
    request = BoosterRequest.objects.create(
        patient=patient, requested_on=dt.date(2026, 11, 2), note="asked by phone", entered_by=nurse
    )
    stored = ClinicOutcomeSettings.objects.create(
        clinic=world.clinic, response_pct=60, missed_questionnaires_alert=4
    )
    ContentType.objects.get_for_model(BoosterRequest)
    ContentType.objects.get_for_model(ClinicOutcomeSettings)
    ContentType.objects.clear_cache()

    try:
        old = migrate(BEFORE).loader.project_state(BEFORE[:2]).apps
        tables = connection.introspection.table_names()
        assert "treatment_boosterrequest" in tables and "decision_boosterrequest" not in tables
        assert "reports_clinicoutcomesettings" in tables and "decision_clinicoutcomesettings" not in tables
        OldRequest = old.get_model("treatment", "BoosterRequest")
        OldSettings = old.get_model("reports", "ClinicOutcomeSettings")
        assert OldRequest.objects.get().note == "asked by phone"
        assert OldSettings.objects.get().response_pct == 60
        assert set(
            ContentType.objects.filter(model="boosterrequest").values_list("app_label", flat=True)
        ) == {"treatment"}
        OldRequest.objects.create(
            patient_id=patient.pk, requested_on=dt.date(2026, 11, 20), note="", entered_by_id=nurse.pk
        )
    finally:
        migrate(latest())
        ContentType.objects.clear_cache()

    tables = connection.introspection.table_names()
    assert "decision_boosterrequest" in tables and "treatment_boosterrequest" not in tables
    assert "decision_clinicoutcomesettings" in tables and "reports_clinicoutcomesettings" not in tables
    rows = list(BoosterRequest.objects.order_by("requested_on").values_list("pk", "requested_on", "note"))
    assert rows[0] == (request.pk, dt.date(2026, 11, 2), "asked by phone")
    assert [r[1] for r in rows] == [dt.date(2026, 11, 2), dt.date(2026, 11, 20)]
    again = ClinicOutcomeSettings.objects.get(clinic=world.clinic)
    assert (again.pk, again.response_pct, again.missed_questionnaires_alert) == (stored.pk, 60, 4)
    assert ContentType.objects.get_for_model(BoosterRequest).app_label == "decision"
    assert not ContentType.objects.filter(
        app_label__in=["treatment", "reports"], model="boosterrequest"
    ).exists()
    assert not ContentType.objects.filter(app_label="reports", model="clinicoutcomesettings").exists()
    # a new row still gets a fresh key after the rename
    newer = BoosterRequest.objects.create(
        patient=patient, requested_on=dt.date(2026, 11, 21), entered_by=nurse
    )
    assert newer.pk > max(r[0] for r in rows)
