"""Personal API tokens: a machine acts as one person, with that person's role and scope.

Only a SHA-256 hash of the secret is stored; the first characters (``prefix``)
are kept in clear so a token can be found and named ("cs_Ab12…") without the
secret. A token is shown once, when it is created, and then never again.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import date
from typing import Any

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

TOKEN_PREFIX = "cs_"
PREFIX_LENGTH = 8  # characters of the secret kept in clear (after "cs_"), for lookup


def hash_token(raw: str) -> str:
    """The stored form of a token: its SHA-256 in hex (tokens are long random strings, no salt needed)."""
    return hashlib.sha256(raw.encode("utf-8")).hexdigest()


class ApiTokenQuerySet(models.QuerySet):
    def usable(self, today: date | None = None) -> ApiTokenQuerySet:
        """Tokens neither revoked nor expired."""
        today = today or timezone.localdate()
        return self.filter(revoked_at__isnull=True).filter(
            models.Q(expires__isnull=True) | models.Q(expires__gte=today))


class ApiToken(models.Model):
    """One personal API token of one user (``Authorization: Bearer cs_…``)."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens")
    label = models.CharField(_("tên gợi nhớ"), max_length=100, blank=True)
    prefix = models.CharField(max_length=16, db_index=True)
    digest = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(_("tạo lúc"), default=timezone.now)
    expires = models.DateField(_("hết hạn ngày"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("thu hồi lúc"), null=True, blank=True)
    revoked_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")
    last_used_at = models.DateTimeField(_("dùng lần cuối lúc"), null=True, blank=True)
    last_used_ip = models.GenericIPAddressField(_("dùng lần cuối từ"), null=True, blank=True)

    objects = ApiTokenQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("mã truy cập API")
        verbose_name_plural = _("mã truy cập API")

    def __str__(self) -> str:
        return f"{self.shown} ({self.user})"

    @property
    def shown(self) -> str:
        """How the token is named once created: its visible beginning, never the secret."""
        return f"{self.prefix}…"

    def is_expired(self, today: date | None = None) -> bool:
        return self.expires is not None and self.expires < (today or timezone.localdate())

    @property
    def is_usable(self) -> bool:
        return self.revoked_at is None and not self.is_expired()

    @classmethod
    def issue(cls, user: Any, label: str = "", expires: date | None = None) -> tuple[ApiToken, str]:
        """Create a token for ``user``; returns it and the secret, which is never stored."""
        raw = TOKEN_PREFIX + secrets.token_urlsafe(32)
        token = cls.objects.create(user=user, label=label.strip(), expires=expires,
                                   prefix=raw[: len(TOKEN_PREFIX) + PREFIX_LENGTH], digest=hash_token(raw))
        return token, raw

    def revoke(self, by: Any = None) -> None:
        """Stop the token from working (kept for the record of its use)."""
        if self.revoked_at is None:
            self.revoked_at = timezone.now()
            self.revoked_by = by
            self.save(update_fields=["revoked_at", "revoked_by"])


class ApiRateWindow(models.Model):
    """How many requests one token made in one fixed minute (``window_start``, second 0).

    Kept in the database, not in a process's memory, so the limit holds across every gunicorn
    worker: each request is one ``UPDATE … SET count = count + 1`` on its token's row of the minute.
    """

    token = models.ForeignKey(ApiToken, on_delete=models.CASCADE, related_name="rate_windows")
    window_start = models.DateTimeField()
    count = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["token", "window_start"], name="api_rate_window_once")]
        verbose_name = _("lượt gọi API trong một phút")
        verbose_name_plural = _("lượt gọi API trong một phút")

    def __str__(self) -> str:
        return f"{self.token.shown} {self.window_start:%H:%M}: {self.count}"


class PushReceipt(models.Model):
    """One push received from another Chỉ Số instance (``chiso push``) that changed figures here.

    A push that changes nothing (the same data again) leaves no receipt: re-pushing is a no-op.
    ``payload_hash`` is the SHA-256 of the canonical content (framework, period, basis, every unit's
    code, verdict and figures — not the send time), computed here, so equal data has an equal hash.
    """

    framework = models.ForeignKey("frameworks.Framework", on_delete=models.PROTECT, related_name="+")
    period = models.CharField(_("kỳ"), max_length=16)
    basis = models.CharField(_("cơ sở số liệu bên gửi"), max_length=12)
    instance = models.CharField(_("hệ thống gửi"), max_length=200)
    sender_framework_version = models.CharField(max_length=32, blank=True)
    pushed_at = models.DateTimeField(_("gửi lúc"))
    received_at = models.DateTimeField(_("nhận lúc"), default=timezone.now)
    payload_hash = models.CharField(max_length=64)
    mapping_file = models.CharField(max_length=255, blank=True)
    received_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    token = models.ForeignKey(ApiToken, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    units = models.PositiveIntegerField(default=0)
    counts = models.JSONField(default=dict)
    summary = models.JSONField(default=dict)  # the sender's summary (tally_to_dict), as sent

    class Meta:
        ordering = ["-received_at", "-pk"]
        permissions = [("receive_push", _("Nhận số liệu gửi lên từ hệ thống Chỉ Số khác"))]
        verbose_name = _("lần nhận số liệu")
        verbose_name_plural = _("lần nhận số liệu")

    def __str__(self) -> str:
        return f"{self.instance} {self.framework_id} {self.period} {self.received_at:%d/%m/%Y %H:%M}"


class PushedUnit(models.Model):
    """Where one unit's figures of one framework and period came from: the latest push that set them."""

    framework = models.ForeignKey("frameworks.Framework", on_delete=models.PROTECT, related_name="+")
    period = models.CharField(_("kỳ"), max_length=16)
    unit = models.ForeignKey("units.Unit", on_delete=models.PROTECT, related_name="+")
    receipt = models.ForeignKey(PushReceipt, on_delete=models.PROTECT, related_name="pushed_units")
    sender_code = models.CharField(_("mã đơn vị bên gửi"), max_length=64)
    sender_name = models.CharField(max_length=255, blank=True)
    unit_hash = models.CharField(max_length=64)
    status = models.CharField(max_length=16)  # the sender's verdict: complete | incomplete | not_reported
    met = models.PositiveIntegerField(default=0)
    applicable = models.PositiveIntegerField(default=0)
    cells = models.PositiveIntegerField(default=0)  # figures sent for the unit

    class Meta:
        constraints = [models.UniqueConstraint(fields=["framework", "period", "unit"], name="pushed_unit_once")]
        verbose_name = _("nguồn số liệu của đơn vị")
        verbose_name_plural = _("nguồn số liệu của đơn vị")

    def __str__(self) -> str:
        return f"{self.unit_id} {self.period} ← {self.sender_code}"
