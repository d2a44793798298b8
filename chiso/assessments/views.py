"""Pages of the assessment workflow: my work, the entry form, evidence, review, rounds, reminders.

Every page reaches a submission through ``Submission.objects.visible_to(user)``
(outside the user's scope it does not exist: 404) and then checks the action
(``can_edit_unit`` / ``can_review_unit``: 403). Verdicts always come from the
engine (``workflow.evaluate_submission``), never from arithmetic in a view.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db import connection, transaction
from django.db.models import Count, Q
from django.forms import BoundField
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from chiso.accounts.permissions import (
    ROLE_ADMIN,
    ROLE_REPORTER,
    ROLE_REVIEWER,
    ROLE_VIEWER,
    can_edit_unit,
    can_review_unit,
    can_view_unit,
    role_of,
    role_required,
    unit_scope_sql,
)
from chiso.engine.model import Indicator, IndicatorResult, UnitResult
from chiso.engine.periods import parse_period
from chiso.engine.targets import describe_target, select_target
from chiso.frameworks.models import Framework
from chiso.results.models import BASIS_PROVISIONAL
from chiso.sqlrows import Joined, fetch_joined
from chiso.units.models import Unit, unit_infos

from . import offline
from .evaluation import element_kinds, evaluate_framework
from .evidence import EvidenceError, renamed_note, store_evidence
from .forms import (
    EntryForm,
    EvidenceForm,
    OfflineUploadForm,
    RoundForm,
    element_title,
    field_name,
    slug,
)
from .models import (
    OPEN_STATUSES,
    STATUS_APPROVED,
    STATUS_RETURNED,
    STATUS_SUBMITTED,
    Evidence,
    ReviewComment,
    Round,
    Submission,
    SubmissionEvent,
    Value,
)
from .reminders import pending_submissions, send_reminders
from .workflow import (
    TRANSITIONS,
    ConflictError,
    ValueChange,
    WorkflowError,
    apply_transition,
    available_transitions,
    close_round,
    days_left,
    evaluate_submission,
    may_transition,
    open_round,
    reopen_round,
    save_values,
    show_stored,
    status_label,
    submit_problems,
    user_label,
)
from .writes import not_applicable, stored_content

# --- helpers -----------------------------------------------------------------------------------


def _submission_or_404(user: Any, pk: int) -> Submission:
    """The submission if it belongs to a unit the user may see; 404 otherwise (existence not revealed).

    With its round, framework (not its JSON document: never read here, costly to decode), unit,
    parent unit and last editor, read in one hand-written join (``chiso.sqlrows``): every save
    and every form opens with it, and composing it with the ORM cost more than running it.
    """
    if not 0 < pk < 2**63:  # no such row, and SQLite cannot even bind the number: 404, as the ORM gave
        raise Http404
    qn = connection.ops.quote_name
    where, params = ["s.id = %s"], [pk]
    in_scope, scope_params = unit_scope_sql(user, f"u.{qn('path')}")
    if in_scope:
        where.append(in_scope)
        params += scope_params
    rows = fetch_joined(_SUBMISSION_PAGE, (
        f"FROM {qn(Submission._meta.db_table)} s "
        f"INNER JOIN {qn(Round._meta.db_table)} r ON r.id = s.round_id "
        f"INNER JOIN {qn(Framework._meta.db_table)} f ON f.id = r.framework_id "
        f"INNER JOIN {qn(Unit._meta.db_table)} u ON u.id = s.unit_id "
        f"LEFT OUTER JOIN {qn(Unit._meta.db_table)} p ON p.id = u.parent_id "
        f"LEFT OUTER JOIN {qn(get_user_model()._meta.db_table)} e ON e.id = s.updated_by_id "
        f"WHERE {' AND '.join(where)}"), params,
        extra=[f"EXISTS (SELECT 1 FROM {qn(Unit._meta.db_table)} c WHERE c.{qn('parent_id')} = u.id)"])
    if not rows:
        raise Http404
    sub, round_, framework, unit, parent, editor, has_children = rows[0]
    round_.framework = framework
    unit.parent = parent
    unit.known_has_children = bool(has_children)  # for ``unit_infos``: not asked again in this request
    sub.round, sub.unit, sub.updated_by = round_, unit, editor
    return sub


_SUBMISSION_PAGE = (
    Joined(Submission, "s"), Joined(Round, "r"), Joined(Framework, "f", defer=("document",)),
    Joined(Unit, "u"), Joined(Unit, "p"), Joined(get_user_model(), "e"),
)


@dataclass
class InputCell:
    row: Any
    field: BoundField | None
    reason: BoundField | None
    slug: str
    previous: str = ""
    stored: str = ""
    source: str = ""
    provenance: dict = field(default_factory=dict)


@dataclass
class Block:
    """One criterion (or sub-item) as the form and the review page show it."""

    code: str
    name: str
    kind: str
    depth: int
    indicator: Indicator
    result: IndicatorResult | None
    target_text: str
    slug: str
    cells: list[InputCell] = field(default_factory=list)
    items: list[Block] = field(default_factory=list)
    narrative: BoundField | None = None
    narrative_text: str = ""
    previous_narrative: str = ""
    comments: list[ReviewComment] = field(default_factory=list)
    evidence: list[Evidence] = field(default_factory=list)
    evidence_required: bool = False
    evidence_error: str = ""  # why the file just sent for this criterion was refused
    evidence_notes: list[str] = field(default_factory=list)  # e.g. "saved as …"

    @property
    def applicable(self) -> bool:
        return self.kind == "text" or self.result is None or self.result.status != "not_applicable"

    @property
    def status(self) -> str:
        return self.result.status if self.result is not None else "missing"


def build_blocks(
    form: EntryForm,
    result: UnitResult,
    year: int,
    comments: dict[str, list[ReviewComment]] | None = None,
    evidence: dict[str, list[Evidence]] | None = None,
    previous: dict[str, Value] | None = None,
) -> list[Block]:
    """Criteria with their sub-items, target for this unit, inputs, verdict, comments and evidence."""
    spec = form.spec
    info = result.unit
    kinds = element_kinds(spec)
    comments = comments or {}
    evidence = evidence or {}
    previous = previous or {}

    def make(ind: Indicator, code: str, ind_result: IndicatorResult | None, depth: int) -> Block:
        target = select_target(ind, info, year) if ind.kind not in ("composite", "text") else None
        block = Block(
            code=code, name=ind.name, kind=ind.kind, depth=depth, indicator=ind, result=ind_result,
            target_text=describe_target(target, ind.kind, spec.decimals) if target is not None else "",
            slug=slug(code), comments=comments.get(code, []), evidence=evidence.get(code, []),
            evidence_required=ind.evidence_required,
        )
        if ind.kind == "composite":
            item_results = list(ind_result.items) if ind_result is not None else []
            for pos, item in enumerate(ind.items):
                item_result = _match_item(item_results, item.code, pos)
                block.items.append(make(item, f"{code}.{item.code}", item_result, depth + 1))
            return block
        for name in ind.inputs:
            element = f"{code}.{name}"
            row = form.plan.rows[element]
            stored = form.stored.get(element)
            prev = previous.get(element)
            block.cells.append(InputCell(
                row=row, field=form[row.name], reason=form[row.reason_name] if row.reason_name else None,
                slug=slug(element),
                previous=show_stored(prev.number, prev.text, kinds[element]) if prev is not None else "",
                stored=show_stored(stored.number, stored.text, kinds[element]) if stored is not None else "",
                source=stored.source if stored is not None else "",
                provenance=stored.provenance if stored is not None else {},
            ))
        return block

    blocks = []
    for ind in spec.indicators:
        try:
            ind_result = result.indicator(ind.code)
        except KeyError:
            ind_result = None
        block = make(ind, ind.code, ind_result, 0)
        narrative = form.plan.narratives.get(ind.code)
        if narrative:
            block.narrative = form[field_name(narrative)]
            stored = form.stored.get(narrative)
            block.narrative_text = stored.text if stored is not None else ""
            prev = previous.get(narrative)
            block.previous_narrative = prev.text if prev is not None else ""
        blocks.append(block)
    return blocks


def _match_item(results: list[IndicatorResult], code: str, pos: int) -> IndicatorResult | None:
    for r in results:
        if r.code == code or r.code.endswith(f".{code}"):
            return r
    return results[pos] if pos < len(results) else None


def _comments_by_indicator(submission: Submission) -> dict[str, list[ReviewComment]]:
    """Comments of the latest return (what the reporter must fix now)."""
    last_return = submission.events.filter(to_status=STATUS_RETURNED).order_by("-at", "-pk").first()
    out: dict[str, list[ReviewComment]] = defaultdict(list)
    if last_return is None:
        return out
    for c in submission.comments.filter(event=last_return).select_related("author"):
        out[c.indicator].append(c)
    return out


def _evidence_by_indicator(evidence: Iterable[Evidence]) -> dict[str, list[Evidence]]:
    out: dict[str, list[Evidence]] = defaultdict(list)
    for e in evidence:
        out[e.indicator].append(e)
    return out


def _previous_values(submission: Submission) -> tuple[str, dict[str, Value]]:
    """The previous period's rows of the same framework (any version) for this unit."""
    prev = parse_period(submission.period).previous()
    rows = Value.objects.filter(
        framework__code=submission.framework.code, unit=submission.unit, period=prev.code,
    ).order_by("framework__loaded_at")
    return prev.label, {v.element: v for v in rows}


