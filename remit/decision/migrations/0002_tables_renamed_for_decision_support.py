"""The moved tables take this app's names (rows kept), and their content types follow them.

Renaming the content type rows (instead of letting new ones be created) keeps
anything that points at them, such as permissions, pointing at the same model.
On a new database there are none yet and this step does nothing.
"""

from django.db import migrations

MOVED = [("treatment", "boosterrequest"), ("reports", "clinicoutcomesettings")]


def content_types_follow(apps, schema_editor):
    ContentType = apps.get_model("contenttypes", "ContentType")
    db = schema_editor.connection.alias
    for old_app, model in MOVED:
        if ContentType.objects.using(db).filter(app_label="decision", model=model).exists():
            continue
        ContentType.objects.using(db).filter(app_label=old_app, model=model).update(app_label="decision")


def content_types_go_back(apps, schema_editor):
    ContentType = apps.get_model("contenttypes", "ContentType")
    db = schema_editor.connection.alias
    for old_app, model in MOVED:
        if ContentType.objects.using(db).filter(app_label=old_app, model=model).exists():
            continue
        ContentType.objects.using(db).filter(app_label="decision", model=model).update(app_label=old_app)


class Migration(migrations.Migration):

    dependencies = [
        ("contenttypes", "0002_remove_content_type_name"),
        ("decision", "0001_booster_requests_and_outcome_settings_move_here"),
        ("reports", "0003_outcome_settings_move_to_decision"),
        ("treatment", "0005_booster_requests_move_to_decision"),
    ]

    operations = [
        migrations.AlterModelTable(name="boosterrequest", table=None),
        migrations.AlterModelTable(name="clinicoutcomesettings", table=None),
        migrations.RunPython(content_types_follow, content_types_go_back),
    ]
