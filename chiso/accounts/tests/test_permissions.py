"""Roles and scope: who sees and changes which units."""

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.test import RequestFactory

from chiso.accounts.models import ROLE_REPORTER, Profile
from chiso.accounts.permissions import (
    ROLE_ADMIN,
    ROLE_REVIEWER,
    ROLE_VIEWER,
    can_edit_unit,
    can_review_unit,
    can_view_unit,
    get_unit_for_user_or_404,
    is_administrator,
    role_of,
    role_required,
    unit_scope_q,
    users_for_unit,
    visible_units,
)
from chiso.units.models import Unit

pytestmark = pytest.mark.django_db


def codes(qs):
    return sorted(qs.values_list("code", flat=True))


def test_a_district_reviewer_sees_the_district_and_its_communes_only(world):
    assert codes(visible_units(world.reviewer)) == ["AG-PT", "AG-PT-PL", "AG-PT-PT"]


def test_a_province_scope_covers_every_unit_of_the_province_but_not_another(world):
    assert codes(visible_units(world.viewer)) == [
        "AG", "AG-PT", "AG-PT-PL", "AG-PT-PT", "AG-SNV", "AG-STTTT"
    ]


def test_a_commune_reporter_sees_only_their_commune(world):
    assert codes(visible_units(world.reporter)) == ["AG-PT-PL"]


def test_scopes_are_a_union_of_subtrees(world):
    world.reviewer.profile.scopes.add(world.agency_b)
    user = get_user_model().objects.get(pk=world.reviewer.pk)  # fresh: scope cache is per object
    assert codes(visible_units(user)) == ["AG-PT", "AG-PT-PL", "AG-PT-PT", "AG-SNV"]


def test_a_code_prefix_is_not_a_subtree(world):
    # "AG-PT" must not cover a sibling whose code merely starts with it.
    Unit.objects.create(code="AG-PTX", name="Huyện khác", level="district", parent=world.province)
    assert "AG-PTX" not in codes(visible_units(world.reviewer))


def test_administrators_and_superusers_see_every_unit(world):
    boss = get_user_model().objects.create_superuser("boss", "boss@example.gov.vn", "x" * 12)
    assert role_of(boss) == ROLE_ADMIN and is_administrator(boss)
    assert role_of(world.admin) == ROLE_ADMIN
    assert visible_units(boss).count() == Unit.objects.count() == 8
    assert visible_units(world.admin).count() == 8
    assert can_edit_unit(world.admin, world.other_unit)
    assert can_review_unit(boss, world.commune_b)


def test_anonymous_inactive_and_profileless_users_see_nothing(world):
    anon = AnonymousUser()
    assert role_of(anon) is None
    assert visible_units(anon).count() == 0
    assert not can_view_unit(anon, world.commune_a)
    bare = get_user_model().objects.create_user("bare", password="x" * 12)
    assert role_of(bare) is None and visible_units(bare).count() == 0
    world.reporter.is_active = False
    assert role_of(world.reporter) is None
    assert not can_view_unit(world.reporter, world.commune_a)


def test_roles_decide_edit_and_review_within_scope(world):
    pl, pm, stttt = world.commune_a, world.commune_b, world.agency_a
    assert can_edit_unit(world.reporter, pl)
    assert not can_edit_unit(world.reporter, pm)
    assert not can_review_unit(world.reporter, pl)
    assert can_review_unit(world.reviewer, pl) and can_review_unit(world.reviewer, pm)
    assert not can_review_unit(world.reviewer, stttt)
    assert not can_edit_unit(world.reviewer, pl)
    assert can_view_unit(world.viewer, stttt)
    assert not can_edit_unit(world.viewer, stttt) and not can_review_unit(world.viewer, stttt)
    assert not can_view_unit(world.outsider, pl)
    assert can_edit_unit(world.outsider, world.other_unit)


def test_a_unit_outside_scope_is_a_404_not_a_403(world):
    assert get_unit_for_user_or_404(world.reporter, "AG-PT-PL") == world.commune_a
    with pytest.raises(Http404):
        get_unit_for_user_or_404(world.reporter, "AG-PT-PT")
    with pytest.raises(Http404):
        get_unit_for_user_or_404(world.outsider, "AG")
    with pytest.raises(Http404):
        get_unit_for_user_or_404(world.admin, "KHONG-CO")


def test_unit_scope_q_filters_related_rows(world):
    from chiso.accounts.models import Profile as P

    # Profiles whose scope roots lie within the reviewer's scope: the reviewer and three reporters.
    rows = P.objects.filter(unit_scope_q(world.reviewer, "scopes__")).distinct()
    assert sorted(p.user.username for p in rows) == [
        "rep_ag_pt", "rep_ag_pt_pl", "rep_ag_pt_pt", "reviewer"
    ]
    assert P.objects.filter(unit_scope_q(world.admin, "scopes__")).exists()
    assert not P.objects.filter(unit_scope_q(AnonymousUser(), "scopes__")).exists()


def test_users_for_unit_finds_reporters_and_reviewers_covering_it(world):
    # A scope is a subtree: the district's reporter covers its communes too.
    assert [u.username for u in users_for_unit(world.commune_a, ROLE_REPORTER)] == [
        "rep_ag_pt", "rep_ag_pt_pl"
    ]
    assert [u.username for u in users_for_unit(world.commune_a, ROLE_REVIEWER)] == [
        "reviewer", "reviewer_tinh"
    ]
    assert [u.username for u in users_for_unit(world.agency_a, ROLE_VIEWER)] == ["viewer"]


def test_role_required_sends_anonymous_to_login_and_refuses_other_roles(world):
    @role_required(ROLE_REVIEWER)
    def view(request):
        return HttpResponse("ok")

    rf = RequestFactory()
    req = rf.get("/x/")
    req.user = AnonymousUser()
    resp = view(req)
    assert resp.status_code == 302 and "/dang-nhap/?next=/x/" in resp["Location"]
    req.user = world.reporter
    with pytest.raises(PermissionDenied):
        view(req)
    for user in (world.reviewer, world.admin):
        req.user = user
        assert view(req).content == b"ok"


def test_role_required_rejects_unknown_roles():
    with pytest.raises(ValueError):
        role_required("boss")


def test_profile_str_names_the_role(world):
    assert str(Profile.objects.get(user=world.reporter)) == "rep_ag_pt_pl (Báo cáo)"


def test_users_in_scope_of_needs_every_unit_covered(world):
    from chiso.accounts.permissions import users_in_scope_of

    both = users_in_scope_of([world.commune_a, world.commune_b], role=ROLE_REPORTER)
    assert [u.username for u in both] == ["rep_ag_pt"]
    assert [u.username for u in users_in_scope_of([world.agency_a])] == [
        "rep_ag_stttt", "reviewer_tinh", "viewer"
    ]