@dataclass
class HistoryEntry:
    at: Any
    who: str
    what: str
    old: str
    new: str
    note: str = ""
    kind: str = "value"


# Value records read beyond a history's limit, for the saves that changed nothing shown (left out).
HISTORY_SLACK = 100


def submission_history(submission: Submission, limit: int = 300) -> list[HistoryEntry]:
    """The newest ``limit`` value and status changes and comments of the submission, newest first (who,
    when, old → new): read bounded, however long the report's history.

    Every report page shows it, so its three reads are written as SQL (``chiso.sqlrows``): composing
    them with the ORM (a window, two joins each) cost more than the rest of the form page's queries."""
    kinds = element_kinds(submission.framework.spec())
    qn = connection.ops.quote_name
    entries: list[HistoryEntry] = []
    events = fetch_joined(_EVENT_ROWS, (
        f"FROM {qn(SubmissionEvent._meta.db_table)} e LEFT OUTER JOIN {qn(get_user_model()._meta.db_table)} a "
        f"ON a.id = e.{qn('actor_id')} WHERE e.{qn('submission_id')} = %s "
        f"ORDER BY e.{qn('at')} DESC, e.id DESC LIMIT %s"), [submission.pk, limit])
    for ev, actor in events:
        entries.append(HistoryEntry(
            at=ev.at, who=user_label(actor), what=_("Trạng thái"),
            old=status_label(ev.from_status) if ev.from_status else "—", new=status_label(ev.to_status),
            note=ev.comment, kind="status",
        ))
    # Per-criterion comments of every return stay readable here after the report moves on.
    comments = fetch_joined(_COMMENT_ROWS, (
        f"FROM {qn(ReviewComment._meta.db_table)} c LEFT OUTER JOIN {qn(get_user_model()._meta.db_table)} a "
        f"ON a.id = c.{qn('author_id')} WHERE c.{qn('submission_id')} = %s AND c.{qn('indicator')} <> %s "
        f"ORDER BY c.{qn('created_at')} DESC, c.id DESC LIMIT %s"), [submission.pk, "", limit])
    for c, author in comments:
        entries.append(HistoryEntry(
            at=c.created_at, who=user_label(author),
            what=_("Nhận xét chỉ tiêu %(code)s") % {"code": c.indicator},
            old="—", new="—", note=c.text, kind="comment",
        ))
    # The newest value changes only — bounded, however often the report was saved — each with the
    # record before it of the same cell (a window over all of the cell's records, worked out by the
    # database), which gives the "old" column.
    table = qn(Value.history.model._meta.db_table)
    records = fetch_joined(_VALUE_HISTORY_ROWS, (
        f"FROM (SELECT {qn('history_id')} AS hid, LAG({qn('history_id')}) OVER (PARTITION BY {qn('element')} "
        f"ORDER BY {qn('history_date')}, {qn('history_id')}) AS prev_hid FROM {table} "
        f"WHERE {qn('framework_id')} = %s AND {qn('unit_id')} = %s AND {qn('period')} = %s) w "
        f"INNER JOIN {table} h ON h.{qn('history_id')} = w.hid "
        f"LEFT OUTER JOIN {table} p ON p.{qn('history_id')} = w.prev_hid "
        f"LEFT OUTER JOIN {qn(get_user_model()._meta.db_table)} a ON a.id = h.{qn('history_user_id')} "
        f"ORDER BY h.{qn('history_date')} DESC, h.{qn('history_id')} DESC LIMIT %s"),
        [submission.round.framework_id, submission.unit_id, submission.period, limit + HISTORY_SLACK])
    for rec, prev, who in records:
        kind = kinds.get(rec.element, "text")
        old = "" if prev is None or prev.history_type == "-" else show_stored(prev.number, prev.text, kind)
        new = "" if rec.history_type == "-" else show_stored(rec.number, rec.text, kind)
        if old == new and rec.history_type == "~":
            continue
        note = {"computed": _("tính tự động"), "import": _("nhập từ tệp"), "override": _("điều chỉnh")}.get(
            rec.source, "")
        if rec.source == "override" and rec.provenance.get("reason"):
            note = _("điều chỉnh số tính tự động: %(r)s") % {"r": rec.provenance["reason"]}
        entries.append(HistoryEntry(
            at=rec.history_date, who=user_label(who), what=element_title(rec.element),
            old=old or "—", new=new or "—", note=note,
        ))
    entries.sort(key=lambda e: e.at, reverse=True)
    return entries[:limit]


