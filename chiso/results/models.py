"""Stored evaluation results and the revision counter that says whether they are current.

``Revision`` is one row per framework version and period. Every write of a
figure or of a report's status bumps it in the writer's own transaction, so
every process and worker agrees on what is current by reading one integer —
never a clock. ``StoredResult`` keeps one unit's engine result per basis; the
write path flags it ``stale`` and the recompute task (or the reader, when no
worker has run yet) replaces it.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

BASIS_OFFICIAL = "official"
BASIS_PROVISIONAL = "provisional"
BASES = (BASIS_OFFICIAL, BASIS_PROVISIONAL)
BASIS_CHOICES = [
    (BASIS_OFFICIAL, _("Chính thức")),
    (BASIS_PROVISIONAL, _("Tạm tính")),
]


class Revision(models.Model):
    """How many times the inputs of one framework version × period have changed."""

    framework = models.ForeignKey("frameworks.Framework", on_delete=models.CASCADE, related_name="+")
    period = models.CharField(max_length=16)
    number = models.PositiveBigIntegerField(default=0)
    changed_at = models.DateTimeField(auto_now=True)
    # When a recompute task was last queued and not yet begun: one pending task per framework
    # version × period, however many saves mark units stale meanwhile (cleared as the task starts).
    queued_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["framework", "period"], name="revision_unique_period"),
        ]
        verbose_name = _("phiên bản số liệu")
        verbose_name_plural = _("phiên bản số liệu")


class Counter(models.Model):
    """A named change counter (``units``: bumped whenever a unit is saved or deleted)."""

    name = models.CharField(max_length=32, unique=True)
    number = models.PositiveBigIntegerField(default=0)

    class Meta:
        verbose_name = _("bộ đếm thay đổi")
        verbose_name_plural = _("bộ đếm thay đổi")


class StoredResult(models.Model):
    """One unit's evaluation for one framework version, period and basis.

    ``payload`` is the engine's ``UnitResult`` (statuses, values, explanations,
    points) as pickled by the recompute; ``left_out`` names the report status
    that kept the unit's figures out of the official basis ("" when counted).
    """

    framework = models.ForeignKey("frameworks.Framework", on_delete=models.CASCADE, related_name="+")
    period = models.CharField(max_length=16)
    basis = models.CharField(max_length=12, choices=BASIS_CHOICES)
    unit = models.ForeignKey("units.Unit", on_delete=models.CASCADE, related_name="+")
    revision = models.PositiveBigIntegerField()
    stale = models.BooleanField(default=False)
    status = models.CharField(max_length=16)
    left_out = models.CharField(max_length=16, blank=True)
    checksum = models.CharField(max_length=64)
    payload = models.BinaryField()
    computed_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["framework", "period", "basis", "unit"],
                                    name="stored_result_unique_unit"),
        ]
        indexes = [models.Index(fields=["framework", "period", "basis", "revision"])]
        verbose_name = _("kết quả đánh giá đã lưu")
        verbose_name_plural = _("kết quả đánh giá đã lưu")
