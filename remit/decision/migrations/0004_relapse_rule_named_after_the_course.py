"""The relapse rule is called "relapse after the course" (one word for a course, everywhere).

Open and acknowledged alerts keep working: their rule name and their dedupe key
move to the new name, so the rule finds the alert it raised and does not raise
it again. The evidence stored in an alert's detail is left as it was recorded.
"""

from django.db import migrations

OLD, NEW = "relapse_after_series", "relapse_after_course"


def rename(apps, schema_editor, old=OLD, new=NEW):
    Alert = apps.get_model("alerts", "Alert")
    for alert in Alert.objects.filter(kind="relapse").iterator():
        detail = dict(alert.detail or {})
        changed = False
        if detail.get("rule") == old:
            detail["rule"] = new
            changed = True
        key = alert.dedupe_key or ""
        if key.endswith(f":{old}"):
            alert.dedupe_key = key[: -len(old)] + new
            changed = True
        if changed:
            alert.detail = detail
            alert.save(update_fields=["detail", "dedupe_key"])


def rename_back(apps, schema_editor):
    rename(apps, schema_editor, old=NEW, new=OLD)


class Migration(migrations.Migration):
    dependencies = [
        ("decision", "0003_baseline_window_help"),
        ("alerts", "0001_initial"),
    ]

    operations = [migrations.RunPython(rename, rename_back)]
