"""The deadline-day save and round opening read and write with hand-written SQL (composing the ORM's
queries cost more than running them). These tests pin each one to what the ORM gives or writes."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from django.http import Http404
from django.utils import timezone
from simple_history.utils import get_history_manager_for_model

from chiso.accounts.permissions import _scope_roots
from chiso.assessments.models import Submission, Value
from chiso.assessments.tests.workflow_world import *  # noqa: F403 (fixtures)
from chiso.assessments.views import _submission_or_404
from chiso.assessments.workflow import _candidate_units, round_unit_ids, round_units, save_values
from chiso.assessments.writes import CellWrite, write_values
from chiso.conftest import make_user
from chiso.results.models import Revision
from chiso.results.store import bump_revision
from chiso.units.models import Unit

FIELDS = {
    "sub": [f.attname for f in Submission._meta.concrete_fields],
    "unit": [f.attname for f in Unit._meta.concrete_fields],
}


def test_the_submission_page_join_gives_what_select_related_gives(world, own_submission):
    put_values(own_submission, {"1.numerator": Decimal(3)})  # noqa: F405
    Submission.objects.filter(pk=own_submission.pk).update(updated_by=world.reporter, last_changes=[{"a": "b"}])
    orm = (Submission.objects.select_related("round__framework", "unit__parent", "updated_by")
           .get(pk=own_submission.pk))
    sub = _submission_or_404(world.reporter, own_submission.pk)
    for name in FIELDS["sub"]:
        assert getattr(sub, name) == getattr(orm, name), name
    assert sub.last_changes == [{"a": "b"}]  # JSON decoded, as the ORM does
    assert sub.updated_at == orm.updated_at and sub.updated_at.tzinfo is not None
    for name in FIELDS["unit"]:
        assert getattr(sub.unit, name) == getattr(orm.unit, name), name
        assert getattr(sub.unit.parent, name) == getattr(orm.unit.parent, name), name
    assert sub.unit.attributes == {"terrain": "lowland"}
    assert (sub.round.deadline, sub.round.period, sub.round.closed_at) == (
        orm.round.deadline, orm.round.period, orm.round.closed_at)
    assert sub.updated_by.username == world.reporter.username
    # The framework arrives without its JSON document; its spec (from the YAML) is the same.
    assert "document" not in sub.round.framework.__dict__
    assert sub.framework.spec() is orm.framework.spec()
    # Read without a query: everything the page uses is attached.
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        assert (sub.round.framework.code, sub.unit.parent.code, sub.updated_by.pk) == (
            "web-thu-nghiem", "AG-PT", world.reporter.pk)
    assert len(queries) == 0


def test_the_submission_page_join_keeps_the_scope(world, own_submission, other_submission):
    assert _submission_or_404(world.reviewer, own_submission.pk).pk == own_submission.pk  # district AG-PT
    assert _submission_or_404(world.viewer, own_submission.pk).pk == own_submission.pk  # province AG
    assert _submission_or_404(world.admin, own_submission.pk).pk == own_submission.pk  # everything
    with pytest.raises(Http404):
        _submission_or_404(world.reporter, other_submission.pk)  # a sibling commune
    with pytest.raises(Http404):
        _submission_or_404(world.outsider, own_submission.pk)  # another province
    no_scope = make_user("no_scope", "reporter")
    with pytest.raises(Http404):
        _submission_or_404(no_scope, own_submission.pk)
    # A unit whose code merely starts like the scope's ("AG-PT" and "AG-PTX") is not inside it.
    look_alike = Unit.objects.create(code="AG-PTX", name="Xã khác", level="commune", kind="UBND xã",
                                     parent=world.province)
    assert not look_alike.path.startswith(world.district.path)
    assert _scope_roots(world.reviewer.profile) == (world.district.path,)
    assert _scope_roots(world.viewer.profile) == tuple(Unit.objects.filter(code="AG").values_list("path", flat=True))
    with pytest.raises(Http404):
        _submission_or_404(world.reviewer, 10**9)  # no such report


def test_the_page_join_gives_the_engine_the_unit_the_database_gives(world, own_submission, commune_round):
    """``evaluate_submission`` takes the unit from the page's join (no query); it must be the
    engine's view ``unit_infos`` reads — for a commune (a parent, no children) and for the
    province (no parent, children)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from chiso.assessments.workflow import evaluate_submission
    from chiso.units.models import unit_infos

    root = Submission.objects.create(round=commune_round, unit=world.province)
    for pk in (own_submission.pk, root.pk):
        sub = _submission_or_404(world.admin, pk)
        with CaptureQueriesContext(connection) as queries:
            result = evaluate_submission(sub, rows=[])
        assert not [q for q in queries if "units_unit" in q["sql"]]  # the unit is not read again
        assert result.unit == unit_infos(Unit.objects.filter(pk=sub.unit_id))[0]
    assert result.unit.parent_code is None and result.unit.has_children
    assert evaluate_submission(_submission_or_404(world.admin, own_submission.pk)).unit.parent_code == "AG-PT"


