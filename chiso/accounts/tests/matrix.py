"""The authorization matrix: every URL × role × own/other unit, and the status it must give.

Add your app's URLs without editing this file: create
``chiso/<app>/tests/authz_routes.py`` defining ``ROUTES = [Route(...), ...]``
(import ``Route`` and ``expect`` from here). Once an app has that module, the
matrix test also checks that every URL name of the app's namespace appears in it.

Actors (users of the canonical world in ``chiso/conftest.py``):

============== ======================================================================
anonymous      not logged in (login-protected pages answer 302 to the login page)
administrator  role administrator, sees every unit
reviewer       reviewer of the district AG-PT: own = communes AG-PT-PL/AG-PT-PT, other = AG-STTTT
reporter       reporter of commune AG-PT-PL: own = AG-PT-PL, other = AG-PT-PT or AG-STTTT
viewer         viewer of the province AG: sees every AG unit, not KG
outsider       reporter of KG-SNV (another province): sees nothing of AG
============== ======================================================================

"Own" and "other" are spelled out by writing one ``Route`` per target unit
(``label="đơn vị mình"`` / ``"đơn vị khác"``); outside a user's scope a unit-level
URL must answer 404 (existence not revealed), a page the role may not use 403.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

ACTORS: tuple[str, ...] = ("anonymous", "administrator", "reviewer", "reporter", "viewer", "outsider")


def actor_user(world: Any, actor: str) -> Any:
    """The world's user playing ``actor`` (None for anonymous)."""
    return {
        "anonymous": None,
        "administrator": world.admin,
        "reviewer": world.reviewer,
        "reporter": world.reporter,
        "viewer": world.viewer,
        "outsider": world.outsider,
    }[actor]


def expect(default: int = 403, anonymous: int = 302, **codes: int) -> dict[str, int]:
    """Expected status per actor: ``default`` for logged-in actors not named, 302 for anonymous."""
    unknown = set(codes) - set(ACTORS)
    if unknown:
        raise ValueError(f"unknown actors {sorted(unknown)}")
    out = {actor: default for actor in ACTORS}
    out["anonymous"] = anonymous
    out.update(codes)
    return out


@dataclass(frozen=True)
class Route:
    """One URL to try with every actor.

    ``args(world)`` builds the reverse() arguments and may create the objects it
    needs (a submission of the own unit…): it runs inside the test, on a fresh
    database. ``data(world)`` is the POST body. ``expect`` maps actor → status.
    """

    name: str
    expect: Mapping[str, int]
    args: Callable[[Any], tuple] = field(default=lambda world: ())
    method: str = "get"
    data: Callable[[Any], dict] | None = None
    label: str = ""

    @property
    def id(self) -> str:
        return f"{self.method.upper()} {self.name}" + (f" [{self.label}]" if self.label else "")


def _framework_pk(world: Any) -> tuple:
    from chiso.accounts.tests.helpers import bundled_framework

    return (bundled_framework("ag-cqdt-2021").pk,)


def _users_file():
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile("tai-khoan.csv", "username,name,role,units\nxa.moi,Cán bộ xã,reporter,AG-PT-PL\n"
                              .encode())


ALL_LOGGED_IN = expect(default=200)
ADMIN_PAGE = expect(administrator=200)
ADMIN_POST = expect(administrator=302)

ROUTES: list[Route] = [
    Route("home", ALL_LOGGED_IN),
    Route("accounts:password_change", ALL_LOGGED_IN),
    Route("accounts:user_list", ADMIN_PAGE),
    Route("accounts:user_create", ADMIN_PAGE),
    Route("accounts:user_import", ADMIN_PAGE),
    Route("accounts:user_import", ADMIN_PAGE, method="post", data=lambda w: {"file": _users_file()}),
    Route("accounts:user_edit", ADMIN_PAGE, args=lambda w: (w.reporter.pk,), label="người dùng của đơn vị"),
    Route("accounts:user_edit", ADMIN_PAGE, args=lambda w: (w.outsider.pk,), label="người dùng tỉnh khác"),
    Route("accounts:user_password_reset", ADMIN_PAGE, args=lambda w: (w.reporter.pk,)),
    Route("accounts:user_password_reset", ADMIN_POST | {"administrator": 200}, method="post",
          args=lambda w: (w.reporter.pk,)),
    Route("accounts:user_set_active", ADMIN_POST, method="post",
          args=lambda w: (w.outsider.pk,), data=lambda w: {"active": "0"}),
    Route("user_unlock_login", ADMIN_POST, method="post", args=lambda w: (w.reporter.pk,)),
    Route("accounts:unit_tree", ADMIN_PAGE),
    Route("accounts:unit_create", ADMIN_PAGE),
    Route("accounts:unit_import", ADMIN_PAGE),
    Route("accounts:unit_edit", ADMIN_PAGE, args=lambda w: (w.commune_a.code,), label="đơn vị mình"),
    Route("accounts:unit_edit", ADMIN_PAGE, args=lambda w: (w.other_unit.code,), label="đơn vị khác"),
    Route("accounts:unit_set_active", ADMIN_POST, method="post",
          args=lambda w: (w.commune_b.code,), data=lambda w: {"active": "0"}),
    Route("accounts:framework_list", ADMIN_PAGE),
    Route("accounts:framework_upload", ADMIN_PAGE),
    Route("accounts:framework_detail", ADMIN_PAGE, args=_framework_pk),
]

# Apps whose tests/authz_routes.py (if present) adds routes to the matrix.
ROUTE_MODULE_APPS: tuple[str, ...] = (
    "accounts", "web", "units", "frameworks", "assessments", "ingest", "dashboard", "reports", "api",
)

# URL names that are deliberately public or outside the matrix, with why.
EXEMPT: dict[str, str] = {
    "login": "public: the login page",
    "logout": "POST only, ends one's own session",
    "set_language": "public: Django's language switch",
    "health": "public: liveness for load balancers, no data (chiso/ops/tests/test_health.py)",
}


def collect_routes() -> tuple[list[Route], list[str]]:
    """Every route of the matrix, and the apps that contributed an ``authz_routes`` module."""
    routes = list(ROUTES)
    apps: list[str] = []
    for app in ROUTE_MODULE_APPS:
        try:
            module = importlib.import_module(f"chiso.{app}.tests.authz_routes")
        except ModuleNotFoundError as e:
            if e.name != f"chiso.{app}.tests.authz_routes":
                raise
            continue
        routes.extend(module.ROUTES)
        apps.append(app)
    return routes, apps
