"""The login backend: Django's ModelBackend, with the user's profile read in the same query."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest


class ProfileBackend(ModelBackend):
    """Every page needs the user's profile (role, scope, must-change-password): reading it with the
    user saves one query on every request, the deadline day's hundred saves a second included.

    Django's own ``ModelBackend`` stays listed after this one only so that sessions made before it
    was installed stay signed in; a password this backend refuses stops there (no second hash).
    """

    def get_user(self, user_id: Any):
        model = get_user_model()
        try:
            user = model._default_manager.select_related("profile").get(pk=user_id)
        except model.DoesNotExist:
            return None
        return user if self.user_can_authenticate(user) else None

    def authenticate(self, request: HttpRequest | None, username: str | None = None,
                     password: str | None = None, **kwargs: Any):
        user = super().authenticate(request, username=username, password=password, **kwargs)
        if user is None and password is not None and (username or kwargs.get(get_user_model().USERNAME_FIELD)):
            raise PermissionDenied  # the password was checked here; the next backend would hash it again
        return user
