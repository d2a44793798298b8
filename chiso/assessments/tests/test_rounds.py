"""Rounds and the workflow transition table: every allowed and every refused transition."""

from __future__ import annotations

from datetime import date
from itertools import product

import pytest

from chiso.assessments.models import (
    STATUS_APPROVED,
    STATUS_DRAFT,
    STATUS_RETURNED,
    STATUS_SUBMITTED,
    Submission,
    SubmissionEvent,
)
from chiso.assessments.tests.workflow_world import *  # noqa: F403 (fixtures)
from chiso.assessments.tests.workflow_world import VALID_COMMUNE_VALUES, add_evidence, put_values
from chiso.assessments.workflow import (
    TRANSITIONS,
    ConflictError,
    WorkflowError,
    apply_transition,
    open_round,
    submit_problems,
)

STATUSES = (STATUS_DRAFT, STATUS_SUBMITTED, STATUS_RETURNED, STATUS_APPROVED)
ACTORS = ("admin", "reviewer", "reporter", "viewer", "outsider")


def actor(world, name):
    return {"admin": world.admin, "reviewer": world.reviewer, "reporter": world.reporter,
            "viewer": world.viewer, "outsider": world.outsider}[name]


# --- rounds ----------------------------------------------------------------------------------


def test_opening_a_round_gives_every_commune_of_the_district_a_draft(world, commune_round):
    subs = list(commune_round.submissions.order_by("unit__code"))
    assert [s.unit.code for s in subs] == ["AG-PT-PL", "AG-PT-PT"]
    assert {s.status for s in subs} == {STATUS_DRAFT}
    assert commune_round.framework_checksum == commune_round.framework.checksum
    assert commune_round.period == "2025"
    events = SubmissionEvent.objects.filter(submission__round=commune_round)
    assert events.count() == 2 and {e.to_status for e in events} == {STATUS_DRAFT}


def test_a_round_over_the_province_keeps_only_units_in_the_frameworks_scope(world, test_framework):
    rnd = open_round(test_framework, "2025-H1", date(2025, 7, 15), world.admin, root_unit=world.province)
    codes = sorted(rnd.submissions.values_list("unit__code", flat=True))
    # "agencies": the province as a whole (AG, with children) is not assessed; KG is outside the root.
    assert codes == ["AG-PT", "AG-PT-PL", "AG-PT-PT", "AG-SNV", "AG-STTTT"]
    assert rnd.period == "2025-H1"


def test_a_round_by_level_takes_that_level_only(world, test_framework):
    rnd = open_round(test_framework, "2025", date(2026, 1, 15), world.admin, level="province")
    codes = sorted(rnd.submissions.values_list("unit__code", flat=True))
    assert codes == ["AG-SNV", "AG-STTTT", "KG-SNV"]


def test_it_refuses_a_second_open_round_for_the_same_units_and_period(world, commune_round):
    with pytest.raises(WorkflowError, match="đã có trong một đợt đang mở"):
        open_round(commune_round.framework, "2025", date(2026, 1, 15), world.admin, root_unit=world.commune_a)


def test_it_refuses_a_round_with_no_unit_in_scope(world, test_framework):
    with pytest.raises(WorkflowError, match="Không có đơn vị nào"):
        open_round(test_framework, "2025", date(2026, 1, 15), world.admin, root_unit=world.agency_a,
                   level="commune")


def test_it_refuses_a_bad_period_with_a_vietnamese_message(world, test_framework):
    from chiso.engine.periods import PeriodError

    with pytest.raises(PeriodError):
        open_round(test_framework, "2025-Q5", date(2026, 1, 15), world.admin)


# --- the transition table ---------------------------------------------------------------------


def _make_valid(sub: Submission) -> None:
    put_values(sub, VALID_COMMUNE_VALUES)
    add_evidence(sub, "1")


def _expected(frm: str, to: str, who: str) -> bool:
    rule = TRANSITIONS.get((frm, to))
    if rule is None:
        return False
    role = {"admin": "administrator", "reviewer": "reviewer", "reporter": "reporter",
            "viewer": "viewer", "outsider": "reporter"}[who]
    # The outsider is a reporter of another province: the role fits, the unit does not.
    return role in rule.roles and who != "outsider"


def test_the_table_is_exactly_the_declared_workflow():
    assert set(TRANSITIONS) == {
        (STATUS_DRAFT, STATUS_SUBMITTED), (STATUS_RETURNED, STATUS_SUBMITTED),
        (STATUS_SUBMITTED, STATUS_RETURNED), (STATUS_SUBMITTED, STATUS_APPROVED),
        (STATUS_APPROVED, STATUS_DRAFT),
    }
    assert TRANSITIONS[(STATUS_SUBMITTED, STATUS_RETURNED)].comment_required
    assert TRANSITIONS[(STATUS_APPROVED, STATUS_DRAFT)].comment_required
    assert not TRANSITIONS[(STATUS_SUBMITTED, STATUS_APPROVED)].comment_required


