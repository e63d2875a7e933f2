"""Give every stored questionnaire request its items and merge an instrument asked twice on one day.

See ``remit.measures.dedupe.merge_duplicate_questionnaires``: no answer is
deleted or moved; the duplicates stop being live and point at the one kept.
"""

from django.db import migrations

from remit.measures.dedupe import merge_duplicate_questionnaires, noop


class Migration(migrations.Migration):
    dependencies = [("measures", "0003_questionnaire_items")]

    operations = [migrations.RunPython(merge_duplicate_questionnaires, noop)]