def test_no_editor_and_no_parent_come_back_as_none(world, commune_round):
    sub = Submission.objects.create(round=commune_round, unit=world.province)  # the root: no parent
    got = _submission_or_404(world.admin, sub.pk)
    assert got.unit.parent is None and got.updated_by is None and got.unit.code == "AG"


def test_update_history_is_the_row_simple_history_would_write(world, own_submission):
    framework = own_submission.framework
    put_values(own_submission, {"1.numerator": Decimal(10), "1.denominator": Decimal(20)})  # noqa: F405
    before = set(Value.history.values_list("history_id", flat=True))
    save_values(own_submission, world.reporter, [], own_submission.version)  # nothing: no history
    assert set(Value.history.values_list("history_id", flat=True)) == before
    write_values(framework, [CellWrite(own_submission.unit_id, "2025", "1.numerator", number=Decimal(11)),
                             CellWrite(own_submission.unit_id, "2025", "1.denominator", number=Decimal(21),
                                       comment="ghi chú")], world.reporter, reason="Biểu mẫu báo cáo")
    new = Value.history.exclude(history_id__in=before).order_by("element")
    assert [(h.element, h.number, h.history_type, h.history_user_id, h.history_change_reason) for h in new] == [
        ("1.denominator", Decimal(21), "~", world.reporter.pk, "Biểu mẫu báo cáo"),
        ("1.numerator", Decimal(11), "~", world.reporter.pk, "Biểu mẫu báo cáo"),
    ]
    # Every tracked column equals the value row after the write, as simple_history copies it.
    tracked = [f.attname for f in get_history_manager_for_model(Value).model.tracked_fields]
    for h in new:
        row = Value.objects.get(pk=h.id)
        assert {name: getattr(h, name) for name in tracked} == {name: getattr(row, name) for name in tracked}
    assert new.get(element="1.denominator").comment == "ghi chú"
    assert new.get(element="1.numerator").history_object.pk == new.get(element="1.numerator").id


def test_round_units_read_as_rows_match_the_orm(world, test_framework):
    world.commune_b.valid_to = timezone.localdate().replace(year=2024, month=12, day=31)
    world.commune_b.save()  # gone before 2025: not asked
    for root, level in [(None, ""), (world.district, ""), (world.district, "commune"), (world.province, "province"),
                        (world.other_province, "")]:
        orm = [u.pk for u in round_units(test_framework, "2025", root, level)]
        assert round_unit_ids(test_framework, "2025", root, level) == orm
        assert set(orm) <= set(_candidate_units("2025", root, level).values_list("pk", flat=True))
    assert world.commune_b.pk not in round_unit_ids(test_framework, "2025")
    assert world.commune_b.pk in round_unit_ids(test_framework, "2024")


def test_the_revision_upsert_creates_bumps_and_claims_once(test_framework):
    fw = test_framework.pk
    assert bump_revision(fw, "2030", claim_queue=True) is True  # created, task claimed
    row = Revision.objects.get(framework_id=fw, period="2030")
    assert (row.number, row.queued_at is not None) == (1, True)
    assert bump_revision(fw, "2030", claim_queue=True) is False  # a task already waits
    assert bump_revision(fw, "2030") is False
    row.refresh_from_db()
    assert row.number == 3
    assert bump_revision(fw, "2031") is False  # created without a claim
    assert Revision.objects.get(framework_id=fw, period="2031").queued_at is None
    Revision.objects.filter(framework_id=fw, period="2030").update(queued_at=timezone.now() - timedelta(minutes=6))
    assert bump_revision(fw, "2030", claim_queue=True) is True  # the old claim counts as lost


