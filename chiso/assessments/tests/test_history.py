"""The report's change history: the newest changes, each with the figure before it, read bounded."""

from __future__ import annotations

from decimal import Decimal

from django.db import connection
from django.test.utils import CaptureQueriesContext

from chiso.assessments.tests.workflow_world import *  # noqa: F403 (fixtures)
from chiso.assessments.views import submission_history
from chiso.assessments.writes import CellWrite, write_values


def _write(sub, number) -> None:
    write_values(sub.framework, [CellWrite(sub.unit_id, "2025", "1.numerator", number=number)], None)


def test_each_change_shows_the_figure_before_it_even_beyond_the_limit(world, own_submission):
    for number in (Decimal(10), Decimal(12), None, Decimal(15), Decimal(54919)):  # None: the cell emptied
        _write(own_submission, number)
    changes = [(h.old, h.new) for h in submission_history(own_submission) if h.kind != "status"]
    assert changes == [("15", "54.919"), ("—", "15"), ("12", "—"), ("10", "12"), ("—", "10")]
    # The newest two only: their "old" comes from records outside them.
    assert [(h.old, h.new) for h in submission_history(own_submission, limit=2)] == [("15", "54.919"), ("—", "15")]


def test_the_history_read_is_bounded_however_often_the_report_was_saved(world, own_submission):
    for n in range(60):
        _write(own_submission, Decimal(n + 1))
    with CaptureQueriesContext(connection) as queries:
        shown = submission_history(own_submission, limit=5)
    assert [(h.old, h.new) for h in shown] == [("59", "60"), ("58", "59"), ("57", "58"), ("56", "57"), ("55", "56")]
    history_reads = [q["sql"] for q in queries.captured_queries if "historicalvalue" in q["sql"]]
    assert len(history_reads) == 1 and "LIMIT 105" in history_reads[0]
