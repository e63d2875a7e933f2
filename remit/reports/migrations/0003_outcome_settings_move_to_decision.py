"""Clinic outcome settings move to decision support (``decision``): state only, the table and its rows stay."""

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ("reports", "0002_missed_questionnaires_before_an_alert"),
        ("decision", "0001_booster_requests_and_outcome_settings_move_here"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[],
            state_operations=[migrations.DeleteModel(name="ClinicOutcomeSettings")],
        ),
    ]