def test_a_scope_is_an_exact_prefix_on_every_database(world, commune_round):
    """A unit coded like the scope's root but in other letter case is outside it, in the ORM's filter
    (SQLite's LIKE ignores case, so ``path__startswith`` is not used) as in hand-written SQL."""
    from chiso.accounts.permissions import visible_units

    twin = Unit.objects.create(code="ag-pt", name="Đơn vị khác", level="district", kind="UBND huyện",
                               parent=world.province)
    sub = Submission.objects.create(round=commune_round, unit=twin)
    assert twin.path.lower() == world.district.path.lower() and twin.path != world.district.path
    assert twin not in visible_units(world.reviewer)  # scope: district AG-PT
    assert not Unit.objects.subtree_of(world.district).filter(pk=twin.pk).exists()
    assert not Submission.objects.visible_to(world.reviewer).filter(pk=sub.pk).exists()
    with pytest.raises(Http404):
        _submission_or_404(world.reviewer, sub.pk)
    assert _submission_or_404(world.viewer, sub.pk).unit.code == "ag-pt"  # province AG covers it


def test_a_report_number_too_large_for_the_database_is_not_found(world, own_submission):
    from chiso.conftest import client_for

    response = client_for(world.reporter).get(f"/danh-gia/bao-cao/{10**20}/")
    assert response.status_code == 404
    assert "Không tìm thấy" in response.content.decode()


def test_the_signed_in_user_is_read_with_its_profile_and_scope_as_the_orm_gives_them(world):
    """``ProfileBackend.get_user``: one query gives the user, the profile and the scope's paths — the
    same as ``select_related("profile")`` and ``_scope_roots``, whatever characters the codes hold."""
    from django.contrib.auth import get_user_model
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from chiso.accounts.backends import ProfileBackend
    from chiso.accounts.permissions import decode_scope_roots, scope_paths

    odd = [Unit.objects.create(code=code, name=f"Đơn vị {i}", level="commune", kind="UBND xã",
                               parent=world.district)
           for i, code in enumerate(["12:3", "A\n/B", "Đ-Ứ:9/", "7"])]
    user = make_user("nhieu_pham_vi", "reporter", [*odd, world.province])
    backend = ProfileBackend()
    with CaptureQueriesContext(connection) as queries:
        got = backend.get_user(user.pk)
        paths = scope_paths(got)
        assert got.profile.role == "reporter"
    assert len(queries) == 1
    orm = get_user_model().objects.select_related("profile").get(pk=user.pk)
    for field in get_user_model()._meta.concrete_fields:
        assert getattr(got, field.attname) == getattr(orm, field.attname), field.name
    for field in orm.profile._meta.concrete_fields:
        assert getattr(got.profile, field.attname) == getattr(orm.profile, field.attname), field.name
    assert paths == _scope_roots(orm.profile)
    assert sorted(paths) == sorted(u.path for u in [*odd, world.province])
    assert len(paths) == 5
    # The administrator's and a reviewer's, a user without a profile, one without scope, none at all.
    assert scope_paths(backend.get_user(world.admin.pk)) is None
    assert scope_paths(backend.get_user(world.reviewer.pk)) == (world.district.path,)
    bare = make_user("khong_ho_so", None)
    got_bare = backend.get_user(bare.pk)
    assert got_bare.pk == bare.pk and not hasattr(got_bare, "profile") and scope_paths(got_bare) == ()
    assert scope_paths(backend.get_user(make_user("khong_pham_vi", "viewer").pk)) == ()
    assert backend.get_user(10**9) is None and backend.get_user(2**63) is None and backend.get_user("x") is None
    assert decode_scope_roots(None) == () and decode_scope_roots("3:/a/4:/b:/") == ("/a/", "/b:/")
    # Anything not exactly such a list is not read as a scope at all (the rows are read instead).
    for bad in ["3:/a", "2:/a/", "3:/a/x", "x:/a/", "3:/a/9:/b/", "1:/", "3:abc"]:
        assert decode_scope_roots(bad) is None, bad
    from chiso.accounts import permissions

    got = backend.get_user(user.pk)
    permissions.remember_scope_roots(got, None)
    assert scope_paths(got) == paths  # nothing remembered: read as rows
    inactive = make_user("da_khoa", "reporter", [world.province], is_active=False)
    assert backend.get_user(inactive.pk) is None


