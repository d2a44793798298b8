"""With a worker's queue, the recompute a write queues begins a moment later and stores every unit
saved meanwhile in one run; pages show the new figures at once all the same."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal
from fractions import Fraction

import pytest
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from chiso.assessments.tests.workflow_world import *  # noqa: F403 (fixtures)
from chiso.assessments.tests.workflow_world import VALID_COMMUNE_VALUES, put_values
from chiso.assessments.writes import CellWrite, write_values
from chiso.results import reader
from chiso.results.models import Revision, StoredResult
from chiso.results.store import recompute
from chiso.units.models import unit_infos

DATABASE_QUEUE = {"default": {"BACKEND": "django_tasks_db.backend.DatabaseBackend"}}


@pytest.fixture
def stored(world, own_submission, test_framework):
    """Both communes with figures and their results stored; no task waiting."""
    put_values(own_submission, VALID_COMMUNE_VALUES)
    recompute(test_framework, "2025", unit_infos([world.commune_a, world.commune_b]))
    Revision.objects.update(queued_at=None)
    return test_framework


def queued_tasks():
    return list(DBTaskResult.objects.filter(task_path__endswith="recompute_results").order_by("enqueued_at"))


def write(world, framework, unit, number: int) -> None:
    write_values(framework, [CellWrite(unit.pk, "2025", "3.numerator", number=Decimal(number))], world.reporter)


def test_saves_meanwhile_share_one_delayed_run(world, stored, settings):
    settings.TASKS = DATABASE_QUEUE
    settings.RESULTS_RECOMPUTE_DELAY = 2
    before = timezone.now()
    write(world, stored, world.commune_a, 4)
    write(world, stored, world.commune_b, 5)
    write(world, stored, world.commune_a, 6)
    tasks = queued_tasks()
    assert len(tasks) == 1  # one waiting task for the framework × period, not one per save
    assert before + timedelta(seconds=2) <= tasks[0].run_after <= timezone.now() + timedelta(seconds=2)
    stale = StoredResult.objects.filter(framework=stored, period="2025", stale=True)
    assert set(stale.values_list("unit__code", flat=True)) == {world.commune_a.code, world.commune_b.code}

    # Not due yet: a worker passing now does not take it (the queue's own "ready" rule); the page
    # evaluates the two units itself meanwhile.
    assert not DBTaskResult.objects.ready().exists()
    figures = reader.figures(stored, "2025", unit_infos([world.commune_a]), basis="provisional")
    assert figures.evaluation.results[0].indicator("3").value == Fraction(6, 100)

    # Due: one run (what the worker calls) stores both units.
    DBTaskResult.objects.update(run_after=timezone.now() - timedelta(seconds=1))
    (due,) = DBTaskResult.objects.ready()
    assert due.task.call(*due.args_kwargs["args"], **due.args_kwargs["kwargs"]) == 2
    assert not stale.exists()


def test_no_delay_queues_the_task_at_once(world, stored, settings):
    settings.TASKS = DATABASE_QUEUE
    settings.RESULTS_RECOMPUTE_DELAY = 0
    write(world, stored, world.commune_a, 4)
    assert [t.pk for t in DBTaskResult.objects.ready()] == [t.pk for t in queued_tasks()] != []
