"""The current user's role, for navigation and home-page choices in templates."""

from __future__ import annotations

from dataclasses import dataclass

from django.http import HttpRequest

from chiso.accounts.models import (
    ROLE_ADMIN,
    ROLE_CHOICES,
    ROLE_REPORTER,
    ROLE_REVIEWER,
    ROLE_VIEWER,
)
from chiso.accounts.permissions import role_of


@dataclass(frozen=True)
class RoleInfo:
    name: str | None

    @property
    def label(self) -> str:
        return str(dict(ROLE_CHOICES).get(self.name, "")) if self.name else ""

    @property
    def is_admin(self) -> bool:
        return self.name == ROLE_ADMIN

    @property
    def is_reviewer(self) -> bool:
        return self.name == ROLE_REVIEWER

    @property
    def is_reporter(self) -> bool:
        return self.name == ROLE_REPORTER

    @property
    def is_viewer(self) -> bool:
        return self.name == ROLE_VIEWER


def role(request: HttpRequest) -> dict[str, RoleInfo]:
    """``chiso_role`` in every template: ``{% if chiso_role.is_admin %}``."""
    user = getattr(request, "user", None)
    return {"chiso_role": RoleInfo(role_of(user))}