_PERSON = ("first_name", "last_name", "username")  # what ``user_label`` reads of a user
_USER_DEFERRED = tuple(f.attname for f in get_user_model()._meta.concrete_fields
                       if f.attname not in ("id", *_PERSON))
_EVENT_ROWS = (Joined(SubmissionEvent, "e"), Joined(get_user_model(), "a", defer=_USER_DEFERRED))
_COMMENT_ROWS = (Joined(ReviewComment, "c"), Joined(get_user_model(), "a", defer=_USER_DEFERRED))
_VALUE_HISTORY_ROWS = (
    Joined(Value.history.model, "h"),
    Joined(Value.history.model, "p", defer=tuple(
        f.attname for f in Value.history.model._meta.concrete_fields
        if f.attname not in ("history_id", "number", "text", "history_type"))),
    Joined(get_user_model(), "a", defer=_USER_DEFERRED),
)


def _merge_after_conflict(sub: Submission, form: EntryForm, posted) -> tuple[EntryForm, str]:
    """The form to show after a conflict: cells this user changed keep what they typed, every
    other cell shows the figure stored now, and ``seen`` becomes what is stored now — so a
    later save never writes this user's stale blanks over someone else's figures."""
    from .writes import same_content

    current = EntryForm(sub)
    data = posted.copy()
    for change in form.changes():
        if change.seen is not None and same_content(change.seen, (change.number, change.text or "")):
            name = field_name(change.element)
            if name in current.fields:
                data[name] = current.fields[name].initial or ""
    merged = EntryForm(sub, data)
    merged.is_valid()
    return merged, current.seen_json()


def _form_context(request: HttpRequest, sub: Submission, form: EntryForm, result: UnitResult,
                  version: int | None = None, **extra: Any) -> dict[str, Any]:
    year = parse_period(sub.period).year
    # The reviewer's comments tell the reporter what to fix, so they show only while the report
    # is returned; once resubmitted or approved they live on in the history below.
    comments = _comments_by_indicator(sub) if sub.status == STATUS_RETURNED else {}
    # Read once: the blocks, the delete forms and the submit check all show the same files.
    evidence = list(sub.evidence.all().select_related("uploaded_by"))
    blocks = build_blocks(form, result, year, comments, _evidence_by_indicator(evidence))
    evidence_errors = extra.pop("evidence_errors", {})
    for block in _walk_blocks(blocks):
        block.evidence_error = evidence_errors.get(block.code, "")
    can_edit = can_edit_unit(request.user, sub.unit) and sub.is_editable
    return {
        "sub": sub,
        "form": form,
        "blocks": blocks,
        "result": result,
        "decimals": form.spec.decimals,
        "version": sub.version if version is None else version,
        # What the form showed when this user loaded it (kept across re-renders of a POST).
        "seen": extra.pop("seen", None) or (request.method == "POST" and request.POST.get("seen"))
        or form.seen_json(),
        "can_edit": can_edit,
        "problems": submit_problems(sub, result, {e.indicator for e in evidence}) if can_edit else [],
        "general_comments": comments.get("", []),
        "transitions": [(to, rule) for to, rule in available_transitions(sub, request.user)
                        if to != STATUS_SUBMITTED],
        "can_submit": any(to == STATUS_SUBMITTED for to, _r in available_transitions(sub, request.user)),
        "history": submission_history(sub),
        "period_label": parse_period(sub.period).label,
        "days_left": days_left(sub.round.deadline),
        "evidence_form": EvidenceForm(),
        "evidence_max_bytes": settings.EVIDENCE_MAX_BYTES,
        "all_evidence": evidence,
        "offline_form": OfflineUploadForm(),
        "can_review": can_review_unit(request.user, sub.unit) and sub.status == STATUS_SUBMITTED,
        **extra,
    }


