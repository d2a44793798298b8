"""Who is calling the API: a personal token (``Authorization: Bearer cs_…``) or the browser session.

A token acts as its user, with that user's role and scope and nothing more;
every use records when and from which address. A revoked or expired token,
or one whose account is locked, is refused with 401 and a Vietnamese reason,
never silently treated as anonymous.
"""

from __future__ import annotations

import logging
from typing import Any

from django.http import HttpRequest
from django.utils import timezone
from ninja.errors import HttpError
from ninja.security import HttpBearer
from ninja.security.session import SessionAuth

from chiso.engine.numbers import format_date
from chiso.web.lockout import client_ip

from .models import ApiToken, hash_token
from .ratelimit import count_request

log = logging.getLogger("chiso.api")


class TokenAuth(HttpBearer):
    """``Authorization: Bearer <token>``: the token's user, or 401 with the reason."""

    def authenticate(self, request: HttpRequest, token: str) -> Any:
        token = token.strip()
        row = (ApiToken.objects.select_related("user", "user__profile")
               .filter(digest=hash_token(token)).first()) if token else None
        if row is None:
            raise HttpError(401, "Mã truy cập API không đúng.")
        if row.revoked_at is not None:
            raise HttpError(401, f"Mã truy cập API {row.shown} đã bị thu hồi lúc "
                                 f"{timezone.localtime(row.revoked_at).strftime('%H:%M %d/%m/%Y')}.")
        if row.is_expired():
            raise HttpError(401, f"Mã truy cập API {row.shown} đã hết hạn sau ngày {format_date(row.expires)}.")
        if not row.user.is_active:
            raise HttpError(401, "Tài khoản của mã truy cập API này đã bị khóa.")
        count_request(row)  # 429 with Retry-After beyond API_RATE_LIMIT_PER_MINUTE (sessions are not limited)
        ip = client_ip(request)
        ApiToken.objects.filter(pk=row.pk).update(last_used_at=timezone.now(), last_used_ip=ip or None)
        if request.method not in ("GET", "HEAD", "OPTIONS"):
            # Every write a machine makes, with the token that made it (LOG_LEVEL=INFO shows it).
            log.info("API %s %s: %s qua mã %s (%s) từ %s", request.method, request.get_full_path(),
                     row.user.get_username(), row.shown, row.label or "-", ip or "?")
        request.api_token = row  # type: ignore[attr-defined]
        request.user = row.user
        return row.user


class BrowserSession(SessionAuth):
    """The browser's session cookie (CSRF-checked); a caller without the cookie gets 401, not a CSRF 403."""

    def _get_key(self, request: HttpRequest) -> str | None:
        if not request.COOKIES.get(self.param_name):
            return None
        return super()._get_key(request)


token_auth = TokenAuth()
session_auth = BrowserSession()
# The token first: a request that carries one is judged by it alone (no CSRF check applies then).
AUTH = [token_auth, session_auth]
