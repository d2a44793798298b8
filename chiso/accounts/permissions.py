"""The one place that decides what a user may see and change.

Every view, export and API endpoint asks these functions; none filters units
by itself. Outside a user's scope a unit does not exist (404), so its
existence is not revealed; a role that may not use a page at all gets 403.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from functools import wraps
from typing import Any

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.db.models import Q, QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.utils.translation import gettext as _

from chiso.accounts.models import ROLE_ADMIN, ROLE_REPORTER, ROLE_REVIEWER, ROLE_VIEWER, ROLES
from chiso.units.models import Unit, path_prefix_q, path_prefix_sql

__all__ = [
    "ROLE_ADMIN", "ROLE_REVIEWER", "ROLE_REPORTER", "ROLE_VIEWER", "ROLES",
    "role_of", "is_administrator", "scope_paths", "visible_units", "unit_scope_q", "unit_scope_sql",
    "can_view_unit", "can_edit_unit", "can_review_unit", "get_unit_for_user_or_404",
    "role_required", "users_for_unit", "users_in_scope_of",
]

_CACHE_ATTR = "_chiso_scope_paths"


def role_of(user: Any) -> str | None:
    """The user's role; superusers are administrators; None for anonymous or inactive users."""
    if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
        return None
    if user.is_superuser:
        return ROLE_ADMIN
    # RelatedObjectDoesNotExist is an AttributeError, so getattr's default applies.
    profile = getattr(user, "profile", None)
    return profile.role if profile is not None else None


def is_administrator(user: Any) -> bool:
    """True for superusers and users with the administrator role."""
    return role_of(user) == ROLE_ADMIN


def scope_paths(user: Any) -> tuple[str, ...] | None:
    """Materialised paths of the user's scope roots; None means "every unit" (administrators).

    Cached on the user object for the length of a request.
    """
    role = role_of(user)
    if role is None:
        return ()
    if role == ROLE_ADMIN:
        return None
    cached = getattr(user, _CACHE_ATTR, None)
    if cached is None:
        cached = _scope_roots(user.profile)
        setattr(user, _CACHE_ATTR, cached)
    return cached


def unit_scope_q(user: Any, prefix: str = "") -> Q:
    """A filter for any model reaching a unit through ``prefix`` (e.g. ``"unit__"``).

    ``Submission.objects.filter(unit_scope_q(user, "unit__"))`` keeps only rows of
    units the user may see. Anonymous users get a filter that matches nothing.
    """
    paths = scope_paths(user)
    if paths is None:
        return Q()
    if not paths:
        return Q(pk__in=[])
    q = Q()
    for p in paths:
        q |= path_prefix_q(p, f"{prefix}path")
    return q


def unit_scope_sql(user: Any, path_column: str) -> tuple[str, list[str]]:
    """``unit_scope_q`` for hand-written SQL: a condition on ``path_column`` (a unit's ``path``, e.g.
    ``u."path"``) and its parameters. ``("", [])`` for administrators (every unit); a condition that
    matches nothing for users with no scope. The prefix is compared exactly, as
    ``units.models.path_prefix_q`` does."""
    paths = scope_paths(user)
    if paths is None:
        return "", []
    if not paths:
        return "1 = 0", []
    conditions = [path_prefix_sql(path_column, p) for p in paths]
    return "(" + " OR ".join(sql for sql, _ in conditions) + ")", [v for _, params in conditions for v in params]


def _scope_roots(profile: Any) -> tuple[str, ...]:
    """The paths of the profile's scope units, ordered as ``Unit``'s default ordering (by path).

    Hand-written SQL: every page of a reporter asks, and composing the ORM's join cost more than
    running it. A signed-in request usually has them already: ``scope_roots_sql`` reads them with
    the user (``accounts.backends.ProfileBackend``)."""
    path = f"su.{connection.ops.quote_name('path')}"
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {path} {_scope_units_sql('%s')} ORDER BY {path}", [profile.pk])
        return tuple(row[0] for row in cursor.fetchall())


def _scope_units_sql(profile_id: str) -> str:
    """``FROM … WHERE …`` of the units (alias ``su``) in the scope of the profile ``profile_id`` (a
    column such as ``p.id``, or ``%s``)."""
    from chiso.accounts.models import Profile

    qn = connection.ops.quote_name
    through = Profile.scopes.through._meta
    to_unit = through.get_field(Profile.scopes.field.m2m_reverse_field_name()).column
    to_profile = through.get_field(Profile.scopes.field.m2m_field_name()).column
    return (f"FROM {qn(Unit._meta.db_table)} su INNER JOIN {qn(through.db_table)} st "
            f"ON st.{qn(to_unit)} = su.id WHERE st.{qn(to_profile)} = {profile_id}")


def scope_roots_sql(profile_id: str) -> str:
    """An SQL expression: the paths of the scope units of the profile whose id is ``profile_id`` (a
    column such as ``p.id``, or ``%s``), by path, in one string — each path after its length and a
    colon (``decode_scope_roots``), so no character a unit code may hold can split a path in two.

    ``accounts.backends.ProfileBackend`` puts it in the query that reads the user and the profile,
    so a page's scope costs no query of its own."""
    rows = _scope_units_sql(profile_id)
    path = f"su.{connection.ops.quote_name('path')}"
    if connection.vendor == "postgresql":
        return f"(SELECT string_agg(length({path})::text || ':' || {path}, '' ORDER BY {path}) {rows})"
    # SQLite (and others): the paths in order in a subquery; SQLite compares text as bytes, by path.
    return (f"(SELECT group_concat(CAST(length(q.p) AS TEXT) || ':' || q.p, '') "
            f"FROM (SELECT {path} AS p {rows} ORDER BY {path}) q)")


