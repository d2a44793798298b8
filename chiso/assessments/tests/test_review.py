"""Review: the queue in the reviewer's scope, the review page, return with comments, approve, history."""

from __future__ import annotations

import html
from datetime import date
from decimal import Decimal

from django.urls import reverse

from chiso.assessments.models import (
    STATUS_APPROVED,
    STATUS_DRAFT,
    STATUS_RETURNED,
    STATUS_SUBMITTED,
    ReviewComment,
    Submission,
    Value,
)
from chiso.assessments.tests.workflow_world import *  # noqa: F403 (fixtures)
from chiso.assessments.tests.workflow_world import VALID_COMMUNE_VALUES, add_evidence, put_values
from chiso.assessments.workflow import apply_transition, open_round, save_values
from chiso.conftest import client_for


def text_of(response) -> str:
    return html.unescape(response.content.decode())


def submitted(world, sub: Submission) -> Submission:
    put_values(sub, VALID_COMMUNE_VALUES)
    add_evidence(sub, "1", world.reporter)
    apply_transition(sub, STATUS_SUBMITTED, world.reporter)
    sub.refresh_from_db()
    return sub


def test_the_queue_lists_submitted_work_in_the_reviewers_scope_only(world, own_submission, other_submission,
                                                                    test_framework):
    submitted(world, own_submission)
    agency_round = open_round(test_framework, "2025", date(2026, 1, 10), world.admin, root_unit=world.agency_a)
    agency_sub = agency_round.submissions.get()
    put_values(agency_sub, {k: v for k, v in VALID_COMMUNE_VALUES.items() if not k.startswith("4.")})
    agency_sub.refresh_from_db()
    Submission.objects.filter(pk=agency_sub.pk).update(status=STATUS_SUBMITTED)
    page = client_for(world.reviewer).get(reverse("assessments:review_queue")).content.decode()
    assert "UBND xã Phú Lâm" in page
    assert "UBND thị trấn Phú Mỹ" not in page  # still a draft
    assert "Sở Thông tin và Truyền thông" not in page  # outside the district reviewer's scope
    page = client_for(world.reviewer_tinh).get(reverse("assessments:review_queue")).content.decode()
    assert "UBND xã Phú Lâm" in page and "Sở Thông tin và Truyền thông" in page
    assert client_for(world.reporter).get(reverse("assessments:review_queue")).status_code == 403


def test_the_review_page_shows_values_verdicts_evidence_and_the_previous_period(world, own_submission):
    sub = submitted(world, own_submission)
    Value.objects.create(framework=sub.round.framework, unit=sub.unit, period="2024", element="1.numerator",
                         number=Decimal(41000))
    Value.objects.create(framework=sub.round.framework, unit=sub.unit, period="2024", element="1.denominator",
                         number=Decimal(52000))
    r = client_for(world.reviewer).get(reverse("assessments:review", args=[sub.pk]))
    assert r.status_code == 200
    page = text_of(r)
    row1 = page[page.index('id="ind-1"'):page.index('id="ind-2"')]
    assert "54.919" in row1 and "58.669" in row1          # this period
    assert "41.000" in row1 and "52.000" in row1          # the previous period beside them
    assert "93,61%" in row1 and "Đạt" in row1             # the engine's verdict
    assert "bien-ban.pdf" in row1                          # the evidence
    assert "Năm 2024" in page
    assert 'name="c-1"' in page and 'name="c-4"' in page  # a comment box per criterion
    assert "5/5" not in page and "4/4" in page            # met/applicable for a commune


def test_return_with_comments_shows_them_to_the_reporter_then_resubmit_and_approve(world, own_submission):
    sub = submitted(world, own_submission)
    reviewer = client_for(world.reviewer)
    r = reviewer.post(reverse("assessments:review", args=[sub.pk]), {
        "action": "return", "version": sub.version,
        "c-3": "Số hồ sơ công việc chưa khớp với iOffice, đề nghị kiểm tra lại.",
        "comment": "Bổ sung minh chứng cho chỉ tiêu 3.",
    })
    assert r.status_code == 302
    sub.refresh_from_db()
    assert sub.status == STATUS_RETURNED
    comments = {c.indicator: c.text for c in ReviewComment.objects.filter(submission=sub)}
    assert comments == {"3": "Số hồ sơ công việc chưa khớp với iOffice, đề nghị kiểm tra lại.",
                        "": "Bổ sung minh chứng cho chỉ tiêu 3."}
    event = sub.events.last()
    assert (event.to_status, event.actor, event.comment) == (STATUS_RETURNED, world.reviewer,
                                                             "Bổ sung minh chứng cho chỉ tiêu 3.")
    reporter = client_for(world.reporter)
    page = text_of(reporter.get(reverse("assessments:submission", args=[sub.pk])))
    block3 = page[page.index('id="ind-3"'):page.index('id="ind-4"')]
    assert "Số hồ sơ công việc chưa khớp với iOffice" in block3
    assert "Bổ sung minh chứng cho chỉ tiêu 3." in page and "Nộp lại" in page
    # The reporter fixes the figure and resubmits.
    r = reporter.post(reverse("assessments:submission", args=[sub.pk]), {
        "version": sub.version, "action": "submit",
        **{f"v-{k}": str(int(v)) for k, v in VALID_COMMUNE_VALUES.items() if k != "2.value"},
        "v-2.value": "1", "v-3.numerator": "72",
    })
    assert r.status_code == 302
    sub.refresh_from_db()
    assert sub.status == STATUS_SUBMITTED
    assert Value.objects.get(unit=sub.unit, element="3.numerator").number == 72
    r = reviewer.post(reverse("assessments:review", args=[sub.pk]), {"action": "approve", "version": sub.version})
    sub.refresh_from_db()
    assert sub.status == STATUS_APPROVED and sub.approved_at is not None
    assert [e.to_status for e in sub.events.all()] == [
        STATUS_DRAFT, STATUS_SUBMITTED, STATUS_RETURNED, STATUS_SUBMITTED, STATUS_APPROVED]


