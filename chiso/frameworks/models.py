"""Frameworks (bộ chỉ tiêu) stored as the YAML they were loaded from.

A framework version is never edited in place once it has values: a new
version is loaded beside it. ``spec()`` turns the stored document into the
engine's plain dataclasses.
"""

from __future__ import annotations

from functools import lru_cache

from django.db import models
from django.utils.translation import gettext_lazy as _

from chiso.engine.model import Framework as FrameworkSpec


class FrameworkQuerySet(models.QuerySet):
    def latest_of(self, code: str) -> Framework:
        """The newest loaded version of ``code`` ("code@version" picks one version)."""
        if "@" in code:
            code, version = code.split("@", 1)
            return self.get(code=code, version=version)
        found = self.filter(code=code).order_by("-effective_from", "-loaded_at").first()
        if found is None:
            raise Framework.DoesNotExist(f"Không có bộ chỉ tiêu mã {code!r}")
        return found


class Framework(models.Model):
    code = models.CharField(_("mã"), max_length=64)
    version = models.CharField(_("phiên bản"), max_length=32)
    title = models.CharField(_("tên"), max_length=500)
    kind = models.CharField(_("loại"), max_length=16, default="criteria")
    legal_number = models.CharField(_("số hiệu văn bản"), max_length=100, blank=True)
    legal_date = models.DateField(_("ngày ban hành"), null=True, blank=True)
    issuer = models.CharField(_("cơ quan ban hành"), max_length=255, blank=True)
    effective_from = models.DateField(_("hiệu lực từ"), null=True, blank=True)
    effective_to = models.DateField(_("hiệu lực đến"), null=True, blank=True)
    document = models.JSONField(_("nội dung"))
    source_yaml = models.TextField(_("tệp YAML"))
    source_name = models.CharField(max_length=255, blank=True)
    checksum = models.CharField(max_length=64)
    loaded_at = models.DateTimeField(auto_now=True)

    objects = FrameworkQuerySet.as_manager()

    class Meta:
        unique_together = [("code", "version")]
        ordering = ["code", "-effective_from"]
        verbose_name = _("bộ chỉ tiêu")
        verbose_name_plural = _("bộ chỉ tiêu")

    def __str__(self) -> str:
        return f"{self.code} ({self.version}) — {self.title}"

    def spec(self) -> FrameworkSpec:
        return _spec_from_document(self.checksum, self.source_yaml, self.source_name)


@lru_cache(maxsize=64)
def _spec_from_document(checksum: str, source_yaml: str, source_name: str) -> FrameworkSpec:
    from chiso.frameworks.loader import parse_framework_text

    return parse_framework_text(source_yaml, source_name or "framework.yaml")
