"""A PDF export running as a background task: LibreOffice may take minutes, a request must not."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

JOB_STATUS_CHOICES = [
    ("queued", _("Đang chờ")),
    ("running", _("Đang tạo tệp")),
    ("done", _("Xong")),
    ("failed", _("Không tạo được")),
]


class ReportJob(models.Model):
    """One requested report file: its parameters (the export form's), its state, then the file.

    The file is kept through Django's storage API, so the worker that makes it
    and the web process that serves it need not be the same machine. Only the
    user who asked may see or download it.
    """

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    params = models.JSONField(default=dict)
    status = models.CharField(max_length=16, choices=JOB_STATUS_CHOICES, default="queued")
    message = models.TextField(blank=True)
    file = models.FileField(upload_to="report-jobs/", blank=True, max_length=500)
    filename = models.CharField(max_length=255, blank=True)
    content_type = models.CharField(max_length=100, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("yêu cầu xuất báo cáo")
        verbose_name_plural = _("yêu cầu xuất báo cáo")

    @property
    def finished(self) -> bool:
        return self.status in ("done", "failed")
