"""A safety net for writes that bypass the write path (the admin, fixtures, ``Model.save``).

The write path marks results stale itself and uses bulk statements that send
no signals; a single ``Value`` or ``Submission`` saved or deleted anywhere else
still bumps the revision, so no stored result outlives the figures it was
computed from. (A raw ``QuerySet.update()`` is not seen: use the write path.)
"""

from __future__ import annotations

from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from chiso.assessments.models import Submission, Value
from chiso.units.models import Unit

from .store import bump_counter, mark_stale


@receiver([post_save, post_delete], sender=Value, dispatch_uid="results-value-changed")
def _value_changed(sender, instance: Value, raw: bool = False, **kwargs) -> None:
    if raw:
        return
    mark_stale(instance.framework_id, instance.period, [instance.unit_id])


@receiver([post_save, post_delete], sender=Submission, dispatch_uid="results-submission-changed")
def _submission_changed(sender, instance: Submission, raw: bool = False, **kwargs) -> None:
    if raw:
        return
    from chiso.assessments.models import Round

    rnd = Round.objects.filter(pk=instance.round_id).values_list("framework_id", "period").first()
    if rnd is not None:
        mark_stale(rnd[0], rnd[1], [instance.unit_id])


@receiver([post_save, post_delete], sender=Unit, dispatch_uid="results-unit-changed")
def _unit_changed(sender, instance: Unit, raw: bool = False, **kwargs) -> None:
    # Pages keyed on the units they show (names, levels, parents) read this counter, and each process
    # keeps the units in view until it moves (``chiso.dashboard.data.UNITS``): units loaded from a
    # fixture (``loaddata``, raw) bump it too.
    bump_counter("units")
