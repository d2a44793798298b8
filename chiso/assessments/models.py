"""Reported values, keyed by framework version, unit, period and element."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

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
    # Who changed what and when, old → new (shown on the submission page).
    history = HistoricalRecords()

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


# ---------------------------------------------------------------------------
# Rounds, submissions and their workflow (issue 3, part B).
#
# Values stay in ``Value`` keyed by (framework, unit, period, element) so the
# CLI import, computed values and the web form share them; a ``Submission`` is
# only the workflow wrapper around one unit's values in one round.
# ---------------------------------------------------------------------------

STATUS_DRAFT = "draft"
STATUS_SUBMITTED = "submitted"
STATUS_RETURNED = "returned"
STATUS_APPROVED = "approved"

SUBMISSION_STATUS_CHOICES = [
    (STATUS_DRAFT, _("Đang nhập")),
    (STATUS_SUBMITTED, _("Đã nộp, chờ thẩm định")),
    (STATUS_RETURNED, _("Bị trả lại, cần sửa")),
    (STATUS_APPROVED, _("Đã duyệt")),
]
# Reporters may change values only in these states; submitted work waits for
# the reviewer and approved work is locked until an administrator reopens it.
EDITABLE_STATUSES = (STATUS_DRAFT, STATUS_RETURNED)
OPEN_STATUSES = (STATUS_DRAFT, STATUS_RETURNED)


class RoundQuerySet(models.QuerySet):
    def open(self) -> RoundQuerySet:
        return self.filter(closed_at__isnull=True)


class Round(models.Model):
    """An assessment round: one framework version × one period × a set of units, with a deadline.

    The foreign key points at one stored framework *version* (versions are never
    edited in place once they have values), and ``framework_checksum`` records
    which document the round was opened on, so a later reload is detectable.
    """

    framework = models.ForeignKey(
        "frameworks.Framework", on_delete=models.PROTECT, related_name="rounds",
        verbose_name=_("bộ chỉ tiêu"),
    )
    framework_checksum = models.CharField(max_length=64, editable=False, default="")
    period = models.CharField(_("kỳ"), max_length=16)
    title = models.CharField(_("tên đợt"), max_length=255, blank=True)
    deadline = models.DateField(_("hạn nộp"))
    root_unit = models.ForeignKey(
        "units.Unit", null=True, blank=True, on_delete=models.PROTECT, related_name="+",
        verbose_name=_("đơn vị gốc"),
    )
    level = models.CharField(_("cấp"), max_length=16, blank=True)
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+",
        verbose_name=_("người mở"),
    )
    opened_at = models.DateTimeField(_("mở lúc"), auto_now_add=True)
    closed_at = models.DateTimeField(_("đóng lúc"), null=True, blank=True)

    objects = RoundQuerySet.as_manager()

    class Meta:
        ordering = ["-opened_at"]
        verbose_name = _("đợt đánh giá")
        verbose_name_plural = _("đợt đánh giá")

    def __str__(self) -> str:
        return self.title or f"{self.framework.code} {self.period}"

    @property
    def is_open(self) -> bool:
        return self.closed_at is None


class SubmissionQuerySet(models.QuerySet):
    def visible_to(self, user) -> SubmissionQuerySet:
        """Submissions of units inside the user's scope (none for anonymous users)."""
        from chiso.accounts.permissions import unit_scope_q

        return self.filter(unit_scope_q(user, "unit__"))

    def open(self) -> SubmissionQuerySet:
        return self.filter(round__closed_at__isnull=True)


