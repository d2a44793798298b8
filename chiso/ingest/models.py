"""Records imported from operational systems (one-stop dossiers, documents).

Each export is read by ``chiso.ingest.importer`` and written in bulk; every
record remembers the batch (import) that last changed it, so a computed
indicator can say which imports it came from. A record is identified by its
id in the source system (``system`` + ``dossier_id``), which is what makes
re-importing the same or a corrected export safe.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

KIND_CHOICES = [("dossiers", _("hồ sơ thủ tục hành chính")), ("documents", _("văn bản"))]
BATCH_STATUS_CHOICES = [
    ("queued", _("đang chờ")),
    ("running", _("đang xử lý")),
    ("done", _("hoàn tất")),
    ("failed", _("có lỗi, không ghi gì")),
]
SERVICE_LEVEL_CHOICES = [
    ("full_online", _("toàn trình")),
    ("partial_online", _("một phần")),
    ("offline", _("trực tiếp")),
]
CHANNEL_CHOICES = [("online", _("trực tuyến")), ("in_person", _("trực tiếp")), ("postal", _("bưu chính"))]
DOSSIER_STATUS_CHOICES = [
    ("received", _("đang xử lý")),
    ("resolved", _("đã giải quyết")),
    ("rejected", _("không đủ điều kiện / từ chối")),
    ("withdrawn", _("rút hồ sơ")),
]
OFFICE_LEVEL_CHOICES = [
    ("province", _("cấp tỉnh")),
    ("district", _("cấp huyện (trước 01/7/2025)")),
    ("commune", _("cấp xã")),
]
DIRECTION_CHOICES = [("outgoing", _("văn bản đi")), ("incoming", _("văn bản đến"))]
DEFAULT_SYSTEM = "main"


class IngestBatch(models.Model):
    """One import of one export file: who, when, what changed and what went wrong.

    ``progress`` (0–100) and ``phase`` are updated while the import runs so the
    upload page can show them; ``errors`` holds every problem (row, column,
    message) when the import was refused.
    """

    kind = models.CharField(_("loại dữ liệu"), max_length=16, choices=KIND_CHOICES)
    system = models.CharField(_("hệ thống nguồn"), max_length=64, default=DEFAULT_SYSTEM)
    file_name = models.CharField(_("tên tệp"), max_length=255)
    stored_path = models.CharField(max_length=500, blank=True)
    checksum = models.CharField(max_length=64, blank=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    status = models.CharField(_("trạng thái"), max_length=16, choices=BATCH_STATUS_CHOICES, default="queued")
    phase = models.CharField(_("bước"), max_length=100, blank=True)
    progress = models.PositiveSmallIntegerField(_("tiến độ (%)"), default=0)
    rows = models.PositiveIntegerField(_("số dòng"), default=0)
    created = models.PositiveIntegerField(_("thêm mới"), default=0)
    updated = models.PositiveIntegerField(_("cập nhật"), default=0)
    unchanged = models.PositiveIntegerField(_("không đổi"), default=0)
    deleted = models.PositiveIntegerField(_("đã xoá"), default=0)
    errors = models.JSONField(_("lỗi"), default=list, blank=True)
    error_count = models.PositiveIntegerField(default=0)
    options = models.JSONField(default=dict, blank=True)
    started_at = models.DateTimeField(_("bắt đầu"), null=True, blank=True)
    finished_at = models.DateTimeField(_("kết thúc"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("lần nhập dữ liệu nghiệp vụ")
        verbose_name_plural = _("lần nhập dữ liệu nghiệp vụ")

    def __str__(self) -> str:
        return f"#{self.pk} {self.kind} {self.file_name}"

    @property
    def finished(self) -> bool:
        return self.status in ("done", "failed")


class DossierRecord(models.Model):
    """One administrative-procedure dossier (hồ sơ TTHC) as the one-stop system exported it.

    Times are stored as instants (UTC); naive times in exports are local
    (Asia/Ho_Chi_Minh). ``e_result``/``digitized`` are null when the export left
    them blank (counted as "no"). The 2026 fields (``paid_online`` …
    ``office_level``) are null when the export has no such column or left the
    cell blank: unknown, counted neither as yes nor as no (never 0).
    """

    system = models.CharField(_("hệ thống nguồn"), max_length=64, default=DEFAULT_SYSTEM)
    dossier_id = models.CharField(_("mã hồ sơ"), max_length=128)
    unit = models.ForeignKey("units.Unit", on_delete=models.PROTECT, related_name="+", db_index=False)
    procedure = models.CharField(_("thủ tục"), max_length=255, blank=True)
    service_level = models.CharField(_("mức độ"), max_length=16, choices=SERVICE_LEVEL_CHOICES)
    channel = models.CharField(_("kênh nộp"), max_length=16, choices=CHANNEL_CHOICES)
    received_at = models.DateTimeField(_("ngày tiếp nhận"))
    due_at = models.DateTimeField(_("ngày hẹn trả"), null=True, blank=True)
    resolved_at = models.DateTimeField(_("ngày có kết quả"), null=True, blank=True)
    status = models.CharField(_("trạng thái"), max_length=16, choices=DOSSIER_STATUS_CHOICES)
    e_result = models.BooleanField(_("kết quả điện tử"), null=True)
    digitized = models.BooleanField(_("số hoá"), null=True)
    paid_online = models.BooleanField(_("thanh toán trực tuyến"), null=True)
    published_on_time = models.BooleanField(_("công khai kết quả đúng hạn"), null=True)
    satisfaction = models.PositiveSmallIntegerField(_("mức độ hài lòng (1–5)"), null=True, blank=True)
    reused_digitised = models.BooleanField(_("tái sử dụng dữ liệu số hoá"), null=True)
    office_level = models.CharField(_("cấp của cơ quan tiếp nhận"), max_length=16, null=True, blank=True,
                                    choices=OFFICE_LEVEL_CHOICES)
    batch = models.ForeignKey(IngestBatch, on_delete=models.PROTECT, related_name="+", db_index=False)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["system", "dossier_id"], name="dossier_unique_per_system")
        ]
        indexes = [
            models.Index(fields=["unit", "received_at"], name="dossier_unit_received"),
            models.Index(fields=["unit", "resolved_at"], name="dossier_unit_resolved"),
        ]
        verbose_name = _("hồ sơ TTHC")
        verbose_name_plural = _("hồ sơ TTHC")

    def __str__(self) -> str:
        return self.dossier_id


class DocumentRecord(models.Model):
    """One document (văn bản) sent or received, as the document system exported it."""

    system = models.CharField(_("hệ thống nguồn"), max_length=64, default=DEFAULT_SYSTEM)
    document_id = models.CharField(_("mã văn bản"), max_length=128)
    unit = models.ForeignKey("units.Unit", on_delete=models.PROTECT, related_name="+", db_index=False)
    direction = models.CharField(_("loại"), max_length=16, choices=DIRECTION_CHOICES)
    date = models.DateTimeField(_("ngày"))
    electronic = models.BooleanField(_("điện tử"), null=True)
    signed = models.BooleanField(_("ký số"), null=True)
    secret = models.BooleanField(_("văn bản mật"), null=True)
    batch = models.ForeignKey(IngestBatch, on_delete=models.PROTECT, related_name="+", db_index=False)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["system", "document_id"], name="document_unique_per_system")
        ]
        indexes = [models.Index(fields=["unit", "date"], name="document_unit_date")]
        verbose_name = _("văn bản")
        verbose_name_plural = _("văn bản")

    def __str__(self) -> str:
        return self.document_id
