"""Sessions in the database, as Django's ``db`` engine keeps them, read with hand-written SQL.

Every signed-in request begins by reading its session row; Django's engine composes that query
with the ORM each time, and composing it cost more than running it (``chiso.sqlrows``). Writing,
creating and deleting sessions stay Django's own.
"""

from __future__ import annotations

from functools import cache

from django.contrib.sessions.backends import db
from django.db import connection
from django.utils import timezone

from chiso.sqlrows import Joined, fetch_joined


class SessionStore(db.SessionStore):
    def _get_session_from_db(self):
        """The unexpired session row of this key, or None (and the key forgotten), as Django's."""
        key = self.session_key
        if key is None:  # no key, or one Django refused as malformed
            self._session_key = None
            return None
        part = _part()
        rows = fetch_joined(
            [part], f"FROM {connection.ops.quote_name(part.model._meta.db_table)} x "
                    f"WHERE x.{connection.ops.quote_name('session_key')} = %s "
                    f"AND x.{connection.ops.quote_name('expire_date')} > %s",
            [key, connection.ops.adapt_datetimefield_value(timezone.now())])
        if not rows:
            self._session_key = None
            return None
        return rows[0][0]


@cache
def _part() -> Joined:
    return Joined(SessionStore.get_model_class(), "x")
