"""Reported values, keyed by framework version, unit, period and element."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

SOURCE_CHOICES = [
    ("manual", _("nhập tay")),
    ("import", _("nhập từ tệp")),
    ("computed", _("tính từ dữ liệu nghiệp vụ")),
    ("override", _("điều chỉnh có lý do")),
]


class Value(models.Model):
    """One input element (``2.numerator``, ``5.value``) of one unit for one period.

    Counts and numbers are kept in ``number`` (yes/no as 1/0); narratives in ``text``.
    ``provenance`` says where a value came from (file and row, or metric and import).
    """

    framework = models.ForeignKey("frameworks.Framework", on_delete=models.PROTECT, related_name="values")
    unit = models.ForeignKey("units.Unit", on_delete=models.PROTECT, related_name="values")
    period = models.CharField(_("kỳ"), max_length=16, db_index=True)
    element = models.CharField(_("phần tử"), max_length=64)
    number = models.DecimalField(max_digits=24, decimal_places=6, null=True, blank=True)
    text = models.TextField(blank=True)
    comment = models.TextField(_("ghi chú"), blank=True)
    source = models.CharField(max_length=16, choices=SOURCE_CHOICES, default="manual")
    provenance = models.JSONField(default=dict, blank=True)
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["framework", "unit", "period", "element"], name="value_unique_element"
            )
        ]
        indexes = [models.Index(fields=["framework", "period"])]
        verbose_name = _("số liệu")
        verbose_name_plural = _("số liệu")

    def __str__(self) -> str:
        return f"{self.unit_id} {self.period} {self.element}"