def test_a_small_save_sends_its_writes_with_the_revision_in_one_statement(world, own_submission):
    """A form's save of a few cells: on PostgreSQL the value updates, their history, the report's
    version and the revision are one statement (the stale flags the next); on every database the
    outcome is the same as writing them one by one."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from chiso.results.models import StoredResult
    from chiso.results.store import recompute
    from chiso.units.models import unit_infos

    framework, unit = own_submission.framework, own_submission.unit
    put_values(own_submission, {"1.numerator": Decimal(10), "1.denominator": Decimal(20)})  # noqa: F405
    recompute(framework, "2025", unit_infos([unit]))
    assert not StoredResult.objects.filter(framework=framework, unit=unit, stale=True).exists()
    own_submission.refresh_from_db()
    version, revision = own_submission.version, Revision.objects.get(framework=framework, period="2025").number
    history_before = Value.history.count()
    with CaptureQueriesContext(connection) as queries:
        write_values(framework, [CellWrite(unit.pk, "2025", "1.numerator", number=Decimal(12)),
                                 CellWrite(unit.pk, "2025", "1.denominator", number=Decimal(24))], world.reporter)
    writes = [q["sql"] for q in queries.captured_queries
              if q["sql"].lstrip().upper().startswith(("INSERT", "UPDATE", "WITH", "DELETE"))]
    if connection.vendor == "postgresql":  # the writes, the revision's and (the unit has results) the flags
        assert len(writes) == 1 and writes[0].startswith("WITH ") and '"results_revision"' in writes[0]
        assert 'UPDATE "results_storedresult" SET "stale"' in writes[0]
    else:
        assert len(writes) == 6  # two values, their history, the report, the revision, the flags
    assert {v.element: v.number for v in Value.objects.filter(framework=framework, unit=unit, period="2025")} == {
        "1.numerator": Decimal(12), "1.denominator": Decimal(24)}
    assert Value.history.count() == history_before + 2
    own_submission.refresh_from_db()
    assert own_submission.version == version + 1 and own_submission.updated_by_id == world.reporter.pk
    assert {c["element"] for c in own_submission.last_changes} == {"1.numerator", "1.denominator"}
    assert Revision.objects.get(framework=framework, period="2025").number == revision + 1
    flags = set(StoredResult.objects.filter(framework=framework, unit=unit, period="2025").values_list("basis", "stale"))
    assert flags == {("official", True), ("provisional", True)}


def test_a_save_of_a_unit_without_results_flags_in_a_statement_of_its_own(world, own_submission):
    """No stored result yet (or not on every basis): the revision's statement could not see one a
    recompute creates while it waits, so the flags are written again after it, on PostgreSQL too."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from chiso.results.models import StoredResult
    from chiso.results.store import recompute
    from chiso.units.models import unit_infos

    framework, unit = own_submission.framework, own_submission.unit
    put_values(own_submission, {"1.numerator": Decimal(10), "1.denominator": Decimal(20)})  # noqa: F405
    recompute(framework, "2025", unit_infos([unit]))
    StoredResult.objects.filter(framework=framework, unit=unit, basis="official").delete()  # one basis only
    with CaptureQueriesContext(connection) as queries:
        write_values(framework, [CellWrite(unit.pk, "2025", "1.numerator", number=Decimal(12))], world.reporter)
    writes = [q["sql"] for q in queries.captured_queries
              if q["sql"].lstrip().upper().startswith(("INSERT", "UPDATE", "WITH", "DELETE"))]
    assert writes[-1].startswith('UPDATE "results_storedresult" SET "stale"')
    assert set(StoredResult.objects.filter(framework=framework, unit=unit).values_list("basis", "stale")) == {
        ("provisional", True)}


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("had_results", [False, True], ids=["result-created", "result-rewritten"])
def test_a_result_stored_while_a_save_waits_for_the_revision_is_flagged_by_that_save(world, own_submission,
                                                                                     had_results):
    """A recompute holds the revision row and stores a result — one the unit never had, or a new one
    over a stale one (then the save's flags go in its revision statement); a save of that unit waits
    for the row meanwhile. That result was computed from the figures before the save, so the save must
    flag it stale — its flags are written after it got the revision row, not before — and the figures
    served afterwards are the saved ones. (SQLite runs one writing transaction at a time: there the
    recompute is simply before the save.)"""
    import threading
    import time
    from fractions import Fraction

    from django.db import connection, connections, transaction
    from django.test.utils import CaptureQueriesContext

    from chiso.assessments.evaluation import figures_for
    from chiso.results.models import StoredResult
    from chiso.results.store import recompute
    from chiso.units.models import unit_infos

    framework, unit = own_submission.framework, own_submission.unit
    put_values(own_submission, {"1.numerator": Decimal(10), "1.denominator": Decimal(20)})  # noqa: F405
    bump_revision(framework.pk, "2025")
    if had_results:  # stored on both bases, then gone stale: the recompute below rewrites both rows
        recompute(framework, "2025", unit_infos([Unit.objects.get(pk=unit.pk)]))
        assert StoredResult.objects.filter(framework=framework, unit=unit).update(stale=True) == 2
    else:
        StoredResult.objects.filter(framework=framework, unit=unit).delete()
    concurrent = connection.vendor == "postgresql"
    holding, errors = threading.Event(), []

    waited = []  # whether the save was seen waiting for the revision row (else the race was not run)
    save_writes: list[str] = []  # the save's write statements

    def another_waits_for_a_lock() -> bool:
        with connection.cursor() as cursor:
            for _ in range(600):
                cursor.execute("SELECT pg_stat_clear_snapshot()")  # statistics are read once per transaction
                cursor.execute("SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock' "
                               "AND datname = current_database()")
                if cursor.fetchone()[0]:
                    return True
                time.sleep(0.05)
        return False

    def recompute_holding_the_revision() -> None:
        try:
            with transaction.atomic():
                Revision.objects.select_for_update().get(framework=framework, period="2025")
                holding.set()
                if concurrent:
                    waited.append(another_waits_for_a_lock())
                recompute(framework, "2025", unit_infos([Unit.objects.get(pk=unit.pk)]))
        except Exception as exc:  # noqa: BLE001 - reported below
            errors.append(exc)
        finally:
            if concurrent:
                connections.close_all()

    def save() -> None:
        try:
            holding.wait(30)
            with CaptureQueriesContext(connection) as queries:
                write_values(framework, [CellWrite(unit.pk, "2025", "1.numerator", number=Decimal(15))],
                             world.reporter)
            save_writes.extend(q["sql"] for q in queries.captured_queries
                               if q["sql"].lstrip().upper().startswith(("INSERT", "UPDATE", "WITH", "DELETE")))
        except Exception as exc:  # noqa: BLE001 - reported below
            errors.append(exc)
        finally:
            if concurrent:
                connections.close_all()

    if concurrent:
        threads = [threading.Thread(target=recompute_holding_the_revision), threading.Thread(target=save)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(60)
        assert not any(t.is_alive() for t in threads) and waited == [True]
    else:
        recompute_holding_the_revision()
        save()
    assert errors == []
    assert Value.objects.get(framework=framework, unit=unit, period="2025", element="1.numerator").number == 15
    if concurrent:  # a rewritten result is flagged by the revision's statement, a created one after it
        flags_alone = [sql for sql in save_writes if sql.startswith('UPDATE "results_storedresult"')]
        assert len(flags_alone) == (0 if had_results else 1)
    stored = StoredResult.objects.filter(framework=framework, unit=unit, period="2025")
    # Flagged by the save, then recomputed by its task (the tests' immediate mode) from the saved figures.
    current = Revision.objects.get(framework=framework, period="2025").number
    assert stored.count() == 2 and all(not r.stale and r.revision == current for r in stored)
    served = figures_for(framework, "2025", basis="provisional").evaluation.result(unit.code)
    assert served.indicator("1").value == Fraction(15, 20)