def test_return_without_any_comment_is_refused(world, own_submission):
    sub = submitted(world, own_submission)
    r = client_for(world.reviewer).post(reverse("assessments:review", args=[sub.pk]),
                                        {"action": "return", "version": sub.version}, follow=True)
    assert "Cần ghi nhận xét" in text_of(r)
    sub.refresh_from_db()
    assert sub.status == STATUS_SUBMITTED


def test_a_comment_on_one_indicator_is_enough_to_return(world, own_submission):
    sub = submitted(world, own_submission)
    client_for(world.reviewer).post(reverse("assessments:review", args=[sub.pk]),
                                    {"action": "return", "version": sub.version, "c-2": "Chụp màn hình giao diện di động"})
    sub.refresh_from_db()
    assert sub.status == STATUS_RETURNED
    assert sub.events.last().comment == "2: Chụp màn hình giao diện di động"


def test_the_review_page_is_403_for_reporters_and_404_outside_scope(world, own_submission, test_framework):
    sub = submitted(world, own_submission)
    assert client_for(world.reporter).get(reverse("assessments:review", args=[sub.pk])).status_code == 403
    assert client_for(world.viewer).get(reverse("assessments:review", args=[sub.pk])).status_code == 403
    assert client_for(world.outsider).get(reverse("assessments:review", args=[sub.pk])).status_code == 404
    r = client_for(world.reporter).post(reverse("assessments:review", args=[sub.pk]), {"action": "approve"})
    assert r.status_code == 403
    sub.refresh_from_db()
    assert sub.status == STATUS_SUBMITTED


def test_history_shows_every_value_and_status_change_with_who_and_old_to_new(world, own_submission):
    sub = own_submission
    save_values(sub, world.reporter, _changes({"1.numerator": Decimal(100)}), sub.version)
    save_values(sub, world.admin,
                _changes({"1.numerator": Decimal(54919)}), sub.version)
    page = text_of(client_for(world.reporter).get(reverse("assessments:submission", args=[sub.pk])))
    history = page[page.index('id="history-title"'):]
    assert "Cán bộ UBND xã Phú Lâm" in history and "Quản trị viên" in history
    assert "Chỉ tiêu 1 · Tử số (1.numerator)" in history
    assert "100" in history and "54.919" in history
    assert "Mở đợt đánh giá" in history  # the round's opening event


def test_an_administrator_reopens_approved_work_with_a_reason(world, own_submission):
    sub = submitted(world, own_submission)
    apply_transition(sub, STATUS_APPROVED, world.reviewer)
    c = client_for(world.admin)
    url = reverse("assessments:transition", args=[sub.pk])
    c.post(url, {"to": STATUS_DRAFT, "version": sub.version, "comment": ""})
    sub.refresh_from_db()
    assert sub.status == STATUS_APPROVED
    c.post(url, {"to": STATUS_DRAFT, "version": sub.version, "comment": "Sở Nội vụ đề nghị điều chỉnh chỉ tiêu 3"})
    sub.refresh_from_db()
    assert sub.status == STATUS_DRAFT
    assert sub.events.last().comment == "Sở Nội vụ đề nghị điều chỉnh chỉ tiêu 3"
    # A reviewer may not reopen.
    apply_transition(sub, STATUS_SUBMITTED, world.reporter)
    apply_transition(sub, STATUS_APPROVED, world.reviewer)
    client_for(world.reviewer).post(url, {"to": STATUS_DRAFT, "version": sub.version, "comment": "x"})
    sub.refresh_from_db()
    assert sub.status == STATUS_APPROVED


def _changes(values):
    from chiso.assessments.workflow import ValueChange

    return [ValueChange(k, number=v, label=k) for k, v in values.items()]
