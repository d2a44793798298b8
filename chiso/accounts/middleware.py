"""Send a user with a temporary password (set by an administrator) to change it first."""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse


class PasswordChangeRequiredMiddleware:
    """Until ``Profile.must_change_password`` is cleared, every page leads to the password form.

    A temporary password was read out by someone else, so it must not stay in
    use; logout, the language switch and static files stay reachable.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            profile = getattr(user, "profile", None)
            if profile is not None and profile.must_change_password:
                target = reverse("accounts:password_change")
                allowed = (target, reverse("logout"), "/i18n/", settings.STATIC_URL)
                if not request.path.startswith(allowed):
                    return redirect(target)
        return self.get_response(request)
