"""The login backend: Django's ModelBackend, with the user's profile and scope read in the same query."""

from __future__ import annotations

from functools import cache
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.http import HttpRequest

from chiso.sqlrows import Joined, fetch_joined


class ProfileBackend(ModelBackend):
    """Every page needs the user's profile (role, scope, must-change-password): reading it with the
    user saves one query on every request, the deadline day's hundred saves a second included.

    Django's own ``ModelBackend`` stays listed after this one only so that sessions made before it
    was installed stay signed in; a password this backend refuses stops there (no second hash).
    """

    def get_user(self, user_id: Any):
        """The user, its profile and its scope's paths (``accounts.permissions.scope_roots_sql``) in
        one hand-written query (``chiso.sqlrows``): every signed-in request begins here, and the
        ORM's composing of the join cost more than running it."""
        from chiso.accounts.permissions import (
            decode_scope_roots,
            remember_scope_roots,
            scope_roots_sql,
        )

        try:
            user_id = int(user_id)
        except (TypeError, ValueError):
            return None
        if not 0 < user_id < 2**63:  # no such row (and SQLite cannot even bind the number)
            return None
        user_part, profile_part = _parts()
        qn = connection.ops.quote_name
        rows = fetch_joined(
            [user_part, profile_part],
            f"FROM {qn(user_part.model._meta.db_table)} u LEFT OUTER JOIN {qn(profile_part.model._meta.db_table)} p "
            f"ON p.{qn(profile_part.model._meta.get_field('user').column)} = u.id WHERE u.id = %s",
            [user_id], extra=[scope_roots_sql("p.id")])
        if not rows:
            return None
        user, profile, roots = rows[0]
        # As select_related("profile") leaves it: the profile attached, or known to be missing.
        user._meta.get_field("profile").set_cached_value(user, profile)
        if profile is not None:
            profile._meta.get_field("user").set_cached_value(profile, user)
            remember_scope_roots(user, decode_scope_roots(roots))
        return user if self.user_can_authenticate(user) else None

    def authenticate(self, request: HttpRequest | None, username: str | None = None,
                     password: str | None = None, **kwargs: Any):
        user = super().authenticate(request, username=username, password=password, **kwargs)
        if user is None and password is not None and (username or kwargs.get(get_user_model().USERNAME_FIELD)):
            raise PermissionDenied  # the password was checked here; the next backend would hash it again
        return user


@cache
def _parts() -> tuple[Joined, Joined]:
    from chiso.accounts.models import Profile

    return Joined(get_user_model(), "u"), Joined(Profile, "p")
