"""On PostgreSQL a statement a connection runs again and again is prepared once, not planned each time.

On deadline day PostgreSQL spent more time planning the same few queries than running them
(docs/operations.md); server-side parameters plus psycopg's prepared statements remove that.
The setting can be turned off for a pooler that cannot keep prepared statements.
"""

from __future__ import annotations

import json

import pytest
from django.db import connection

from chiso.units.models import Unit
from chiso.web.tests.test_safe_defaults import run as run_chiso


@pytest.mark.django_db
def test_a_query_run_repeatedly_is_prepared_on_postgresql():
    for _ in range(6):
        assert list(Unit.objects.filter(code="KHONG-CO").values_list("pk", flat=True)) == []
    if connection.vendor != "postgresql":
        # The embedded database keeps its own statement cache inside the process: nothing to set.
        assert "server_side_binding" not in connection.settings_dict.get("OPTIONS", {})
        return
    with connection.cursor() as cursor:
        cursor.execute("SELECT statement FROM pg_prepared_statements")
        prepared = [row[0] for row in cursor.fetchall()]
    assert any('FROM "units_unit"' in text and '"code" = $1' in text for text in prepared), prepared


@pytest.mark.parametrize(("env", "expected"), [
    ({}, {"server_side_binding": True, "prepare_threshold": 5}),
    ({"DB_PREPARE_THRESHOLD": "2"}, {"server_side_binding": True, "prepare_threshold": 2}),
    ({"DB_PREPARED_STATEMENTS": "false"}, {}),
])
def test_prepared_statements_follow_the_environment(tmp_path, monkeypatch, env, expected):
    for name in ("DB_PREPARED_STATEMENTS", "DB_PREPARE_THRESHOLD"):  # only what each case sets
        monkeypatch.delenv(name, raising=False)
    done = run_chiso(tmp_path, "shell", "-c",
                     "import json; from django.conf import settings; "
                     "print(json.dumps(settings.DATABASES['default'].get('OPTIONS', {})))",
                     DEBUG="true", DATABASE_URL="postgres://chiso@127.0.0.1:5432/chiso", **env)
    assert done.returncode == 0, done.stderr
    options = json.loads(done.stdout.strip().splitlines()[-1])
    assert {k: options[k] for k in ("server_side_binding", "prepare_threshold") if k in options} == expected
