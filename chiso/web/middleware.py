"""Vietnamese first: the language comes from the user's explicit choice, never the browser.

Django's LocaleMiddleware follows the browser's Accept-Language, so a civil servant whose
browser happens to be set to English would get English pages. Here only the language cookie
written by the language switch (``set_language``) changes it.
"""

from __future__ import annotations

from django.conf import settings
from django.utils import translation


class ChosenLanguageMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response
        self.supported = {code for code, _ in settings.LANGUAGES}

    def __call__(self, request):
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        language = chosen if chosen in self.supported else settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = language
        response = self.get_response(request)
        response.headers.setdefault("Content-Language", language)
        return response


class MalformedRequestMiddleware:
    """Answer 400 to a request whose path, query string or form fields carry a NUL byte.

    Nothing legitimate sends one, and PostgreSQL refuses NUL in text, so without this a
    search box or API filter given ``%00`` would end as a 500 deep inside a query.
    """

    FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if self._malformed(request):
            from django.core.exceptions import BadRequest
            from django.views.defaults import bad_request

            return bad_request(request, BadRequest("NUL byte in request"))
        return self.get_response(request)

    def _malformed(self, request) -> bool:
        if "\x00" in request.path:
            return True
        if "%00" in request.META.get("QUERY_STRING", "") or _has_nul(request.GET):
            return True
        if request.method == "POST" and request.content_type in self.FORM_TYPES:
            return _has_nul(request.POST)
        return False


def _has_nul(params) -> bool:
    return any("\x00" in key or any("\x00" in v for v in params.getlist(key)) for key in params)


class UploadLimitMiddleware:
    """Refuse an evidence upload larger than EVIDENCE_MAX_BYTES from its Content-Length, with HTTP 413.

    Django's DATA_UPLOAD_MAX_MEMORY_SIZE does not count uploaded files, and the CSRF check parses
    the whole multipart body before any view runs; placed first, this answers before anything
    reads the body. The page checks the size too (data-max-bytes), so this is for pages without
    JavaScript and for scripts.
    """

    SLACK = 256 * 1024  # the form's other fields and multipart boundaries
    LIMITED = {("assessments", "evidence_upload"), ("api", "evidence")}

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.method == "POST" and self._too_large(request):
            from django.shortcuts import render

            if request.path_info.startswith("/api/"):
                from django.http import JsonResponse

                from chiso.engine.numbers import format_number

                mb = format_number(settings.EVIDENCE_MAX_BYTES / (1024 * 1024), decimals=1)
                return JsonResponse({"detail": f"Tệp quá lớn: tối đa {mb} MB mỗi tệp minh chứng."},
                                    status=413, json_dumps_params={"ensure_ascii": False})
            return render(request, "web/too_large.html",
                          {"limit": settings.EVIDENCE_MAX_BYTES}, status=413)
        if request.method == "POST" and request.path_info.startswith("/api/") and self._over_api_limit(request):
            from django.http import JsonResponse

            from chiso.engine.numbers import format_number

            mb = format_number(settings.API_MAX_REQUEST_BYTES / (1024 * 1024), decimals=0)
            return JsonResponse({"detail": f"Yêu cầu quá lớn: API nhận tối đa {mb} MB mỗi yêu cầu; hãy chia "
                                           "tệp thành nhiều phần."},
                                status=413, json_dumps_params={"ensure_ascii": False})
        return self.get_response(request)

    @staticmethod
    def _over_api_limit(request) -> bool:
        """Any API write (values files, pushes) past API_MAX_REQUEST_BYTES, refused before its body is read."""
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            return False
        limit = int(getattr(settings, "API_MAX_REQUEST_BYTES", 0) or 0)
        return bool(limit) and length > limit

    def _too_large(self, request) -> bool:
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            return False
        limit = int(getattr(settings, "EVIDENCE_MAX_BYTES", 0) or 0)
        if not limit or length <= limit + self.SLACK:
            return False
        from django.urls import Resolver404, resolve

        try:
            match = resolve(request.path_info)
        except Resolver404:
            return False
        return (match.namespace, match.url_name) in self.LIMITED


class SessionRefreshMiddleware:
    """Keep a signed-in session alive without writing it on every request.

    Sessions expire after ``SESSION_COOKIE_AGE`` seconds of inactivity. Django's
    ``SESSION_SAVE_EVERY_REQUEST`` renews that by writing the session row on every page —
    a database write (and, on SQLite, the database's single write lock) for every read.
    Here the session is renewed at most every ``SESSION_REFRESH_SECONDS`` (5 minutes), so
    the inactivity limit is kept to within those minutes and reads stay reads.
    """

    KEY = "_refreshed_at"

    def __init__(self, get_response):
        self.get_response = get_response
        self.every = int(getattr(settings, "SESSION_REFRESH_SECONDS", 300))

    def __call__(self, request):
        response = self.get_response(request)
        session = getattr(request, "session", None)
        if session is not None and session.session_key and not session.is_empty():
            import time

            now = int(time.time())
            if now - int(session.get(self.KEY, 0) or 0) >= self.every:
                session[self.KEY] = now  # modified: SessionMiddleware saves it and renews its expiry
        return response
