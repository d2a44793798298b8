"""Layout helpers: links to pages that may not exist yet, resolved safely."""

from __future__ import annotations

from django import template
from django.urls import NoReverseMatch, reverse
from django.utils.html import format_html

register = template.Library()


def _reverse_or_none(name: str, args: tuple = ()) -> str | None:
    try:
        return reverse(name, args=args or None)
    except NoReverseMatch:
        return None


@register.simple_tag(takes_context=True)
def nav_link(context: template.Context, name: str, label: str, *args: object) -> str:
    """``<li><a>`` to the URL named ``name``; nothing when that URL does not exist (yet).

    The link of the current page (or of a page below it) carries ``aria-current="page"``.
    """
    url = _reverse_or_none(name, tuple(args))
    if url is None:
        return ""
    request = context.get("request")
    path = request.path if request is not None else ""
    current = path == url or (url != "/" and path.startswith(url))
    if current:
        return format_html('<li><a href="{}" aria-current="page">{}</a></li>', url, label)
    return format_html('<li><a href="{}">{}</a></li>', url, label)


@register.simple_tag
def url_or_empty(name: str, *args: object) -> str:
    """The URL named ``name``, or "" when it does not resolve: ``{% url_or_empty 'x' as u %}``."""
    return _reverse_or_none(name, tuple(args)) or ""


@register.simple_tag(takes_context=True)
def login_locks(context: template.Context, username: str = "") -> list:
    """The locks refusing this login (``chiso.web.lockout.current_locks``), for the lockout page."""
    from chiso.web.lockout import current_locks

    request = context.get("request")
    return current_locks(request, username) if request is not None else []


@register.simple_tag
def account_lock(username: str):
    """The lock on an account (``chiso.web.lockout.account_lock``), for the administrator's user page."""
    from chiso.web.lockout import account_lock as lock_of

    return lock_of(username)


@register.simple_tag
def account_history(user) -> list:
    """Administrative actions recorded on an account (``chiso.accounts.lockout_views.account_history``)."""
    from chiso.accounts.lockout_views import account_history as history_of

    return history_of(user)
