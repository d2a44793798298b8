"""Opening a round writes its drafts and their events with bulk statements: the rows are the same.

``open_round`` inserts the drafts and the "opened" events with INSERT … SELECT instead of one model
object per unit. These tests pin what must not change with it: which units get a report (scope,
active, valid during the period), what each report and event holds, results marked stale, the
refusal of a second open round, and the administrator's form.
"""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse
from django.utils import timezone

from chiso.assessments import workflow
from chiso.assessments.models import STATUS_DRAFT, Round, Submission, SubmissionEvent
from chiso.assessments.tests.workflow_world import *  # noqa: F403 (fixtures)
from chiso.assessments.tests.workflow_world import TEST_FRAMEWORK_YAML, store_framework_text
from chiso.assessments.workflow import (
    WorkflowError,
    close_round,
    open_round,
    round_unit_ids,
    round_units,
)
from chiso.results.models import Revision, StoredResult
from chiso.units.models import Unit

PROVINCE_ROUND = ["AG-PT", "AG-PT-PL", "AG-PT-PT", "AG-SNV", "AG-STTTT"]


def codes_of(rnd: Round) -> list[str]:
    return sorted(rnd.submissions.values_list("unit__code", flat=True))


def test_each_draft_holds_what_a_new_report_holds(world, test_framework):
    before = timezone.now()
    rnd = open_round(test_framework, "2025", date(2026, 1, 15), world.admin, root_unit=world.province)
    subs = list(Submission.objects.filter(round=rnd))
    assert sorted(s.unit.code for s in subs) == PROVINCE_ROUND
    for s in subs:
        assert (s.status, s.version, s.last_changes) == (STATUS_DRAFT, 1, [])
        assert s.updated_by_id is None and s.submitted_at is None and s.approved_at is None
        assert before <= s.updated_at <= timezone.now()
        assert s.is_editable


def test_each_draft_gets_one_opening_event_by_the_administrator(world, test_framework):
    rnd = open_round(test_framework, "2025", date(2026, 1, 15), world.admin, root_unit=world.province)
    events = list(SubmissionEvent.objects.filter(submission__round=rnd))
    assert sorted(e.submission.unit.code for e in events) == PROVINCE_ROUND
    assert {(e.actor_id, e.from_status, e.to_status, e.comment) for e in events} == {
        (world.admin.pk, "", STATUS_DRAFT, "Mở đợt đánh giá")}
    assert all(e.at is not None for e in events)


def test_a_round_opened_by_the_command_line_has_events_without_actor(world, test_framework):
    rnd = open_round(test_framework, "2025", date(2026, 1, 15), None, root_unit=world.district)
    assert codes_of(rnd) == ["AG-PT", "AG-PT-PL", "AG-PT-PT"]
    assert set(SubmissionEvent.objects.filter(submission__round=rnd).values_list("actor_id", flat=True)) == {None}
    assert rnd.opened_by is None


def test_units_inactive_or_not_valid_during_the_period_get_no_report(world, test_framework):
    Unit.objects.filter(pk=world.agency_b.pk).update(active=False)
    Unit.objects.filter(pk=world.commune_a.pk).update(valid_to=date(2024, 12, 31))  # merged before 2025
    Unit.objects.filter(pk=world.commune_b.pk).update(valid_from=date(2026, 1, 1))  # created after 2025
    rnd = open_round(test_framework, "2025", date(2026, 1, 15), world.admin, root_unit=world.province)
    assert codes_of(rnd) == ["AG-PT", "AG-STTTT"]
    # a half-year the commune was still valid in takes it
    rnd = open_round(test_framework, "2024-H2", date(2026, 1, 15), world.admin, root_unit=world.district)
    assert codes_of(rnd) == ["AG-PT", "AG-PT-PL"]


def test_the_ids_and_the_units_of_a_round_agree(world, test_framework):
    ids = round_unit_ids(test_framework, "2025", world.province)
    units = round_units(test_framework, "2025", world.province)
    assert ids == [u.pk for u in units]
    assert sorted(u.code for u in units) == PROVINCE_ROUND
    assert [u.path for u in units] == sorted(u.path for u in units)
    assert sorted(round_unit_ids(test_framework, "2025", level="province")) == sorted(
        [world.agency_a.pk, world.agency_b.pk, world.other_unit.pk])


