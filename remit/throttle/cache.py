"""Django's database cache with an atomic ``incr``, for rate-limit counters shared by every process.

Django's own ``DatabaseCache.incr`` reads the value and writes it back in two statements, so two
processes counting at once can both write the same number; django-ratelimit refuses it for that
reason. Here the read and the write are one transaction with the row locked (``SELECT ... FOR
UPDATE`` on PostgreSQL; on SQLite the transaction takes the database's write lock at ``BEGIN``),
and the entry keeps its expiry instead of getting the default timeout again.
"""

from __future__ import annotations

import base64
import pickle
from typing import Any

from django.core.cache.backends.db import DatabaseCache
from django.db import connections, router, transaction
from django.utils import timezone


class AtomicDatabaseCache(DatabaseCache):
    def incr(self, key: Any, delta: int = 1, version: int | None = None) -> Any:
        key = self.make_and_validate_key(key, version=version)
        db = router.db_for_write(self.cache_model_class)
        connection = connections[db]
        table = connection.ops.quote_name(self._table)  # type: ignore[attr-defined]
        lock = " FOR UPDATE" if connection.features.has_select_for_update else ""
        now = connection.ops.adapt_datetimefield_value(timezone.now().replace(microsecond=0))
        with transaction.atomic(using=db), connection.cursor() as cursor:
            cursor.execute(
                f"SELECT value FROM {table} WHERE cache_key = %s AND expires > %s{lock}",  # noqa: S608 (the table name is ours, quoted)
                [key, now],
            )
            row = cursor.fetchone()
            if row is None:
                raise ValueError(f"Key '{key}' not found")
            value = pickle.loads(base64.b64decode(row[0].encode())) + delta  # noqa: S301 (our own cache table)
            stored = base64.b64encode(pickle.dumps(value, self.pickle_protocol)).decode("latin1")
            cursor.execute(
                f"UPDATE {table} SET value = %s WHERE cache_key = %s",  # noqa: S608 (the table name is ours, quoted)
                [stored, key],
            )
        return value
