from django.core.management import call_command
from django.db import migrations, models


def create_cache_table(apps, schema_editor):
    """The ``ratelimit`` cache's table (settings.CACHES), so ``remit migrate`` is all a deployment runs."""
    call_command("createcachetable", database=schema_editor.connection.alias, verbosity=0)


class Migration(migrations.Migration):

    initial = True

    dependencies = []

    operations = [
        migrations.CreateModel(
            name="FailureTally",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("kind", models.CharField(choices=[("portal_link", "Portal link"), ("api_token", "Integration token")], max_length=20)),
                ("source", models.CharField(help_text="the client address", max_length=64)),
                ("window_start", models.DateTimeField()),
                ("attempts", models.PositiveIntegerField(default=0)),
                ("refused", models.PositiveIntegerField(default=0, help_text="of the attempts, those answered 429")),
                ("reported", models.PositiveIntegerField(default=0, help_text="attempts already written to the audit trail")),
            ],
            options={
                "constraints": [models.UniqueConstraint(fields=("kind", "source", "window_start"), name="one_failure_tally_per_source_and_interval")],
            },
        ),
        migrations.RunPython(create_cache_table, migrations.RunPython.noop),
    ]
