"""Imports of operational records (one-stop dossiers, documents) and what the database keeps of them.

The records themselves are a Parquet dataset (``chiso.ingest.dataset``), not rows here: the
database keeps each import (``IngestBatch``), which import's files are current in each
partition (``DatasetPart``), and the per-unit, per-month counts the metrics read
(``DossierMonth``, ``DocumentMonth``). A record is identified by its id in the source system
(``system`` + ``dossier_id``), which is what makes re-importing the same or a corrected
export safe; every record remembers the batch that last changed it.
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


def _flow(name: str) -> models.BigIntegerField:
    return models.BigIntegerField(name, default=0)


def _later_flow(name: str) -> models.BigIntegerField:
    """A flow added after installations had summaries: NULL in the months counted before it
    existed (a migration cannot count them: the records are in the dataset files, not the
    database) until ``chiso dataset_check`` or the system's next import recounts them."""
    return models.BigIntegerField(name, null=True, blank=True)


class DatasetPart(models.Model):
    """One partition of the records dataset and the import whose Parquet files are current in it.

    The files live under ``MEDIA_ROOT/datasets`` (``chiso.ingest.dataset``); this row is what
    makes them official: an import's files count only once the transaction that wrote this
    row has committed. One row per source, system, year and (local) month.
    """

    kind = models.CharField(max_length=16, choices=KIND_CHOICES)
    system = models.CharField(max_length=64)
    year = models.PositiveSmallIntegerField()
    month = models.PositiveSmallIntegerField()
    batch = models.ForeignKey(IngestBatch, on_delete=models.PROTECT, related_name="parts")
    rows = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["kind", "system", "year", "month"],
                                               name="dataset_part_unique")]
        verbose_name = _("phân vùng dữ liệu nghiệp vụ")
        verbose_name_plural = _("phân vùng dữ liệu nghiệp vụ")

    def __str__(self) -> str:
        return f"{self.kind}/{self.system}/{self.year}-{self.month:02d} (#{self.batch_id})"


class DossierMonth(models.Model):
    """Dossier flows of one unit, system and local month: what every dossier metric is built from.

    Counted by ``chiso.ingest.dataset.DOSSIER_MONTHLY_SQL`` from the dataset after each
    import. Received-month flows (``received`` … ``received_commune``) count dossiers by the
    month they were received, resolved-month flows (``resolved`` … ``resolved_commune``) by
    the month they were resolved. Stocks are not stored: the opening stock of a month is the
    running sum of (received − ineligible − resolved) over the months before it, so any
    whole-month period is exact (``chiso.ingest.metrics``).

    The flows by service level (``received_full_online`` … ``resolved_offline``, added on
    02/12/2026) are NULL in rows counted before they existed, until recounted from the
    dataset (``chiso dataset_check``, or the system's next import); the metrics treat such
    a month's figures by service level as missing, never 0.
    """

    system = models.CharField(max_length=64)
    unit = models.ForeignKey("units.Unit", on_delete=models.PROTECT, related_name="+", db_index=False)
    month = models.CharField(max_length=7)  # YYYY-MM, local
    received = _flow("received")
    ineligible = _flow("ineligible")
    online_eligible = _flow("online_eligible")
    online = _flow("online")
    digitized = _flow("digitized")
    payment_known = _flow("payment_known")
    paid_online = _flow("paid_online")
    reuse_known = _flow("reuse_known")
    reused_digitised = _flow("reused_digitised")
    received_province = _flow("received_province")
    received_district = _flow("received_district")
    received_commune = _flow("received_commune")
    received_full_online = _later_flow("received_full_online")
    received_partial_online = _later_flow("received_partial_online")
    received_offline = _later_flow("received_offline")
    resolved = _flow("resolved")
    resolved_on_time = _flow("resolved_on_time")
    e_result = _flow("e_result")
    publication_known = _flow("publication_known")
    published_on_time = _flow("published_on_time")
    satisfaction_rated = _flow("satisfaction_rated")
    satisfaction_sum = _flow("satisfaction_sum")
    satisfied = _flow("satisfied")
    resolved_province = _flow("resolved_province")
    resolved_district = _flow("resolved_district")
    resolved_commune = _flow("resolved_commune")
    resolved_full_online = _later_flow("resolved_full_online")
    resolved_partial_online = _later_flow("resolved_partial_online")
    resolved_offline = _later_flow("resolved_offline")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["system", "unit", "month"], name="dossier_month_unique")]
        indexes = [models.Index(fields=["unit", "month"], name="dossier_month_unit")]
        verbose_name = _("tổng hợp hồ sơ theo tháng")
        verbose_name_plural = _("tổng hợp hồ sơ theo tháng")


class DocumentMonth(models.Model):
    """Document counts of one unit, system and local month (``DOCUMENT_MONTHLY_SQL``)."""

    system = models.CharField(max_length=64)
    unit = models.ForeignKey("units.Unit", on_delete=models.PROTECT, related_name="+", db_index=False)
    month = models.CharField(max_length=7)
    outgoing = _flow("outgoing")
    outgoing_electronic = _flow("outgoing_electronic")
    outgoing_signed = _flow("outgoing_signed")
    incoming = _flow("incoming")
    incoming_electronic = _flow("incoming_electronic")
    incoming_signed = _flow("incoming_signed")
    secret = _flow("secret")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["system", "unit", "month"], name="document_month_unique")]
        indexes = [models.Index(fields=["unit", "month"], name="document_month_unit")]
        verbose_name = _("tổng hợp văn bản theo tháng")
        verbose_name_plural = _("tổng hợp văn bản theo tháng")