class Submission(models.Model):
    """One unit's report in one round; carries the workflow status and an edit ``version``.

    ``version`` is bumped by every save and transition with an
    ``UPDATE … WHERE version = n`` (optimistic locking), so two people editing
    the same submission never silently overwrite each other.
    """

    round = models.ForeignKey(Round, on_delete=models.CASCADE, related_name="submissions")
    unit = models.ForeignKey("units.Unit", on_delete=models.PROTECT, related_name="submissions")
    status = models.CharField(
        _("trạng thái"), max_length=16, choices=SUBMISSION_STATUS_CHOICES, default=STATUS_DRAFT,
    )
    version = models.PositiveIntegerField(default=1)
    updated_at = models.DateTimeField(_("cập nhật lúc"), auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
    )
    # What the last save changed, for the message shown to someone whose save is refused.
    last_changes = models.JSONField(default=list, blank=True)
    submitted_at = models.DateTimeField(null=True, blank=True)
    approved_at = models.DateTimeField(null=True, blank=True)

    objects = SubmissionQuerySet.as_manager()

    class Meta:
        ordering = ["round", "unit__path"]
        constraints = [
            models.UniqueConstraint(fields=["round", "unit"], name="submission_unique_unit"),
        ]
        verbose_name = _("báo cáo của đơn vị")
        verbose_name_plural = _("báo cáo của đơn vị")

    def __str__(self) -> str:
        return f"{self.round} — {self.unit}"

    @property
    def framework(self):
        return self.round.framework

    @property
    def period(self) -> str:
        return self.round.period

    @property
    def is_editable(self) -> bool:
        return self.status in EDITABLE_STATUSES and self.round.is_open

    def values(self) -> models.QuerySet:
        """The ``Value`` rows this submission wraps."""
        return Value.objects.filter(
            framework_id=self.round.framework_id, unit_id=self.unit_id, period=self.round.period
        )


class SubmissionEvent(models.Model):
    """One status change of a submission: who, when, from, to, and the comment or reason."""

    submission = models.ForeignKey(Submission, on_delete=models.CASCADE, related_name="events")
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+",
    )
    at = models.DateTimeField(auto_now_add=True)
    from_status = models.CharField(max_length=16, blank=True)
    to_status = models.CharField(max_length=16)
    comment = models.TextField(blank=True)

    class Meta:
        ordering = ["at", "pk"]
        verbose_name = _("sự kiện")
        verbose_name_plural = _("sự kiện")


class ReviewComment(models.Model):
    """A reviewer's comment on one indicator (code "" = the whole submission)."""

    submission = models.ForeignKey(Submission, on_delete=models.CASCADE, related_name="comments")
    event = models.ForeignKey(
        SubmissionEvent, null=True, blank=True, on_delete=models.SET_NULL, related_name="comments",
    )
    indicator = models.CharField(_("chỉ tiêu"), max_length=64, blank=True)
    text = models.TextField(_("nhận xét"))
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "pk"]
        verbose_name = _("nhận xét thẩm định")
        verbose_name_plural = _("nhận xét thẩm định")


def _evidence_path(instance: Evidence, filename: str) -> str:
    return f"evidence/{instance.submission.round_id}/{instance.submission.unit_id}/{filename}"


class Evidence(models.Model):
    """A file proving a reported figure; stored under MEDIA_ROOT, served only through a view.

    ``content_type`` comes from the file's content (magic bytes / zip structure),
    never from its name; ``sha256`` lets anyone check the file was not altered.
    """

    submission = models.ForeignKey(Submission, on_delete=models.CASCADE, related_name="evidence")
    indicator = models.CharField(_("chỉ tiêu"), max_length=64, blank=True)
    file = models.FileField(upload_to=_evidence_path, max_length=500)
    original_name = models.CharField(_("tên tệp"), max_length=255)
    content_type = models.CharField(max_length=100)
    size = models.PositiveBigIntegerField()
    sha256 = models.CharField(max_length=64)
    description = models.CharField(_("mô tả"), max_length=255, blank=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+",
    )
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["indicator", "uploaded_at"]
        verbose_name = _("minh chứng")
        verbose_name_plural = _("minh chứng")

    def __str__(self) -> str:
        return self.original_name


class Reminder(models.Model):
    """A reminder sent for a submission on a day; at most one per submission per day."""

    submission = models.ForeignKey(Submission, on_delete=models.CASCADE, related_name="reminders")
    sent_on = models.DateField()
    sent_at = models.DateTimeField(auto_now_add=True)
    recipients = models.TextField(blank=True)
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
    )

    class Meta:
        ordering = ["-sent_at"]
        constraints = [
            models.UniqueConstraint(fields=["submission", "sent_on"], name="reminder_once_a_day"),
        ]
        verbose_name = _("nhắc nhở")
        verbose_name_plural = _("nhắc nhở")