@pytest.mark.parametrize("scope, expected", [
    ("{levels: [province, district, commune], assesses: agencies}",
     ["AG-PT", "AG-PT-PL", "AG-PT-PT", "AG-SNV", "AG-STTTT", "KG-SNV"]),
    ("{levels: [province], assesses: province}", ["AG", "KG"]),
    ("{levels: [commune], assesses: agencies, kinds: [ubnd XÃ]}", ["AG-PT-PL"]),
    ("{levels: [province, district], assesses: agencies, kinds: [Sở, UBND huyện]}",
     ["AG-PT", "AG-SNV", "AG-STTTT", "KG-SNV"]),
])
def test_every_kind_of_scope_takes_the_same_units_as_the_engine_views(world, scope, expected):
    """``round_unit_ids`` reads plain rows; ``round_units`` gives the engine full unit views: same units."""
    text = TEST_FRAMEWORK_YAML.replace(
        "scope: {levels: [province, district, commune], assesses: agencies}", f"scope: {scope}")
    framework = store_framework_text(text)
    units = round_units(framework, "2025")
    assert sorted(u.code for u in units) == expected
    assert round_unit_ids(framework, "2025") == [u.pk for u in units]
    rnd = open_round(framework, "2025", date(2026, 1, 15), world.admin)
    assert codes_of(rnd) == expected


def test_many_units_are_inserted_in_several_statements(world, test_framework, monkeypatch):
    monkeypatch.setattr(workflow, "_IDS_PER_STATEMENT", 2)
    rnd = open_round(test_framework, "2025", date(2026, 1, 15), world.admin)
    assert codes_of(rnd) == sorted([*PROVINCE_ROUND, "KG-SNV"])
    assert SubmissionEvent.objects.filter(submission__round=rnd).count() == 6


def test_stored_results_of_the_rounds_units_go_stale(world, test_framework):
    def stored(unit: Unit, period: str) -> StoredResult:
        return StoredResult.objects.create(framework=test_framework, period=period, basis="official", unit=unit,
                                           revision=1, status="complete", checksum="x", payload=b"")

    inside, outside = stored(world.commune_a, "2025"), stored(world.other_unit, "2025")
    other_period = stored(world.commune_a, "2024")
    open_round(test_framework, "2025", date(2026, 1, 15), world.admin, root_unit=world.district)
    for row in (inside, outside, other_period):
        row.refresh_from_db()
    assert (inside.stale, outside.stale, other_period.stale) == (True, False, False)
    assert Revision.objects.get(framework=test_framework, period="2025").number >= 1


def test_a_closed_round_does_not_block_a_new_one_an_open_one_does(world, test_framework):
    first = open_round(test_framework, "2025", date(2026, 1, 15), world.admin, root_unit=world.district)
    with pytest.raises(WorkflowError, match="UBND huyện Phú Tân đã có trong một đợt đang mở"):
        open_round(test_framework, "2025", date(2026, 1, 15), world.admin, root_unit=world.province)
    # another period, or units outside the open round, are fine
    assert codes_of(open_round(test_framework, "2025-H1", date(2026, 1, 15), world.admin,
                               root_unit=world.district)) == ["AG-PT", "AG-PT-PL", "AG-PT-PT"]
    assert codes_of(open_round(test_framework, "2025", date(2026, 1, 15), world.admin,
                               root_unit=world.agency_a)) == ["AG-STTTT"]
    close_round(first)
    again = open_round(test_framework, "2025", date(2026, 1, 15), world.admin, root_unit=world.district)
    assert codes_of(again) == ["AG-PT", "AG-PT-PL", "AG-PT-PT"]
    assert Submission.objects.filter(unit=world.district, round__period="2025").count() == 2


def test_a_refused_round_leaves_nothing_behind(world, test_framework):
    open_round(test_framework, "2025", date(2026, 1, 15), world.admin, root_unit=world.district)
    rounds, subs, events = Round.objects.count(), Submission.objects.count(), SubmissionEvent.objects.count()
    with pytest.raises(WorkflowError):
        open_round(test_framework, "2025", date(2026, 1, 15), world.admin, root_unit=world.province)
    assert (Round.objects.count(), Submission.objects.count(), SubmissionEvent.objects.count()) == (
        rounds, subs, events)


def test_the_administrators_form_opens_the_round_and_says_how_many_units(world, test_framework,
                                                                         administrator_client):
    deadline = (timezone.localdate() + timedelta(days=20)).isoformat()
    response = administrator_client.post(reverse("assessments:round_create"), {
        "framework": test_framework.pk, "period": "2025", "deadline": deadline,
        "root_unit": world.district.pk, "level": "commune"})
    rnd = Round.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("assessments:round_detail",
                                                                          args=[rnd.pk])
    assert codes_of(rnd) == ["AG-PT-PL", "AG-PT-PT"]
    assert [str(m) for m in get_messages(response.wsgi_request)] == ["Đã mở đợt đánh giá cho 2 đơn vị."]
    assert rnd.opened_by == world.admin and rnd.level == "commune" and rnd.root_unit == world.district