# --- reporter pages ----------------------------------------------------------------------------


@role_required(ROLE_REPORTER)
def my_work(request: HttpRequest) -> HttpResponse:
    """"Việc cần làm": the reporter's submissions in open rounds, deadline first."""
    subs = (
        Submission.objects.visible_to(request.user).open()
        .select_related("round__framework", "unit").order_by("round__deadline", "unit__path")
    )
    subs = [s for s in subs if can_edit_unit(request.user, s.unit)]
    rows = [{"sub": s, "days_left": days_left(s.round.deadline), "period_label": parse_period(s.period).label}
            for s in subs]
    return render(request, "assessments/my_work.html", {
        "todo": [r for r in rows if r["sub"].status in OPEN_STATUSES],
        "done": [r for r in rows if r["sub"].status not in OPEN_STATUSES],
    })


@login_required
@require_http_methods(["GET", "POST"])
def submission(request: HttpRequest, pk: int) -> HttpResponse:
    """The entry form of one submission: save a draft any time, submit when valid."""
    sub = _submission_or_404(request.user, pk)
    if request.method == "GET":
        form = EntryForm(sub)
        return render(request, "assessments/submission.html", _form_context(
            request, sub, form, evaluate_submission(sub, rows=form.stored_rows())))
    if not can_edit_unit(request.user, sub.unit):
        raise PermissionDenied(_("Bạn không được nhập số liệu cho đơn vị này."))
    form = EntryForm(sub, request.POST)
    try:
        posted_version = int(request.POST.get("version", ""))
    except ValueError:
        posted_version = -1
    action = request.POST.get("action", "save")
    form.read_seen(request.POST.get("seen"))
    if not form.is_valid():
        return _save_valid_cells(request, sub, form, posted_version)
    changes = form.changes()
    try:
        described = save_values(sub, request.user, changes, posted_version)
    except ConflictError as exc:
        return _conflict_page(request, sub, form, exc)
    except WorkflowError as exc:
        messages.error(request, exc.message)
        return _after_save(request, sub, form, posted_version, [])
    if described:
        messages.success(request, _("Đã lưu %(n)d thay đổi.") % {"n": len(described)})
    elif action == "save":
        messages.info(request, _("Không có gì thay đổi."))
    if action == "submit":
        try:
            apply_transition(sub, STATUS_SUBMITTED, request.user, expected_version=sub.version)
        except ConflictError as exc:
            messages.error(request, exc.message)
            return redirect("assessments:submission", pk=sub.pk)
        except WorkflowError as exc:
            form = EntryForm(sub)
            return render(request, "assessments/submission.html", _form_context(
                request, sub, form, evaluate_submission(sub, rows=form.stored_rows()),
                error=exc.message, error_problems=exc.problems), status=400)
        messages.success(request, _("Đã nộp báo cáo. Người thẩm định sẽ xem và duyệt hoặc trả lại kèm nhận xét."))
        return redirect("assessments:my_work")
    return _after_save(request, sub, form, posted_version, changes, saved=True)


def _after_save(request: HttpRequest, sub: Submission, form: EntryForm, posted_version: int,
                saved_changes: list[ValueChange], saved: bool = False, status: int = 200) -> HttpResponse:
    """After "Lưu nháp": sent in place (htmx), the page's new state as out-of-band fragments — the
    typed figures and the scroll position stay, and a deadline-day save is one request, not a
    POST plus a whole form page; posted without JavaScript, back to the form (post/redirect/get).

    The verdicts are not in the answer: they follow what is typed, and the page's live preview
    (on every input) already shows them for exactly these figures. The answer carries the page's
    state for the next save, the messages and each cell's message. That state is what the page
    itself knows, never a fresh read of the store: ``seen`` is what the page was shown plus the
    cells this save stored (its boxes are not refreshed, so figures someone else saved meanwhile
    must stay unseen), and the version stays the one the page loaded — a later save then always
    checks, cell by cell, that nobody else changed what it changes.
    """
    if not request.htmx:
        return redirect("assessments:submission", pk=sub.pk)
    skip = not_applicable(sub.framework, [sub.unit_id], sub.period, [sub.unit])[sub.unit_id]
    cells = [
        {"slug": slug(element),
         "errors": [*form.errors.get(row.name, []), *form.errors.get(row.reason_name or "", [])]}
        for element, row in form.plan.rows.items()
        if not any(element.startswith(f"{code}.") for code in skip)
    ]
    return render(request, "assessments/_saved.html", {
        "version": posted_version, "seen": _seen_after(form, saved_changes), "cells": cells,
        "saved_at": timezone.localtime().strftime("%H:%M") if saved else "",
    }, status=status)


def _seen_after(form: EntryForm, saved_changes: list[ValueChange]) -> str:
    """The hidden ``seen`` after an in-place save: the posted one (or, without it, what was stored
    when this request began) with the content of every cell this save stored or found already so."""
    shown = form.seen if form.seen is not None else {
        element: stored_content(row) for element, row in form.stored.items()}
    content = {**shown, **{c.element: (c.number, c.text or "") for c in saved_changes}}
    return json.dumps({e: [None if n is None else str(n), t or ""] for e, (n, t) in content.items()},
                      ensure_ascii=False, sort_keys=True)


