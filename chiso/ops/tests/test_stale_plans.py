"""After a column changes type, a connection with plans prepared on it is closed at the first failure."""

from __future__ import annotations

import pytest
from django.core.signals import got_request_exception
from django.db import DatabaseError, connection

from chiso.ops.stale_plans import is_stale_plan


def select_name() -> list:
    with connection.cursor() as cursor:
        cursor.execute("SELECT ten FROM chiso_thu_ke_hoach WHERE ma = %s", ["X1"])
        return cursor.fetchall()


@pytest.mark.django_db(transaction=True)
def test_a_request_failing_on_a_stale_plan_closes_its_connection():
    if connection.vendor != "postgresql":
        # sqlite3 prepares nothing across a schema change (and cannot change a column's type).
        assert "server_side_binding" not in connection.settings_dict.get("OPTIONS", {})
        return
    import psycopg

    with connection.cursor() as cursor:
        cursor.execute("CREATE TABLE chiso_thu_ke_hoach (ma varchar(10), ten varchar(10))")
        cursor.execute("INSERT INTO chiso_thu_ke_hoach VALUES (%s, %s)", ["X1", "Phú Tân"])
    try:
        for _ in range(7):  # prepared from the 6th run on (psycopg's threshold 5)
            assert select_name() == [("Phú Tân",)]
        # What `chiso migrate` in another process does to a column this connection has plans on.
        with psycopg.connect(connection.connection.info.dsn, autocommit=True) as migrating:
            migrating.execute("ALTER TABLE chiso_thu_ke_hoach ALTER COLUMN ten TYPE varchar(40)")
        with pytest.raises(DatabaseError) as failed:
            select_name()
        assert is_stale_plan(failed.value)
        with pytest.raises(DatabaseError):
            select_name()  # and again: the connection keeps failing by itself
        try:  # as Django's handler does for a view that raised it
            raise failed.value
        except DatabaseError:
            got_request_exception.send(sender=None, request=None)
        assert connection.connection is None  # closed: the next query opens a new one
        assert select_name() == [("Phú Tân",)]
    finally:
        with connection.cursor() as cursor:
            cursor.execute("DROP TABLE chiso_thu_ke_hoach")


def test_other_database_errors_keep_the_connection():
    assert not is_stale_plan(DatabaseError("duplicate key value violates unique constraint"))
    assert not is_stale_plan(None)
