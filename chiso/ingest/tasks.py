"""Background import of an uploaded export (Django's tasks framework).

In the embedded default the task runs immediately; with
``TASKS_BACKEND=database`` it runs in a separate worker (``chiso db_worker``),
so nothing here may rely on the web process: the batch row is the only shared
state, holding the phase, the progress and finally the summary or the problems.
"""

from __future__ import annotations

import logging
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from django.core.files.storage import default_storage
from django.tasks import task
from django.utils import timezone

from chiso.tabular import ImportError_

from .importer import ingest_file
from .models import IngestBatch

log = logging.getLogger(__name__)


def _report(batch_id: int):
    def progress(phase: str, fraction: float) -> None:
        IngestBatch.objects.filter(pk=batch_id).update(phase=phase, progress=max(0, min(100, round(fraction * 100))))
    return progress


@task
def run_ingest(batch_id: int) -> str:
    """Import the file stored for batch ``batch_id``; returns the batch's final status."""
    batch = IngestBatch.objects.get(pk=batch_id)
    if batch.finished:
        return batch.status  # a retried task must not import twice
    IngestBatch.objects.filter(pk=batch_id).update(status="running", started_at=timezone.now(),
                                                   phase="Bắt đầu", progress=1)
    batch.refresh_from_db()
    try:
        with local_copy(batch.stored_path) as path:
            ingest_file(path, batch.kind, system=batch.system, user=batch.user,
                        file_name=batch.file_name, batch=batch, progress=_report(batch_id))
    except ImportError_ as exc:
        IngestBatch.objects.filter(pk=batch_id).update(
            status="failed", phase="Có lỗi, không ghi gì", finished_at=timezone.now(),
            errors=[{"row": p.row, "column": p.column, "message": p.message} for p in exc.problems],
            error_count=len(exc.problems),
        )
    except Exception as exc:  # noqa: BLE001 - the page must say something, the log keeps the trace
        log.exception("ingest batch %s failed", batch_id)
        IngestBatch.objects.filter(pk=batch_id).update(
            status="failed", phase="Lỗi hệ thống", finished_at=timezone.now(), error_count=1,
            errors=[{"row": None, "column": None,
                     "message": f"Lỗi hệ thống khi nhập, không ghi gì: {exc.__class__.__name__}"}],
        )
    finally:
        forget_upload(batch.stored_path)
    return IngestBatch.objects.get(pk=batch_id).status


@contextmanager
def local_copy(stored: str) -> Iterator[Path]:
    """A local file with the upload's bytes: DuckDB reads paths, the upload may live in remote storage.

    ``stored`` is a storage name (``ingest-uploads/….csv``); an absolute path of an older batch
    is used as it is.
    """
    if Path(stored).is_absolute():
        yield Path(stored)
        return
    with default_storage.open(stored, "rb") as source, \
            tempfile.NamedTemporaryFile(suffix=Path(stored).suffix, delete=True) as copy:
        shutil.copyfileobj(source, copy, 1024 * 1024)
        copy.flush()
        yield Path(copy.name)


def forget_upload(stored: str) -> None:
    """Remove the uploaded file once imported (or refused): the batch keeps what it found."""
    if Path(stored).is_absolute():
        Path(stored).unlink(missing_ok=True)
    elif stored and default_storage.exists(stored):
        default_storage.delete(stored)