def _valid_changes(form: EntryForm) -> list[ValueChange]:
    """The changes of a form that failed validation, without the cells that failed (their stored
    figure stays as it is): a reporter's other figures are never thrown away for one typo."""
    invalid = set(form.errors)
    keep = []
    for change in form.changes():
        row = form.plan.rows.get(change.element)
        names = {row.name, row.reason_name} if row is not None else {field_name(change.element)}
        if not names & invalid:
            keep.append(change)
    return keep


def _conflict_page(request: HttpRequest, sub: Submission, form: EntryForm, exc: ConflictError) -> HttpResponse:
    """409: someone else changed a cell this user changed too; the form keeps this user's own
    changes and shows everyone else's figures (see ``_merge_after_conflict``)."""
    form, seen = _merge_after_conflict(sub, form, request.POST)
    result = evaluate_submission(sub, form.engine_values())
    response = render(request, "assessments/submission.html", _form_context(
        request, sub, form, result, version=exc.current.version, conflict=exc.message,
        seen=seen), status=409)
    if request.htmx:
        # A save sent in place: the merged form replaces the page's content (htmx swaps only 2xx).
        response.status_code = 200
        response["HX-Retarget"] = "#noi-dung"
        response["HX-Reselect"] = "#noi-dung"
        response["HX-Reswap"] = "outerHTML"
    return response


def _save_valid_cells(request: HttpRequest, sub: Submission, form: EntryForm, posted_version: int) -> HttpResponse:
    """"Lưu nháp" with some invalid cells: store the valid ones, show the page again with every
    typed value and the invalid cells marked (HTTP 400: the whole form was not accepted)."""
    valid = _valid_changes(form)
    try:
        described = save_values(sub, request.user, valid, posted_version)
    except ConflictError as exc:
        return _conflict_page(request, sub, form, exc)
    except WorkflowError as exc:
        messages.error(request, exc.message)
        return _after_save(request, sub, form, posted_version, [])
    n_bad = len({name for name in form.errors if name != "__all__"})
    if described:
        error = _("Đã lưu %(n)d thay đổi hợp lệ; %(bad)d ô chưa đúng chưa được lưu (xem chữ đỏ dưới "
                  "từng ô), sửa rồi bấm “Lưu nháp” lần nữa.") % {"n": len(described), "bad": n_bad}
    else:
        error = _("Chưa lưu: có ô nhập chưa đúng (xem chữ đỏ dưới từng ô).")
    if request.htmx:
        # In place, the typed figures are still on the page; the cells' messages come with the answer.
        messages.error(request, error)
        return _after_save(request, sub, form, posted_version, valid, saved=bool(described))
    # The page shows the figures as posted, so its state is what the page knew plus what this save
    # stored (as in place, ``_after_save``) — never a fresh read: a figure someone else saved meanwhile
    # is not in its boxes, and the next save must not overwrite it unseen.
    result = evaluate_submission(sub, form.engine_values())
    return render(request, "assessments/submission.html", _form_context(
        request, sub, form, result, version=posted_version if posted_version >= 0 else sub.version,
        seen=_seen_after(form, valid), error=error), status=400)


@login_required
@require_POST
def preview(request: HttpRequest, pk: int) -> HttpResponse:
    """As the reporter types: the engine's verdict per criterion and inline messages (htmx)."""
    sub = _submission_or_404(request.user, pk)
    form = EntryForm(sub, request.POST)
    form.is_valid()
    result = evaluate_submission(sub, form.engine_values())
    year = parse_period(sub.period).year
    blocks = build_blocks(form, result, year)
    return render(request, "assessments/_preview.html", {
        "sub": sub, "form": form, "blocks": blocks, "result": result, "decimals": form.spec.decimals,
        "problems": submit_problems(sub, result),
    })


@login_required
@require_POST
def transition(request: HttpRequest, pk: int) -> HttpResponse:
    """Apply one transition from the table (e.g. an administrator reopening approved work)."""
    sub = _submission_or_404(request.user, pk)
    to = request.POST.get("to", "")
    if (sub.status, to) in TRANSITIONS and not may_transition(sub, to, request.user):
        raise PermissionDenied(_("Tài khoản của bạn không được “%(action)s” báo cáo này.") % {
            "action": TRANSITIONS[(sub.status, to)].label})
    try:
        version = int(request.POST.get("version", ""))
    except ValueError:
        version = None
    try:
        apply_transition(sub, to, request.user, comment=request.POST.get("comment", ""),
                         expected_version=version)
    except WorkflowError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("Báo cáo đã chuyển sang “%(s)s”.") % {"s": status_label(to)})
    return redirect("assessments:submission", pk=sub.pk)


# --- evidence ----------------------------------------------------------------------------------


def _walk_blocks(blocks: list[Block]):
    for block in blocks:
        yield block
        yield from _walk_blocks(block.items)


def _evidence_block(sub: Submission, code: str, files: bool = True) -> Block | None:
    """The criterion ``code`` as the evidence part of the form needs it (no inputs, no verdict).

    ``files=False``: without its list of files (an upload that only appends to the page's list).
    """
    spec = sub.framework.spec()

    def find(indicators, prefix: str, depth: int) -> Block | None:
        for ind in indicators:
            full = f"{prefix}{ind.code}"
            if full == code:
                return Block(code=full, name=ind.name, kind=ind.kind, depth=depth, indicator=ind, result=None,
                             target_text="", slug=slug(full), evidence_required=ind.evidence_required,
                             evidence=list(sub.evidence.filter(indicator=full)) if files else [])
            found = find(ind.items, f"{full}.", depth + 1)
            if found is not None:
                return found
        return None

    return find(spec.indicators, "", 0)


