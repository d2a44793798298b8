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
