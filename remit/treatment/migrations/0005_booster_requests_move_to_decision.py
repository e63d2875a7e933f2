"""Booster requests move to decision support (``decision``): state only, the table and its rows stay."""

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ("treatment", "0004_esketamine_protocols_older_adult_schedule"),
        ("decision", "0001_booster_requests_and_outcome_settings_move_here"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[],
            state_operations=[migrations.DeleteModel(name="BoosterRequest")],
        ),
    ]