@login_required
@require_POST
def evidence_upload(request: HttpRequest, pk: int) -> HttpResponse:
    """Store one evidence file for a criterion.

    Sent by htmx (the page's usual way), the answer is that criterion's evidence block only, with
    the file's refusal reason or the renaming note in it: the rest of the page, and the figures
    typed but not saved yet, stay as they are. When the criterion already listed files, only the
    new file, the emptied file box and the message are sent (out of band, ``HX-Reswap: none``):
    the answer does not grow with the list. Without JavaScript the page reloads at the criterion
    (success) or is shown again with the reason next to it (refusal).
    """
    # Reads only what an upload needs (no framework document: the spec comes from the YAML; no
    # editor's row; no ordering joins). Outside the user's scope the report does not exist (404),
    # as with visible_to: the same scope paths, checked on the unit read here.
    sub = get_object_or_404(
        Submission.objects.select_related("round__framework", "unit").defer("round__framework__document")
        .order_by(), pk=pk,
    )
    if not can_view_unit(request.user, sub.unit):
        raise Http404
    if not can_edit_unit(request.user, sub.unit):
        raise PermissionDenied(_("Bạn không được nộp minh chứng cho đơn vị này."))
    form = EvidenceForm(request.POST, request.FILES)
    code = (request.POST.get("indicator") or "").strip()
    if code and code not in _all_codes(sub):
        raise Http404
    error, notes, stored = "", [], None
    if not sub.is_editable:
        error = _("Báo cáo đang ở trạng thái “%(s)s”, không thêm minh chứng được.") % {
            "s": status_label(sub.status)}
    elif not form.is_valid():
        error = _("Hãy chọn một tệp minh chứng.")
    else:
        upload = form.cleaned_data["file"]
        try:
            stored = store_evidence(sub, upload, request.user, code, form.cleaned_data["description"])
        except EvidenceError as exc:
            error = str(exc)
        else:
            notes.append(_("Đã lưu minh chứng “%(name)s”.") % {"name": stored.original_name})
            note = renamed_note(stored, upload.name)
            if note:
                notes.append(note)
    # The page lists files of this criterion already: the new one is appended to that list.
    appended = bool(request.htmx and stored is not None and code
                    and sub.evidence.filter(indicator=code).exclude(pk=stored.pk).exists())
    block = _evidence_block(sub, code, files=not appended) if code else None
    if request.htmx and block is not None:
        block.evidence_error, block.evidence_notes = error, notes
        response = render(request, "assessments/_evidence_upload_result.html", {
            "b": block, "sub": sub, "editable": sub.is_editable, "new_evidence": stored,
            "evidence_max_bytes": settings.EVIDENCE_MAX_BYTES, "appended": appended,
        })
        if appended:
            response["HX-Reswap"] = "none"  # everything is out of band
        if stored is not None:
            response["HX-Trigger"] = "evidence-changed"  # the form re-checks what is missing to submit
        return response
    if error and block is not None and sub.is_editable:
        return render(request, "assessments/submission.html", _form_context(
            request, sub, entry := EntryForm(sub), evaluate_submission(sub, rows=entry.stored_rows()),
            evidence_errors={code: error},
            error=_("Chưa lưu minh chứng của chỉ tiêu %(code)s: %(why)s") % {"code": code, "why": error}),
            status=400)
    if error:
        messages.error(request, error)
    for i, note in enumerate(notes):
        (messages.success if i == 0 else messages.warning)(request, note)
    anchor = f"#ind-{slug(code)}" if code and not error else ""
    return redirect(reverse("assessments:submission", args=[sub.pk]) + anchor)


def _all_codes(sub: Submission) -> set[str]:
    codes: set[str] = set()

    def walk(ind: Indicator, code: str) -> None:
        codes.add(code)
        for item in ind.items:
            walk(item, f"{code}.{item.code}")

    for ind in sub.framework.spec().indicators:
        walk(ind, ind.code)
    return codes


def _evidence_or_404(user: Any, pk: int) -> Evidence:
    return get_object_or_404(
        Evidence.objects.filter(submission__in=Submission.objects.visible_to(user)).select_related(
            "submission__unit", "submission__round"), pk=pk,
    )


@login_required
def evidence_download(request: HttpRequest, pk: int) -> FileResponse:
    """Serve an evidence file to those who may see its unit, as an attachment with its real type."""
    ev = _evidence_or_404(request.user, pk)
    try:
        handle = ev.file.open("rb")
    except FileNotFoundError as exc:
        raise Http404(_("Tệp minh chứng không còn trên máy chủ.")) from exc
    response = FileResponse(handle, content_type=ev.content_type, as_attachment=True,
                            filename=ev.original_name)
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response


@login_required
@require_POST
def evidence_delete(request: HttpRequest, pk: int) -> HttpResponse:
    ev = _evidence_or_404(request.user, pk)
    sub = ev.submission
    if not can_edit_unit(request.user, sub.unit):
        raise PermissionDenied(_("Bạn không được xoá minh chứng của đơn vị này."))
    if not sub.is_editable:
        messages.error(request, _("Báo cáo đang ở trạng thái “%(s)s”, không xoá minh chứng được.") % {
            "s": status_label(sub.status)})
    else:
        name = ev.original_name
        ev.file.delete(save=False)
        ev.delete()
        if request.htmx:
            # Only the criterion's evidence block changes: typed figures stay on the page.
            block = _evidence_block(sub, ev.indicator) if ev.indicator else None
            if block is not None:
                block.evidence_notes = [_("Đã xoá minh chứng “%(name)s”.") % {"name": name}]
                response = render(request, "assessments/_evidence_upload_result.html", {
                    "b": block, "sub": sub, "editable": True, "new_evidence": None,
                    "evidence_max_bytes": settings.EVIDENCE_MAX_BYTES,
                })
                response["HX-Trigger"] = "evidence-changed"
                return response
        messages.success(request, _("Đã xoá minh chứng “%(name)s”.") % {"name": name})
    return redirect("assessments:submission", pk=sub.pk)


