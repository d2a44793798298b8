"""Shared pytest fixtures: the canonical small world (ARCHITECTURE.md convention 6).

    AG   Tỉnh An Giang (province, the province as a whole)
    ├── AG-STTTT  Sở Thông tin và Truyền thông   (province-level agency)
    ├── AG-SNV    Sở Nội vụ                       (province-level agency)
    └── AG-PT     UBND huyện Phú Tân              (district)
        ├── AG-PT-PL  UBND xã Phú Lâm             (commune, lowland)
        └── AG-PT-PT  UBND thị trấn Phú Mỹ        (commune, mountain)
    KG   Tỉnh Kiên Giang (another province: the outsider's)
    └── KG-SNV    Sở Nội vụ Kiên Giang

Users (password ``WORLD_PASSWORD`` for all):
    admin      administrator role (not superuser), sees everything
    reviewer   reviewer scoped to the district AG-PT (Phòng VH-TT reviews its communes)
    reviewer_tinh  reviewer scoped to the province AG (Sở TTTT reviews everyone)
    viewer     viewer scoped to the province AG (a leader)
    rep_<code> one reporter per unit of AG except the province itself, scoped to that unit
               (``world.reporter`` is the reporter of commune AG-PT-PL)
    outsider   reporter of KG-SNV: sees nothing of An Giang

Log in with ``client.force_login`` (django-axes needs a request for ``client.login``).
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field

import pytest
from django.contrib.auth import get_user_model
from django.test import Client

from chiso.accounts.models import ROLE_ADMIN, ROLE_REPORTER, ROLE_REVIEWER, ROLE_VIEWER, Profile
from chiso.units.models import Unit

# Playwright's sync API runs an event loop in the test thread; Django must allow ORM calls there.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

WORLD_PASSWORD = "Chiso-Kiem-Thu-2025"


@dataclass
class World:
    province: Unit
    agency_a: Unit
    agency_b: Unit
    district: Unit
    commune_a: Unit
    commune_b: Unit
    other_province: Unit
    other_unit: Unit
    admin: object
    reviewer: object
    reviewer_tinh: object
    viewer: object
    outsider: object
    reporters: dict[str, object] = field(default_factory=dict)  # unit code → user
    password: str = WORLD_PASSWORD

    @property
    def reporter(self):
        """The reporter of commune AG-PT-PL (the usual 'own unit' actor)."""
        return self.reporters[self.commune_a.code]

    @property
    def units(self) -> list[Unit]:
        return [self.province, self.agency_a, self.agency_b, self.district,
                self.commune_a, self.commune_b]


def make_user(username: str, role: str | None, scopes=(), **extra):
    """A user with a profile of ``role`` scoped to ``scopes`` (units)."""
    user = get_user_model().objects.create_user(
        username=username, password=WORLD_PASSWORD, email=f"{username}@example.gov.vn", **extra
    )
    if role is not None:
        profile = Profile.objects.create(user=user, role=role)
        profile.scopes.set(scopes)
    return user


def build_world() -> World:
    """Create the canonical units and users; returns them by name."""
    def unit(code, name, level, kind, parent=None, **attributes):
        return Unit.objects.create(code=code, name=name, level=level, kind=kind,
                                   parent=parent, attributes=attributes)

    ag = unit("AG", "Tỉnh An Giang", "province", "Tỉnh")
    stttt = unit("AG-STTTT", "Sở Thông tin và Truyền thông", "province", "Sở", ag)
    snv = unit("AG-SNV", "Sở Nội vụ", "province", "Sở", ag)
    pt = unit("AG-PT", "UBND huyện Phú Tân", "district", "UBND huyện", ag)
    pl = unit("AG-PT-PL", "UBND xã Phú Lâm", "commune", "UBND xã", pt, terrain="lowland")
    pm = unit("AG-PT-PT", "UBND thị trấn Phú Mỹ", "commune", "UBND thị trấn", pt, terrain="mountain")
    kg = unit("KG", "Tỉnh Kiên Giang", "province", "Tỉnh")
    kg_snv = unit("KG-SNV", "Sở Nội vụ Kiên Giang", "province", "Sở", kg)

    reporters = {
        u.code: make_user("rep_" + u.code.lower().replace("-", "_"), ROLE_REPORTER, [u],
                          first_name=f"Cán bộ {u.name}")
        for u in (stttt, snv, pt, pl, pm)
    }
    return World(
        province=ag, agency_a=stttt, agency_b=snv, district=pt, commune_a=pl, commune_b=pm,
        other_province=kg, other_unit=kg_snv,
        admin=make_user("admin", ROLE_ADMIN, first_name="Quản trị viên"),
        reviewer=make_user("reviewer", ROLE_REVIEWER, [pt], first_name="Phòng Văn hóa – Thông tin"),
        reviewer_tinh=make_user("reviewer_tinh", ROLE_REVIEWER, [ag], first_name="Chuyên viên Sở TTTT"),
        viewer=make_user("viewer", ROLE_VIEWER, [ag], first_name="Lãnh đạo UBND tỉnh"),
        outsider=make_user("outsider", ROLE_REPORTER, [kg_snv], first_name="Người ngoài"),
        reporters=reporters,
    )


@pytest.fixture(autouse=True)
def default_language():
    """Each test starts in the site's language: a request with the English cookie activates
    English in the test thread, and that must not leak into the next test's messages."""
    from django.conf import settings
    from django.utils import translation

    with translation.override(settings.LANGUAGE_CODE):
        yield


@pytest.fixture
def browser():
    """Debian's headless Chromium for one browser test (``chiso.web.tests.browser``)."""
    from chiso.web.tests.browser import chromium

    with chromium() as b:
        yield b


@pytest.fixture
def world(db) -> World:
    """The canonical small world (units + users), fresh for each test."""
    return build_world()


def client_for(user) -> Client:
    """A test client logged in as ``user`` (``None``: anonymous)."""
    c = Client()
    if user is not None:
        c.force_login(user)
    return c


@pytest.fixture
def administrator_client(world) -> Client:
    return client_for(world.admin)


@pytest.fixture
def reviewer_client(world) -> Client:
    return client_for(world.reviewer)


@pytest.fixture
def reporter_client(world) -> Client:
    """Logged in as the reporter of commune AG-PT-PL."""
    return client_for(world.reporter)


@pytest.fixture
def viewer_client(world) -> Client:
    return client_for(world.viewer)


@pytest.fixture
def outsider_client(world) -> Client:
    return client_for(world.outsider)


@pytest.fixture
def anonymous_client(db) -> Client:
    return Client()


@pytest.fixture(autouse=True)
def fresh_results_memory():
    """Each test starts with no unpickled results kept in this process: the database is rolled
    back between tests and may reuse ids, so what was kept for one test is not the next's."""
    from chiso.results import reader

    reader.forget()
    yield
    reader.forget()


@pytest.fixture(autouse=True)
def own_dataset_root(tmp_path_factory, settings):
    """Each test writes the records dataset (chiso.ingest.dataset) into its own directory: the
    database is rolled back between tests, files are not, and test runs share var/test-media
    (each parallel worker its own var/test-media-gwN)."""
    settings.CHISO_DATASET_ROOT = str(tmp_path_factory.mktemp("datasets"))
