"""Operational-data URLs in the authorization matrix: uploads for administrators only."""

from __future__ import annotations

from chiso.accounts.tests.matrix import Route, expect


def _batch(world) -> tuple:
    from chiso.ingest.models import IngestBatch

    return (IngestBatch.objects.create(kind="dossiers", file_name="igate.csv", status="done").pk,)


ROUTES = [
    Route("ingest:upload", expect(administrator=200)),
    Route("ingest:batch", expect(administrator=200), args=_batch),
    # The drill-down form: any signed-in user; a unit outside their scope is 404 (test_drill_down.py).
    Route("ingest:dossiers", expect(200)),
]