@pytest.mark.parametrize(("frm", "to", "who"), [
    (f, t, w) for f, t, w in product(STATUSES, STATUSES, ACTORS) if f != t
])
def test_every_transition_is_allowed_or_refused_as_the_table_says(world, own_submission, frm, to, who):
    _make_valid(own_submission)
    Submission.objects.filter(pk=own_submission.pk).update(status=frm)
    own_submission.refresh_from_db()
    user = actor(world, who)
    before = own_submission.events.count()
    if _expected(frm, to, who):
        event = apply_transition(own_submission, to, user, comment="Lý do đầy đủ")
        own_submission.refresh_from_db()
        assert own_submission.status == to
        assert (event.from_status, event.to_status, event.actor) == (frm, to, user)
        assert event.comment == "Lý do đầy đủ"
        assert own_submission.events.count() == before + 1
    else:
        with pytest.raises(WorkflowError):
            apply_transition(own_submission, to, user, comment="Lý do đầy đủ")
        own_submission.refresh_from_db()
        assert own_submission.status == frm
        assert own_submission.events.count() == before


def test_returning_without_a_comment_is_refused(world, own_submission):
    _make_valid(own_submission)
    apply_transition(own_submission, STATUS_SUBMITTED, world.reporter)
    with pytest.raises(WorkflowError, match="Cần ghi nhận xét"):
        apply_transition(own_submission, STATUS_RETURNED, world.reviewer, comment="   ")
    assert Submission.objects.get(pk=own_submission.pk).status == STATUS_SUBMITTED


def test_reopening_without_a_reason_is_refused(world, own_submission):
    _make_valid(own_submission)
    apply_transition(own_submission, STATUS_SUBMITTED, world.reporter)
    apply_transition(own_submission, STATUS_APPROVED, world.reviewer)
    with pytest.raises(WorkflowError, match="lý do"):
        apply_transition(own_submission, STATUS_DRAFT, world.admin)
    apply_transition(own_submission, STATUS_DRAFT, world.admin, comment="Sai số liệu chỉ tiêu 3")
    assert Submission.objects.get(pk=own_submission.pk).status == STATUS_DRAFT


def test_a_reviewer_of_another_district_may_not_review(world, own_submission):
    """reviewer_tinh covers the province; the district reviewer does not cover agencies."""
    _make_valid(own_submission)
    apply_transition(own_submission, STATUS_SUBMITTED, world.reporter)
    from chiso.assessments.workflow import may_transition

    assert may_transition(own_submission, STATUS_APPROVED, world.reviewer_tinh)
    assert not may_transition(own_submission, STATUS_APPROVED, world.outsider)


def test_submit_is_refused_with_every_missing_input_invalid_figure_and_evidence(world, own_submission):
    put_values(own_submission, {"1.numerator": 60, "1.denominator": 50, "2.value": 1})
    problems = submit_problems(own_submission)
    text = "\n".join(problems)
    assert "Chỉ tiêu 1: số liệu không hợp lệ" in text
    assert "Tử số (60) lớn hơn mẫu số (50)" in text
    assert "Chỉ tiêu 3: còn thiếu số liệu" in text
    assert "Chỉ tiêu 4: còn thiếu số liệu" in text
    assert "Chỉ tiêu 1 cần tệp minh chứng." in text
    assert not any(p.startswith("Chỉ tiêu 2") for p in problems)  # answered: Có
    assert not any(p.startswith("Chỉ tiêu 5") for p in problems)  # narrative only
    with pytest.raises(WorkflowError) as exc:
        apply_transition(own_submission, STATUS_SUBMITTED, world.reporter)
    assert exc.value.problems == problems
    assert Submission.objects.get(pk=own_submission.pk).status == STATUS_DRAFT


def test_submit_passes_when_a_failing_figure_is_valid_not_met_is_not_a_blocker(world, own_submission):
    values = dict(VALID_COMMUNE_VALUES)
    values["3.numerator"] = 10  # 10% < 65%: Không đạt, but a true figure may be submitted
    put_values(own_submission, values)
    add_evidence(own_submission, "1")
    assert submit_problems(own_submission) == []
    apply_transition(own_submission, STATUS_SUBMITTED, world.reporter)
    own_submission.refresh_from_db()
    assert own_submission.status == STATUS_SUBMITTED and own_submission.submitted_at is not None


def test_a_transition_with_a_stale_version_is_refused(world, own_submission):
    _make_valid(own_submission)
    stale = own_submission.version
    apply_transition(own_submission, STATUS_SUBMITTED, world.reporter)
    own_submission.status = STATUS_SUBMITTED
    with pytest.raises(ConflictError, match="đã lưu báo cáo này lúc"):
        apply_transition(own_submission, STATUS_APPROVED, world.reviewer, expected_version=stale)
    assert Submission.objects.get(pk=own_submission.pk).status == STATUS_SUBMITTED


def test_an_administrator_closes_a_round_and_it_takes_no_more_entries(world, own_submission):
    from django.urls import reverse

    from chiso.assessments.workflow import ValueChange, save_values
    from chiso.conftest import client_for

    rnd = own_submission.round
    assert client_for(world.reviewer).post(reverse("assessments:round_close", args=[rnd.pk])).status_code == 403
    client_for(world.admin).post(reverse("assessments:round_close", args=[rnd.pk]))
    rnd.refresh_from_db()
    assert rnd.closed_at is not None
    own_submission.refresh_from_db()
    with pytest.raises(WorkflowError):
        save_values(own_submission, world.reporter, [ValueChange("2.value", number=1)], own_submission.version)
    _make_valid(own_submission)
    with pytest.raises(WorkflowError, match="Đợt đánh giá đã đóng"):
        apply_transition(own_submission, STATUS_SUBMITTED, world.reporter)
    client_for(world.admin).post(reverse("assessments:round_close", args=[rnd.pk]), {"reopen": "1"})
    rnd.refresh_from_db()
    assert rnd.closed_at is None