# --- offline XLSX ------------------------------------------------------------------------------


@login_required
def offline_download(request: HttpRequest, pk: int) -> HttpResponse:
    """The unit's form as a pre-filled XLSX to fill in Excel."""
    sub = _submission_or_404(request.user, pk)
    data = offline.build_workbook(sub)
    response = HttpResponse(data, content_type=offline.XLSX_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{offline.filename(sub)}"'
    return response


@login_required
@require_POST
def offline_upload(request: HttpRequest, pk: int) -> HttpResponse:
    """Upload the filled XLSX back: all rows are stored, or none (every problem with row and column)."""
    sub = _submission_or_404(request.user, pk)
    if not can_edit_unit(request.user, sub.unit):
        raise PermissionDenied(_("Bạn không được nhập số liệu cho đơn vị này."))
    form = OfflineUploadForm(request.POST, request.FILES)
    if not form.is_valid():
        messages.error(request, _("Hãy chọn tệp Excel đã điền."))
        return redirect("assessments:submission", pk=sub.pk)
    upload = form.cleaned_data["file"]
    try:
        described = offline.import_workbook(sub, upload, upload.name, request.user)
    except offline.OfflineError as exc:
        entry = EntryForm(sub)
        return render(request, "assessments/submission.html", _form_context(
            request, sub, entry, evaluate_submission(sub, rows=entry.stored_rows()),
            error=exc.message, error_problems=exc.problems), status=400)
    except WorkflowError as exc:
        messages.error(request, exc.message)
        return redirect("assessments:submission", pk=sub.pk)
    messages.success(request, _("Đã nhận tệp %(name)s: %(n)d thay đổi được lưu.") % {
        "name": upload.name, "n": len(described)})
    return redirect("assessments:submission", pk=sub.pk)


# --- review --------------------------------------------------------------------------------------


@role_required(ROLE_REVIEWER)
def review_queue(request: HttpRequest) -> HttpResponse:
    """Submitted work waiting for review, within the reviewer's scope, oldest first."""
    subs = (
        Submission.objects.visible_to(request.user).open().filter(status=STATUS_SUBMITTED)
        .select_related("round__framework", "unit", "updated_by").order_by("submitted_at", "unit__path")
    )
    subs = [s for s in subs if can_review_unit(request.user, s.unit)]
    return render(request, "assessments/review_queue.html", {
        "rows": [{"sub": s, "period_label": parse_period(s.period).label,
                  "days_left": days_left(s.round.deadline), "submitter": _submitter(s)} for s in subs],
    })


def _submitter(sub: Submission) -> str:
    event = sub.events.filter(to_status=STATUS_SUBMITTED).select_related("actor").order_by("-at", "-pk").first()
    return user_label(event.actor) if event is not None else ""


@login_required
@require_http_methods(["GET", "POST"])
def review(request: HttpRequest, pk: int) -> HttpResponse:
    """All values with the engine's verdicts, evidence and the previous period; return or approve."""
    sub = _submission_or_404(request.user, pk)
    if not can_review_unit(request.user, sub.unit):
        raise PermissionDenied(_("Bạn không có quyền thẩm định báo cáo của đơn vị này."))
    codes = sorted(_all_codes(sub))
    if request.method == "POST":
        action = request.POST.get("action")
        general = request.POST.get("comment", "").strip()
        per_indicator = [(c, request.POST.get(f"c-{c}", "").strip()) for c in codes]
        per_indicator = [(c, t) for c, t in per_indicator if t]
        to = {"return": STATUS_RETURNED, "approve": STATUS_APPROVED}.get(action or "")
        if to is None:
            messages.error(request, _("Hãy chọn Trả lại hoặc Duyệt."))
            return redirect("assessments:review", pk=sub.pk)
        comment = general
        if to == STATUS_RETURNED and not comment and per_indicator:
            comment = "; ".join(f"{c}: {t}" for c, t in per_indicator)
        try:
            version = int(request.POST.get("version", ""))
        except ValueError:
            version = None
        try:
            with transaction.atomic():
                event = apply_transition(sub, to, request.user, comment=comment, expected_version=version)
                rows = [ReviewComment(submission=sub, event=event, indicator=c, text=t, author=request.user)
                        for c, t in per_indicator]
                if general:
                    rows.append(ReviewComment(submission=sub, event=event, indicator="", text=general,
                                              author=request.user))
                ReviewComment.objects.bulk_create(rows)
        except WorkflowError as exc:
            messages.error(request, str(exc))
            return redirect("assessments:review", pk=sub.pk)
        if to == STATUS_RETURNED:
            messages.success(request, _("Đã trả lại báo cáo của %(unit)s kèm nhận xét.") % {"unit": sub.unit.name})
        else:
            messages.success(request, _("Đã duyệt báo cáo của %(unit)s.") % {"unit": sub.unit.name})
        return redirect("assessments:review_queue")
    form = EntryForm(sub)
    result = evaluate_submission(sub, rows=form.stored_rows())
    prev_label, previous = _previous_values(sub)
    blocks = build_blocks(form, result, parse_period(sub.period).year, _comments_by_indicator(sub),
                          _evidence_by_indicator(sub.evidence.all().select_related("uploaded_by")), previous)
    return render(request, "assessments/review.html", {
        "sub": sub, "blocks": blocks, "result": result, "decimals": form.spec.decimals,
        "previous_label": prev_label, "has_previous": bool(previous),
        "history": submission_history(sub), "period_label": parse_period(sub.period).label,
        "can_act": sub.status == STATUS_SUBMITTED, "version": sub.version,
    })


# --- rounds --------------------------------------------------------------------------------------


@role_required(ROLE_REVIEWER, ROLE_VIEWER, ROLE_REPORTER)
def round_list(request: HttpRequest) -> HttpResponse:
    """Rounds with at least one unit the user may see, with their progress counts."""
    visible = Submission.objects.visible_to(request.user)
    rounds = (
        Round.objects.filter(submissions__in=visible).distinct().select_related("framework")
        .annotate(
            n_units=Count("submissions", filter=Q(submissions__in=visible), distinct=True),
            n_submitted=Count("submissions", distinct=True, filter=Q(
                submissions__in=visible, submissions__status__in=[STATUS_SUBMITTED, STATUS_APPROVED])),
            n_approved=Count("submissions", distinct=True, filter=Q(
                submissions__in=visible, submissions__status=STATUS_APPROVED)),
        )
    )
    return render(request, "assessments/round_list.html", {
        "rounds": [{"round": r, "period_label": parse_period(r.period).label,
                    "days_left": days_left(r.deadline)} for r in rounds],
        "can_open": role_of(request.user) == ROLE_ADMIN,
    })


@role_required(ROLE_ADMIN)
@require_http_methods(["GET", "POST"])
def round_create(request: HttpRequest) -> HttpResponse:
    """An administrator opens a round: framework version × period × units × deadline."""
    form = RoundForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            rnd = open_round(data["framework"], data["period"], data["deadline"], request.user,
                             root_unit=data["root_unit"], level=data["level"], title=data["title"])
        except WorkflowError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("Đã mở đợt đánh giá cho %(n)d đơn vị.") % {"n": rnd.submissions.count()})
            return redirect("assessments:round_detail", pk=rnd.pk)
    return render(request, "assessments/round_form.html", {"form": form})


