"""Who may do what, and where: a role and the unit subtrees a user is scoped to."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

ROLE_ADMIN = "administrator"
ROLE_REVIEWER = "reviewer"
ROLE_REPORTER = "reporter"
ROLE_VIEWER = "viewer"
ROLES: tuple[str, ...] = (ROLE_ADMIN, ROLE_REVIEWER, ROLE_REPORTER, ROLE_VIEWER)

# The role names have a context of their own: the same words name pages too ("Báo cáo": Reporter as
# a role, Reports as a menu item), and a translation table holds one English text per word and context.
ROLE_CHOICES = [
    (ROLE_ADMIN, pgettext_lazy("vai trò", "Quản trị")),
    (ROLE_REVIEWER, pgettext_lazy("vai trò", "Thẩm định")),
    (ROLE_REPORTER, pgettext_lazy("vai trò", "Báo cáo")),
    (ROLE_VIEWER, pgettext_lazy("vai trò", "Theo dõi")),
]


class Profile(models.Model):
    """The role of one user and the roots of the unit subtrees they work on.

    A scope root covers the unit itself and every unit below it (by
    ``Unit.path``), so a district reviewer is given the district once, not each
    commune. Administrators see every unit whatever their scopes.
    """

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="profile",
        verbose_name=_("người dùng"),
    )
    role = models.CharField(_("vai trò"), max_length=16, choices=ROLE_CHOICES, default=ROLE_VIEWER)
    scopes = models.ManyToManyField(
        "units.Unit", blank=True, related_name="scoped_profiles", verbose_name=_("phạm vi đơn vị"),
    )
    phone = models.CharField(_("số điện thoại"), max_length=32, blank=True)
    position = models.CharField(_("chức vụ"), max_length=255, blank=True)
    must_change_password = models.BooleanField(_("phải đổi mật khẩu"), default=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("hồ sơ người dùng")
        verbose_name_plural = _("hồ sơ người dùng")

    def __str__(self) -> str:
        return f"{self.user} ({self.get_role_display()})"
