"""Rows are sealed with HMAC-SHA-256 under a key id from now on.

Rows already written get an empty key id: they are marked as the legacy
unkeyed scheme and keep their plain SHA-256 hashes (nothing is rewritten; the
first keyed row's seal pins the last legacy hash).
"""

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('audit', '0002_append_only_trigger'),
    ]

    operations = [
        migrations.AddField(
            model_name='auditevent',
            name='key_id',
            field=models.CharField(blank=True, default='', max_length=40),
        ),
    ]