@role_required(ROLE_REVIEWER, ROLE_VIEWER, ROLE_REPORTER)
def round_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """Progress and results of a round: workflow status and the engine's verdict per unit."""
    visible = Submission.objects.visible_to(request.user)
    rnd = get_object_or_404(Round.objects.filter(submissions__in=visible).distinct().select_related("framework"),
                            pk=pk)
    subs = list(visible.filter(round=rnd).select_related("unit").order_by("unit__path"))
    units = Unit.objects.filter(pk__in=[s.unit_id for s in subs])
    # The round's progress page judges what each unit has entered so far: provisional, and labelled so.
    evaluation = evaluate_framework(rnd.framework, rnd.period, units=units, basis=BASIS_PROVISIONAL)
    results = {r.unit.code: r for r in evaluation.results}
    if len(results) < len(subs):  # units the framework scope no longer covers: evaluate them one by one
        for info in unit_infos(units):
            if info.code not in results:
                results[info.code] = evaluate_framework(rnd.framework, rnd.period, unit=units.get(code=info.code),
                                                        basis=BASIS_PROVISIONAL).result(info.code)
    rows = [{"sub": s, "result": results.get(s.unit.code)} for s in subs]
    counts = {
        "units": len(subs),
        "submitted": sum(1 for s in subs if s.status in (STATUS_SUBMITTED, STATUS_APPROVED)),
        "approved": sum(1 for s in subs if s.status == STATUS_APPROVED),
        "complete": sum(1 for r in rows if r["result"] is not None and r["result"].status == "complete"),
        "incomplete": sum(1 for r in rows if r["result"] is not None and r["result"].status == "incomplete"),
        "not_reported": sum(1 for r in rows if r["result"] is None or r["result"].status == "not_reported"),
    }
    return render(request, "assessments/round_detail.html", {
        "round": rnd, "rows": rows, "counts": counts, "summary": evaluation.summary,
        "period_label": parse_period(rnd.period).label, "days_left": days_left(rnd.deadline),
        "can_close": role_of(request.user) == ROLE_ADMIN,
    })


@role_required(ROLE_ADMIN)
@require_POST
def round_close(request: HttpRequest, pk: int) -> HttpResponse:
    """Close (or reopen) a round: a closed round takes no more entries, transitions or reminders."""
    rnd = get_object_or_404(Round, pk=pk)
    if request.POST.get("reopen"):
        reopen_round(rnd)
        messages.success(request, _("Đã mở lại đợt đánh giá."))
    else:
        close_round(rnd)
        messages.success(request, _("Đã đóng đợt đánh giá: không nhận thêm số liệu."))
    return redirect("assessments:round_detail", pk=rnd.pk)


# --- reminders -----------------------------------------------------------------------------------


@role_required(ROLE_REVIEWER)
@require_http_methods(["GET", "POST"])
def reminders(request: HttpRequest) -> HttpResponse:
    """Units of open rounds that have not submitted, days to the deadline; a button to e-mail them."""
    pending = list(pending_submissions(Submission.objects.visible_to(request.user)))
    round_id = request.POST.get("round") or request.GET.get("round")
    if round_id:
        pending = [s for s in pending if str(s.round_id) == str(round_id)]
    if request.method == "POST":
        outcome = send_reminders(pending, sent_by=request.user, base_url=request.build_absolute_uri("/"))
        messages.success(request, outcome.summary())
        return redirect(reverse("assessments:reminders") + (f"?round={round_id}" if round_id else ""))
    last = {}
    for s in pending:
        reminder = s.reminders.first()
        last[s.pk] = reminder.sent_at if reminder else None
    return render(request, "assessments/reminders.html", {
        "rows": [{"sub": s, "days_left": days_left(s.round.deadline), "last": last[s.pk],
                  "period_label": parse_period(s.period).label} for s in pending],
        "round_id": round_id or "",
    })
