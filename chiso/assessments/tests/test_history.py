"""The report's change history: the newest changes, each with the figure before it, read bounded."""

from __future__ import annotations

from decimal import Decimal

from django.db import connection
from django.test.utils import CaptureQueriesContext

from chiso.assessments.tests.workflow_world import *  # noqa: F403 (fixtures)
from chiso.assessments.views import submission_history
from chiso.assessments.writes import CellWrite, write_values


def _write(sub, number) -> None:
    write_values(sub.framework, [CellWrite(sub.unit_id, "2025", "1.numerator", number=number)], None)


def test_each_change_shows_the_figure_before_it_even_beyond_the_limit(world, own_submission):
    for number in (Decimal(10), Decimal(12), None, Decimal(15), Decimal(54919)):  # None: the cell emptied
        _write(own_submission, number)
    changes = [(h.old, h.new) for h in submission_history(own_submission) if h.kind != "status"]
    assert changes == [("15", "54.919"), ("—", "15"), ("12", "—"), ("10", "12"), ("—", "10")]
    # The newest two only: their "old" comes from records outside them.
    assert [(h.old, h.new) for h in submission_history(own_submission, limit=2)] == [("15", "54.919"), ("—", "15")]


def test_the_history_read_is_bounded_however_often_the_report_was_saved(world, own_submission):
    for n in range(60):
        _write(own_submission, Decimal(n + 1))
    with CaptureQueriesContext(connection) as queries:
        shown = submission_history(own_submission, limit=5)
    assert [(h.old, h.new) for h in shown] == [("59", "60"), ("58", "59"), ("57", "58"), ("56", "57"), ("55", "56")]
    history_reads = [q["sql"] for q in queries.captured_queries if "historicalvalue" in q["sql"]]
    assert len(history_reads) == 1 and "LIMIT 105" in history_reads[0]


def _orm_history(submission, limit: int = 300) -> list:
    """The history as the ORM read it before the reads were written as SQL: the reference."""
    from django.db.models import F, Window
    from django.db.models.functions import Lag

    from chiso.assessments.evaluation import element_kinds
    from chiso.assessments.models import Value
    from chiso.assessments.views import HISTORY_SLACK, HistoryEntry, element_title, show_stored
    from chiso.assessments.workflow import status_label, user_label

    kinds = element_kinds(submission.framework.spec())
    entries = [HistoryEntry(at=ev.at, who=user_label(ev.actor), what="Trạng thái",
                            old=status_label(ev.from_status) if ev.from_status else "—",
                            new=status_label(ev.to_status), note=ev.comment, kind="status")
               for ev in submission.events.select_related("actor").order_by("-at", "-pk")[:limit]]
    entries += [HistoryEntry(at=c.created_at, who=user_label(c.author), what=f"Nhận xét chỉ tiêu {c.indicator}",
                             old="—", new="—", note=c.text, kind="comment")
                for c in submission.comments.exclude(indicator="").select_related("author")
                .order_by("-created_at", "-pk")[:limit]]
    by_cell = {"partition_by": [F("element")], "order_by": [F("history_date").asc(), F("history_id").asc()]}
    records = Value.history.filter(
        framework_id=submission.round.framework_id, unit_id=submission.unit_id, period=submission.period,
    ).annotate(prev_number=Window(Lag("number"), **by_cell), prev_text=Window(Lag("text"), **by_cell),
               prev_type=Window(Lag("history_type"), **by_cell),
               ).select_related("history_user").order_by("-history_date", "-history_id")[:limit + HISTORY_SLACK]
    for rec in records:
        kind = kinds.get(rec.element, "text")
        old = "" if rec.prev_type in (None, "-") else show_stored(rec.prev_number, rec.prev_text, kind)
        new = "" if rec.history_type == "-" else show_stored(rec.number, rec.text, kind)
        if old == new and rec.history_type == "~":
            continue
        note = {"computed": "tính tự động", "import": "nhập từ tệp", "override": "điều chỉnh"}.get(rec.source, "")
        if rec.source == "override" and rec.provenance.get("reason"):
            note = f"điều chỉnh số tính tự động: {rec.provenance['reason']}"
        entries.append(HistoryEntry(at=rec.history_date, who=user_label(rec.history_user),
                                    what=element_title(rec.element), old=old or "—", new=new or "—", note=note))
    entries.sort(key=lambda e: e.at, reverse=True)
    return entries[:limit]


def test_the_history_read_as_sql_is_the_history_the_orm_read(world, own_submission):
    """Every kind of line — figures (decimals, emptied, deleted), text, overrides with a reason, a
    status change by a person and one by the system, per-criterion comments — as the ORM read them."""
    from chiso.assessments.models import ReviewComment, SubmissionEvent, Value
    from chiso.assessments.workflow import ValueChange, save_values

    sub = own_submission
    write_values(sub.framework, [CellWrite(sub.unit_id, "2025", "1.numerator", number=Decimal("12.5"))], world.reporter)
    sub.refresh_from_db()
    save_values(sub, world.reporter, [ValueChange("1.denominator", number=Decimal(40)),
                                      ValueChange("5.value", text="Đã triển khai\nở 3 thôn")], sub.version)
    _write(sub, None)  # emptied, by the system
    _write(sub, Decimal("54919.25"))
    put_values(sub, {"3.numerator": Decimal(7)}, source="override",  # noqa: F405
               provenance={"reason": "số liệu Cổng sai", "computed": "6"})
    put_values(sub, {"3.denominator": Decimal(9)}, source="computed")  # noqa: F405
    Value.objects.filter(framework=sub.round.framework, unit=sub.unit, element="3.denominator").delete()
    SubmissionEvent.objects.create(submission=sub, actor=world.reviewer, from_status="submitted",
                                   to_status="returned", comment="Bổ sung biên bản")
    SubmissionEvent.objects.create(submission=sub, actor=None, from_status="", to_status="draft")
    ReviewComment.objects.create(submission=sub, indicator="1", text="Thiếu mẫu số", author=world.reviewer)
    ReviewComment.objects.create(submission=sub, indicator="", text="chung", author=world.reviewer)
    for limit in (300, 4, 1):
        got = submission_history(sub, limit=limit)
        assert got == _orm_history(sub, limit=limit), limit
    full = submission_history(sub)
    assert {h.kind for h in full} == {"value", "status", "comment"}
    assert ("—", "12,5") in [(h.old, h.new) for h in full]
    assert any(h.note == "điều chỉnh số tính tự động: số liệu Cổng sai" for h in full)
    assert any(h.who == "(hệ thống)" and h.kind == "status" for h in full)
