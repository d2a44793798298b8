"""A page evaluating units while a write commits never leaves those figures in the memory of the
newer revision (found by a second review: an evaluation without the revision lock takes time)."""

from __future__ import annotations

from decimal import Decimal

import pytest

from chiso.assessments.evaluation import figures_for
from chiso.assessments.tests.workflow_world import *  # noqa: F403 (fixtures)
from chiso.assessments.tests.workflow_world import VALID_COMMUNE_VALUES, put_values
from chiso.assessments.writes import CellWrite, write_values
from chiso.results import reader, store
from chiso.results.models import Revision


def _commune_b(figures, world):
    return next(r for r in figures.evaluation.results if r.unit.code == world.commune_b.code)


@pytest.mark.parametrize("page_basis,other_basis", [("provisional", "provisional"), ("official", "provisional")])
def test_figures_read_before_a_write_are_not_kept_for_the_revision_after_it(
        world, own_submission, other_submission, test_framework, monkeypatch, page_basis, other_basis):
    reader.forget()
    put_values(own_submission, VALID_COMMUNE_VALUES)  # noqa: F405
    put_values(other_submission, VALID_COMMUNE_VALUES)  # noqa: F405
    write_values(test_framework, [CellWrite(world.commune_a.pk, "2025", "2.value", number=Decimal(1))])
    for basis in ("provisional", "official"):
        figures_for(test_framework, "2025", basis=basis)  # everything stored
    # A write flags commune B; its recompute task is queued (this test's transaction never commits).
    write_values(test_framework, [CellWrite(world.commune_b.pk, "2025", "3.numerator", number=Decimal(10))])
    evaluate_only, second_write = store.evaluate_only, []

    def evaluate_while_a_write_commits(framework, period, infos):
        out = evaluate_only(framework, period, infos)  # B's figures as they were at revision R
        if not second_write:
            second_write.append(True)
            write_values(test_framework, [CellWrite(world.commune_b.pk, "2025", "3.numerator", number=Decimal(90))])
            # Meanwhile another thread of this process has read revision R + 1.
            if other_basis == page_basis:
                newer = Revision.objects.get(framework=test_framework, period="2025").number
                reader._current(test_framework, "2025", other_basis, newer, [], True)
            else:
                figures_for(test_framework, "2025", basis=other_basis)
        return out

    monkeypatch.setattr(store, "evaluate_only", evaluate_while_a_write_commits)
    figures_for(test_framework, "2025", basis=page_basis)
    shown = _commune_b(figures_for(test_framework, "2025", basis=other_basis), world)
    reader.forget()
    truth = _commune_b(figures_for(test_framework, "2025", basis=other_basis), world)
    assert shown == truth  # 90 / 100 and its verdict, not 10 / 100
    assert "90" in truth.indicator("3").explanation
