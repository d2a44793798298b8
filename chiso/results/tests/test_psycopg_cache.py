"""psycopg keeps the conversion of a deadline-day save's statement instead of parsing it each time.

A web save of two cells is one statement of 63 parameters on PostgreSQL
(``chiso.results.store._writes_and_bump``); psycopg keeps the conversion of its ``%s`` placeholders
only for statements under its limits, which ``chiso.results.psycopg_cache`` raises at start-up.
"""

from __future__ import annotations

from decimal import Decimal

import psycopg._queries as queries
from django.db import connection

from chiso.assessments.tests.workflow_world import *  # noqa: F403 (fixtures)
from chiso.assessments.writes import CellWrite, write_values
from chiso.results.psycopg_cache import CACHED_LENGTH_AT_MOST, CACHED_PARAMS_AT_MOST, raise_limits
from chiso.results.store import recompute
from chiso.units.models import unit_infos


def test_the_limits_are_raised_at_start_up():
    # Raised by the app's ready() when Django started this process, not by this test.
    assert queries.MAX_CACHED_STATEMENT_PARAMS >= CACHED_PARAMS_AT_MOST
    assert queries.MAX_CACHED_STATEMENT_LENGTH >= CACHED_LENGTH_AT_MOST
    assert raise_limits() is True  # False would mean psycopg renamed its limits: an upgrade to check


def test_a_two_cell_save_is_not_parsed_again(world, own_submission, monkeypatch):
    framework, unit = own_submission.framework, own_submission.unit
    put_values(own_submission, {"1.numerator": Decimal(10), "1.denominator": Decimal(20)})  # noqa: F405
    recompute(framework, "2025", unit_infos([unit]))
    parsed: list[int] = []
    uncached = queries._query2pg_nocache

    def counting(query: bytes, encoding: str):
        parsed.append(query.count(b"%s"))
        return uncached(query, encoding)

    # psycopg calls this module function for statements over its limits (its cache wraps the original).
    monkeypatch.setattr(queries, "_query2pg_nocache", counting)
    for n in (12, 14, 16):
        write_values(framework, [CellWrite(unit.pk, "2025", "1.numerator", number=Decimal(n)),
                                 CellWrite(unit.pk, "2025", "1.denominator", number=Decimal(2 * n))], world.reporter)
    own_submission.refresh_from_db()
    assert {v.element: v.number for v in own_submission.values()} == {
        "1.numerator": Decimal(16), "1.denominator": Decimal(32)}
    # On PostgreSQL each save's statement (about 70 parameters) is converted once and kept; the
    # embedded database's driver (sqlite3) never goes through psycopg at all.
    assert parsed == [], f"{connection.vendor}: {parsed}"
