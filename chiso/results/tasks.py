"""The recompute task: queued by the write path after each commit that changes figures."""

from __future__ import annotations

from django.tasks import task

from chiso.frameworks.models import Framework

from .store import refresh, release_queue


@task
def recompute_results(framework_id: int, period: str) -> int:
    """Recompute the stale results of one framework version and period; safe to run twice."""
    release_queue(framework_id, period)  # before reading what is stale: a later write queues again
    framework = Framework.objects.filter(pk=framework_id).first()
    if framework is None:
        return 0
    return refresh(framework, period)