def decode_scope_roots(blob: str | None) -> tuple[str, ...] | None:
    """The paths ``scope_roots_sql`` put in one string, by path; None when the string is not exactly
    such a list of paths (each ``/…/``, the string used up) — the caller then reads them as rows."""
    out: list[str] = []
    at = 0
    while blob and at < len(blob):
        colon = blob.find(":", at)
        if colon < 0 or not blob[at:colon].isdigit():
            return None
        end = colon + 1 + int(blob[at:colon])
        path = blob[colon + 1:end]
        if end > len(blob) or len(path) < 2 or not (path.startswith("/") and path.endswith("/")):
            return None
        out.append(path)
        at = end
    if connection.vendor != "postgresql":
        # SQLite's group_concat keeps no promised order; its ORDER BY compares text as bytes, which
        # for UTF-8 is the order of the characters — Python's.
        out.sort()
    return tuple(out)


def remember_scope_roots(user: Any, paths: tuple[str, ...] | None) -> None:
    """Give ``scope_paths`` the user's scope paths read along with the user (for this request); with
    None (``decode_scope_roots`` could not read them), nothing: ``scope_paths`` reads them itself."""
    if paths is not None:
        setattr(user, _CACHE_ATTR, paths)


def visible_units(user: Any) -> QuerySet[Unit]:
    """Units the user may see: the union of their scope subtrees; all for administrators."""
    paths = scope_paths(user)
    if paths is None:
        return Unit.objects.all()
    if not paths:
        return Unit.objects.none()
    return Unit.objects.filter(unit_scope_q(user))


def _in_scope(user: Any, unit: Unit) -> bool:
    paths = scope_paths(user)
    if paths is None:
        return True
    return any(unit.path.startswith(p) for p in paths)


def can_view_unit(user: Any, unit: Unit) -> bool:
    """Any role may see a unit inside its scope."""
    return role_of(user) in ROLES and _in_scope(user, unit)


def can_edit_unit(user: Any, unit: Unit) -> bool:
    """Reporters (and administrators) may enter data for units in their scope."""
    return role_of(user) in (ROLE_REPORTER, ROLE_ADMIN) and _in_scope(user, unit)


def can_review_unit(user: Any, unit: Unit) -> bool:
    """Reviewers (and administrators) may return or approve work of units in their scope."""
    return role_of(user) in (ROLE_REVIEWER, ROLE_ADMIN) and _in_scope(user, unit)


def get_unit_for_user_or_404(user: Any, code: str) -> Unit:
    """The unit with ``code`` if the user may see it; 404 otherwise (existence is not revealed)."""
    unit = visible_units(user).filter(code=code).first()
    if unit is None:
        raise Http404(_("Không tìm thấy đơn vị %(code)s.") % {"code": code})
    return unit


def role_required(*roles: str) -> Callable[[Callable[..., HttpResponse]], Callable[..., HttpResponse]]:
    """Allow a view only to the given roles (administrators always pass).

    Anonymous users are sent to the login page; any other role gets the 403 page.
    """
    unknown = set(roles) - set(ROLES)
    if unknown:
        raise ValueError(f"Vai trò không có: {sorted(unknown)}")
    allowed = set(roles) | {ROLE_ADMIN}

    def decorator(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
        @wraps(view)
        def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            if role_of(request.user) not in allowed:
                raise PermissionDenied(_("Tài khoản của bạn không có quyền dùng trang này."))
            return view(request, *args, **kwargs)

        wrapped.allowed_roles = tuple(sorted(allowed))  # type: ignore[attr-defined]
        return wrapped

    return decorator


def users_for_unit(unit: Unit, role: str | None = None) -> QuerySet:
    """Active users whose scope covers ``unit`` (e.g. its reporters, to remind them).

    Administrators are not included: they see everything but report for no one.
    """
    from django.contrib.auth import get_user_model

    qs = get_user_model().objects.filter(
        is_active=True, profile__scopes__path__in=_ancestor_paths(unit.path)
    )
    if role:
        qs = qs.filter(profile__role=role)
    return qs.distinct().order_by("username")


def users_in_scope_of(units: Iterable[Unit], role: str | None = None) -> QuerySet:
    """Active users whose scope covers every one of ``units`` (administrators not included)."""
    from django.contrib.auth import get_user_model

    qs = get_user_model().objects.filter(is_active=True)
    for unit in units:
        qs = qs.filter(profile__scopes__path__in=_ancestor_paths(unit.path))
    if role:
        qs = qs.filter(profile__role=role)
    return qs.distinct().order_by("username")


def _ancestor_paths(path: str) -> list[str]:
    """"/AG/PT/X/" → ["/AG/", "/AG/PT/", "/AG/PT/X/"]."""
    parts = [p for p in path.split("/") if p]
    return ["/" + "/".join(parts[: i + 1]) + "/" for i in range(len(parts))]
