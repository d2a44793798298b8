"""Rounds and the submission workflow: one declared transition table, one function applying it.

A ``Submission`` moves draft → submitted → (returned → submitted)* → approved,
and an administrator may reopen approved work (approved → draft) with a reason.
Every change goes through ``apply_transition``, which checks the table, bumps
the submission's ``version`` with ``UPDATE … WHERE version = n`` and writes a
``SubmissionEvent``. Values are saved through ``save_values``, which uses the
same version check so that two people editing one submission never silently
overwrite each other.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from fractions import Fraction
from typing import Any

from django.db import connection, transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from chiso.accounts.permissions import (
    ROLE_ADMIN,
    ROLE_REPORTER,
    ROLE_REVIEWER,
    can_edit_unit,
    can_review_unit,
    role_of,
)
from chiso.engine.aggregate import in_scope
from chiso.engine.evaluate import evaluate_unit
from chiso.engine.model import Framework as FrameworkSpec
from chiso.engine.model import Indicator, UnitInfo, UnitResult
from chiso.engine.periods import parse_period
from chiso.frameworks.models import Framework
from chiso.results.store import mark_stale
from chiso.units.models import Unit, path_prefix_sql, unit_infos

from .evaluation import element_kinds, row_to_value
from .models import (
    STATUS_APPROVED,
    STATUS_DRAFT,
    STATUS_RETURNED,
    STATUS_SUBMITTED,
    Evidence,
    Round,
    Submission,
    SubmissionEvent,
)
from .writes import show_stored  # noqa: F401  (re-exported: one way to show a stored value)

NARRATIVE = "narrative"


class WorkflowError(Exception):
    """A refused action, with a Vietnamese message fit to show the user as is."""

    def __init__(self, message: str, problems: Sequence[str] = ()) -> None:
        super().__init__(message)
        self.message = message
        self.problems = list(problems)

    def __str__(self) -> str:
        return "\n".join([self.message, *self.problems])


class ConflictError(WorkflowError):
    """Someone else saved the submission since this user loaded it."""

    def __init__(self, message: str, current: Submission) -> None:
        super().__init__(message)
        self.current = current


@dataclass(frozen=True)
class Transition:
    """Who may move a submission from one status to another, and whether a comment is required.

    ``scope`` names the unit check applied on top of the role: ``edit``
    (``can_edit_unit``), ``review`` (``can_review_unit``) or ``admin`` (administrators
    see every unit). ``validate`` means the values must be complete and valid first.
    """

    roles: frozenset[str]
    label: Any  # a lazily translated string
    scope: str
    comment_required: bool = False
    validate: bool = False


# The one declared transition table (ARCHITECTURE convention 3).
TRANSITIONS: dict[tuple[str, str], Transition] = {
    (STATUS_DRAFT, STATUS_SUBMITTED): Transition(
        frozenset({ROLE_REPORTER, ROLE_ADMIN}), gettext_lazy("Nộp báo cáo"), "edit", validate=True),
    (STATUS_RETURNED, STATUS_SUBMITTED): Transition(
        frozenset({ROLE_REPORTER, ROLE_ADMIN}), gettext_lazy("Nộp lại báo cáo"), "edit", validate=True),
    (STATUS_SUBMITTED, STATUS_RETURNED): Transition(
        frozenset({ROLE_REVIEWER}), gettext_lazy("Trả lại để sửa"), "review", comment_required=True),
    (STATUS_SUBMITTED, STATUS_APPROVED): Transition(
        frozenset({ROLE_REVIEWER}), gettext_lazy("Duyệt"), "review"),
    (STATUS_APPROVED, STATUS_DRAFT): Transition(
        frozenset({ROLE_ADMIN}), gettext_lazy("Mở lại để sửa"), "admin", comment_required=True),
}


def user_label(user: Any) -> str:
    """How a person is named in messages and history: full name, else username."""
    if user is None:
        return _("(hệ thống)")
    return (user.get_full_name() or user.get_username()).strip()


def format_moment(moment) -> str:
    """A timestamp the Vietnamese way: 14:05 05/01/2026 (local time)."""
    return timezone.localtime(moment).strftime("%H:%M %d/%m/%Y")


def _unit_allows(user: Any, unit: Unit, scope: str) -> bool:
    if scope == "edit":
        return can_edit_unit(user, unit)
    if scope == "review":
        return can_review_unit(user, unit)
    return role_of(user) == ROLE_ADMIN


def may_transition(submission: Submission, to_status: str, user: Any) -> bool:
    """True when the table lets ``user`` move ``submission`` to ``to_status`` (validity aside)."""
    rule = TRANSITIONS.get((submission.status, to_status))
    if rule is None or role_of(user) not in rule.roles:
        return False
    return _unit_allows(user, submission.unit, rule.scope)


def available_transitions(submission: Submission, user: Any) -> list[tuple[str, Transition]]:
    """The transitions ``user`` may apply now, for buttons."""
    return [
        (to, rule) for (frm, to), rule in TRANSITIONS.items()
        if frm == submission.status and may_transition(submission, to, user)
    ]


# --- evaluation of one submission through the engine ------------------------------------


def submission_values(submission: Submission, overrides: dict[str, Any] | None = None,
                      rows: Iterable[tuple[str, Any, str]] | None = None) -> dict[str, Any]:
    """Element id → engine value of the stored rows, with ``overrides`` (typed in the form) on top.

    ``rows`` — (element, number, text) of the stored values when the caller has just read them.
    """
    spec = submission.framework.spec()
    kinds = element_kinds(spec)
    values: dict[str, Any] = {}
    if rows is None:
        rows = submission.values().values_list("element", "number", "text")
    for element, number, text in rows:
        kind = kinds.get(element)
        if kind is not None:
            values[element] = row_to_value(kind, number, text)
    if overrides:
        for element, value in overrides.items():
            if element in kinds:
                if value is None:
                    values.pop(element, None)
                else:
                    values[element] = value
    return values


def evaluate_submission(submission: Submission, overrides: dict[str, Any] | None = None,
                        rows: Iterable[tuple[str, Any, str]] | None = None) -> UnitResult:
    """The engine's verdict on this submission's values (never recomputed here)."""
    unit = submission.unit if Submission.unit.is_cached(submission) else None
    if unit is not None and "known_has_children" in unit.__dict__ and (
            not unit.parent_id or Unit.parent.is_cached(unit)):
        info = unit.to_info(has_children=unit.known_has_children)  # the page's join read all of it
    else:
        info = unit_infos(Unit.objects.filter(pk=submission.unit_id))[0]
    return evaluate_unit(
        submission.framework.spec(), info, submission_values(submission, overrides, rows),
        submission.period,
    )


def submit_problems(submission: Submission, result: UnitResult | None = None,
                    evidence_codes: set[str] | None = None) -> list[str]:
    """Why this submission may not be submitted yet: invalid or missing inputs, missing evidence.

    ``evidence_codes`` — the indicators with evidence, when the caller has just read the evidence.
    """
    if result is None:
        result = evaluate_submission(submission)
    spec = submission.framework.spec()
    if evidence_codes is None:
        evidence_codes = set(
            Evidence.objects.filter(submission=submission).values_list("indicator", flat=True)
        )
    problems: list[str] = []
    for ind_result in result.indicators:
        if ind_result.status == "invalid":
            problems.append(_("Chỉ tiêu %(code)s: số liệu không hợp lệ — %(why)s") % {
                "code": ind_result.code, "why": ind_result.explanation})
        elif ind_result.status == "missing":
            problems.append(_("Chỉ tiêu %(code)s: còn thiếu số liệu — %(why)s") % {
                "code": ind_result.code, "why": ind_result.explanation})
        if ind_result.status != "not_applicable":
            for code in _evidence_codes_required(spec.indicator(ind_result.code), ind_result):
                if code not in evidence_codes and code.split(".")[0] not in evidence_codes \
                        and ind_result.code not in evidence_codes:
                    problems.append(_("Chỉ tiêu %(code)s cần tệp minh chứng.") % {"code": code})
    return problems


def _evidence_codes_required(indicator: Indicator, result) -> list[str]:
    codes = [indicator.code] if indicator.evidence_required else []
    for item, item_result in zip(indicator.items, result.items or (), strict=False):
        if item.evidence_required and item_result.status != "not_applicable":
            codes.append(f"{indicator.code}.{item.code}")
    return codes


# --- transitions ---------------------------------------------------------------------------


def apply_transition(
    submission: Submission,
    to_status: str,
    user: Any,
    comment: str = "",
    expected_version: int | None = None,
) -> SubmissionEvent:
    """Move ``submission`` to ``to_status`` if the table allows ``user`` to; write the event row.

    Raises ``WorkflowError`` (not allowed, comment missing, values not valid)
    or ``ConflictError`` (someone changed the submission meanwhile).
    """
    from_status = submission.status
    rule = TRANSITIONS.get((from_status, to_status))
    if rule is None:
        raise WorkflowError(_("Không thể chuyển báo cáo từ “%(a)s” sang “%(b)s”.") % {
            "a": status_label(from_status), "b": status_label(to_status)})
    if not may_transition(submission, to_status, user):
        raise WorkflowError(_("Tài khoản của bạn không được “%(action)s” báo cáo này.") % {
            "action": rule.label})
    comment = (comment or "").strip()
    if rule.comment_required and not comment:
        raise WorkflowError(_("Cần ghi nhận xét hoặc lý do để “%(action)s”.") % {"action": rule.label})
    if not submission.round.is_open:
        raise WorkflowError(_("Đợt đánh giá đã đóng."))
    if rule.validate:
        problems = submit_problems(submission)
        if problems:
            raise WorkflowError(_("Chưa nộp được: còn %(n)d vấn đề cần sửa.") % {"n": len(problems)},
                                problems)
    now = timezone.now()
    extra: dict[str, Any] = {}
    if to_status == STATUS_SUBMITTED:
        extra["submitted_at"] = now
    elif to_status == STATUS_APPROVED:
        extra["approved_at"] = now
    elif to_status == STATUS_DRAFT:
        extra["approved_at"] = None
    with transaction.atomic():
        query = Submission.objects.filter(pk=submission.pk, status=from_status)
        if expected_version is not None:
            query = query.filter(version=expected_version)
        changed = query.update(
            status=to_status, version=F("version") + 1, updated_at=now, updated_by=user,
            last_changes=[{"label": _("Trạng thái"), "old": status_label(from_status),
                           "new": status_label(to_status)}],
            **extra,
        )
        if not changed:
            current = Submission.objects.select_related("updated_by").get(pk=submission.pk)
            raise ConflictError(conflict_message(current), current)
        event = SubmissionEvent.objects.create(
            submission=submission, actor=user, from_status=from_status, to_status=to_status,
            comment=comment,
        )
        # Approving (or reopening) changes which figures are official.
        mark_stale(submission.round.framework_id, submission.round.period, [submission.unit_id])
    submission.refresh_from_db()
    return event


def status_label(status: str) -> str:
    from .models import SUBMISSION_STATUS_CHOICES

    return str(dict(SUBMISSION_STATUS_CHOICES).get(status, status))


def conflict_message(current: Submission) -> str:
    """Vietnamese: who saved the submission, when, and what they changed."""
    changes = "; ".join(
        f"{c.get('label', c.get('element', ''))}: {c.get('old') or '—'} → {c.get('new') or '—'}"
        for c in (current.last_changes or [])[:8]
    )
    message = _(
        "%(who)s đã lưu báo cáo này lúc %(when)s trong khi bạn đang sửa%(what)s. "
        "Số liệu bạn vừa nhập CHƯA được lưu và vẫn còn trong biểu mẫu: hãy xem lại rồi bấm Lưu lần nữa."
    ) % {
        "who": user_label(current.updated_by),
        "when": format_moment(current.updated_at),
        "what": (_(" (%(changes)s)") % {"changes": changes}) if changes else "",
    }
    return message


# --- values ----------------------------------------------------------------------------------


@dataclass
class ValueChange:
    """What a form or XLSX row asks to store for one element; ``None`` number and "" text clear it."""

    element: str
    number: Decimal | None = None
    text: str = ""
    source: str = "manual"
    provenance: dict[str, Any] = field(default_factory=dict)
    label: str = ""
    seen: tuple[Decimal | None, str] | None = None  # what the form showed; None: not known

    @property
    def is_empty(self) -> bool:
        return self.number is None and not self.text


def to_decimal(value: Fraction | int | bool | None) -> Decimal | None:
    """An engine number as the database keeps it (6 decimals)."""
    if value is None:
        return None
    if isinstance(value, bool):
        return Decimal(int(value))
    frac = Fraction(value)
    if frac.denominator == 1:
        return Decimal(frac.numerator)
    return (Decimal(frac.numerator) / Decimal(frac.denominator)).quantize(Decimal("0.000001"))


def save_values(
    submission: Submission,
    user: Any,
    changes: Iterable[ValueChange],
    expected_version: int,
) -> list[dict[str, str]]:
    """Store the changed elements of ``submission`` through the guarded write path; return what changed.

    Refuses (``WorkflowError``) when the submission is not editable and
    (``ConflictError``) when someone else changed, since ``expected_version``,
    a cell this user changed too: nothing is written then. Cells this user
    left as they were shown (``ValueChange.seen``) are not written, so a
    stale blank never overwrites a newer figure; unchanged elements bump no
    version.
    """
    from .writes import CellConflict, CellWrite, ReportLocked, WriteRefused, write_values

    if not submission.is_editable:
        raise WorkflowError(_("Báo cáo ở trạng thái “%(s)s” nên không sửa được số liệu.") % {
            "s": status_label(submission.status)} if submission.round.is_open
            else _("Đợt đánh giá đã đóng."))
    cells = [
        CellWrite(submission.unit_id, submission.period, c.element, number=c.number, text=c.text,
                  source=c.source, provenance=c.provenance, label=c.label, seen=c.seen)
        for c in changes
    ]
    try:
        outcome = write_values(submission.framework, cells, user,
                               expected_versions={submission.pk: expected_version},
                               reason=_("Biểu mẫu báo cáo"), applicable_only=True, known_units=[submission.unit])
    except CellConflict as exc:
        raise ConflictError(conflict_message(exc.current), exc.current) from exc
    except ReportLocked as exc:
        raise WorkflowError(exc.problems[0] if exc.problems else exc.message) from exc
    except WriteRefused as exc:
        raise WorkflowError(exc.message, exc.problems) from exc
    # What a save changes, from the row it held locked (read there, its version bumped there): the
    # round and framework already loaded stay, and nothing is read again.
    locked = outcome.reports.get((submission.unit_id, submission.period))
    if locked is not None and locked.pk == submission.pk:
        for name in ("status", "version", "updated_at", "updated_by_id", "last_changes"):
            setattr(submission, name, getattr(locked, name))
        if "updated_by" in locked._state.fields_cache:
            submission.updated_by = locked.updated_by
        else:
            submission._state.fields_cache.pop("updated_by", None)
    else:
        submission.refresh_from_db(fields=["status", "version", "updated_at", "updated_by", "last_changes"])
    return outcome.described()


# --- rounds ----------------------------------------------------------------------------------


def _candidate_units(period: str, root_unit: Unit | None, level: str):
    """Active units valid during ``period`` under ``root_unit`` / at ``level`` (scope not applied yet)."""
    p = parse_period(period)
    qs = Unit.objects.filter(active=True).filter(
        Q(valid_from__isnull=True) | Q(valid_from__lte=p.end),
        Q(valid_to__isnull=True) | Q(valid_to__gte=p.start),
    )
    if root_unit is not None:
        qs = qs.subtree_of(root_unit)
    if level:
        qs = qs.filter(level=level)
    return qs


def round_units(framework: Framework, period: str, root_unit: Unit | None = None, level: str = "") -> list[Unit]:
    """Active units (valid during the period) under ``root_unit`` / at ``level`` that the framework assesses."""
    units = list(_candidate_units(period, root_unit, level).select_related("parent"))
    spec: FrameworkSpec = framework.spec()
    keep = {info.code for info in unit_infos(units) if in_scope(spec, info)}
    return [u for u in units if u.code in keep]


def round_unit_ids(framework: Framework, period: str, root_unit: Unit | None = None, level: str = "") -> list[int]:
    """Ids of the units ``round_units`` gives, by path, read as plain rows (no model objects).

    Opening a round over a province reads every unit. The scope (``engine.model.Scope``: levels,
    what is assessed, kinds; ``engine.aggregate.in_scope``) looks at a unit's level, kind, whether
    it has a parent and whether it has children, never at its attributes, so their JSON is not
    read, and its verdict is worked out once per such shape, on the first unit of that shape.
    One hand-written query (the same conditions as ``_candidate_units``): composing it with the
    ORM cost more than running it, and an administrator opens many rounds in a row.
    """
    spec: FrameworkSpec = framework.spec()
    verdicts: dict[tuple[str, str, bool, bool], bool] = {}
    keep = []
    for pk, code, name, lvl, kind, parent_code, has_children in _candidate_rows(period, root_unit, level):
        shape = (lvl, kind, parent_code is None, bool(has_children))
        verdict = verdicts.get(shape)
        if verdict is None:
            verdict = verdicts[shape] = in_scope(spec, UnitInfo(
                code=code, name=name, level=lvl, kind=kind, parent_code=parent_code, has_children=shape[3]))
        if verdict:
            keep.append(pk)
    return keep


def _candidate_rows(period: str, root_unit: Unit | None, level: str) -> list[tuple]:
    """``_candidate_units`` by path as rows: id, code, name, level, kind, parent's code, has children."""
    p = parse_period(period)
    qn = connection.ops.quote_name
    table = qn(Unit._meta.db_table)
    where = [f"u.{qn('active')} = %s", f"(u.{qn('valid_from')} IS NULL OR u.{qn('valid_from')} <= %s)",
             f"(u.{qn('valid_to')} IS NULL OR u.{qn('valid_to')} >= %s)"]
    params: list[Any] = [True, connection.ops.adapt_datefield_value(p.end),
                         connection.ops.adapt_datefield_value(p.start)]
    if root_unit is not None:  # its subtree, by materialised path (``UnitQuerySet.subtree_of``)
        in_subtree, subtree_params = path_prefix_sql(f"u.{qn('path')}", root_unit.path)
        where.append(in_subtree)
        params += subtree_params
    if level:
        where.append(f"u.{qn('level')} = %s")
        params.append(level)
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT u.id, u.{qn('code')}, u.{qn('name')}, u.{qn('level')}, u.{qn('kind')}, par.{qn('code')}, "
            f"EXISTS (SELECT 1 FROM {table} c WHERE c.{qn('parent_id')} = u.id) "
            f"FROM {table} u LEFT OUTER JOIN {table} par ON par.id = u.{qn('parent_id')} "
            f"WHERE {' AND '.join(where)} ORDER BY u.{qn('path')}", params)
        return cursor.fetchall()


# Ids per INSERT … SELECT: far below SQLite's limit of bound parameters on any build.
_IDS_PER_STATEMENT = 500


def open_round(
    framework: Framework,
    period: str,
    deadline: date,
    opened_by: Any,
    root_unit: Unit | None = None,
    level: str = "",
    title: str = "",
) -> Round:
    """Open a round and give every unit in it a draft submission (one transaction).

    Refuses when no unit is in scope or when another open round already covers
    the same framework, period and unit (two rounds would share the same values).
    The drafts and their "opened" events are written by two INSERT … SELECT
    statements, whatever the number of units: no model object per unit.
    """
    code = parse_period(period).code
    unit_ids = round_unit_ids(framework, code, root_unit, level)
    if not unit_ids:
        raise WorkflowError(_("Không có đơn vị nào thuộc phạm vi của bộ chỉ tiêu trong lựa chọn này."))
    open_rounds = Round.objects.filter(framework=framework, period=code, closed_at__isnull=True)
    clash = None
    if open_rounds.exists():
        clash = Submission.objects.filter(round__in=open_rounds, unit_id__in=unit_ids).select_related("unit").first()
    if clash is not None:
        raise WorkflowError(_("Đơn vị %(unit)s đã có trong một đợt đang mở của bộ chỉ tiêu này cho kỳ %(p)s.") % {
            "unit": clash.unit.name, "p": code})
    with transaction.atomic():
        rnd = Round.objects.create(
            framework=framework, framework_checksum=framework.checksum, period=code,
            deadline=deadline, opened_by=opened_by, root_unit=root_unit, level=level or "",
            title=title or f"{framework.title} — {parse_period(code).label}",
        )
        _insert_drafts(rnd, unit_ids, getattr(opened_by, "pk", None), _("Mở đợt đánh giá"))
        # Figures of units now asked for a report stop counting as official until approved.
        mark_stale(framework.pk, code, unit_ids, framework=framework)
    return rnd


def _insert_drafts(rnd: Round, unit_ids: Sequence[int], actor_id: int | None, comment: str) -> None:
    """A draft ``Submission`` per unit and its opening ``SubmissionEvent``, as bulk statements.

    Values are adapted by the model fields themselves (datetimes for SQLite, JSON for
    PostgreSQL), so the rows are the ones ``bulk_create`` would write.
    """
    connection = transaction.get_connection()
    qn = connection.ops.quote_name
    now = timezone.now()
    sub, event, unit = Submission._meta, SubmissionEvent._meta, Unit._meta

    def col(meta, name: str) -> str:
        return qn(meta.get_field(name).column)

    def prep(meta, name: str, value: Any) -> Any:
        return meta.get_field(name).get_db_prep_save(value, connection)

    sub_cols = ", ".join(col(sub, n) for n in ("round", "unit", "status", "version", "updated_at", "last_changes"))
    sub_fixed = [rnd.pk, prep(sub, "status", STATUS_DRAFT), prep(sub, "version", 1),
                 prep(sub, "updated_at", now), prep(sub, "last_changes", [])]
    event_cols = ", ".join(col(event, n) for n in ("submission", "actor", "at", "from_status", "to_status", "comment"))
    event_fixed = [actor_id, prep(event, "at", now), "", STATUS_DRAFT, comment]
    with connection.cursor() as cursor:
        for start in range(0, len(unit_ids), _IDS_PER_STATEMENT):
            chunk = list(unit_ids[start:start + _IDS_PER_STATEMENT])
            cursor.execute(
                f"INSERT INTO {qn(sub.db_table)} ({sub_cols}) "
                f"SELECT %s, {col(unit, 'id')}, %s, %s, %s, %s FROM {qn(unit.db_table)} "
                f"WHERE {col(unit, 'id')} IN ({', '.join(['%s'] * len(chunk))}) ORDER BY {col(unit, 'path')}",
                [*sub_fixed, *chunk],
            )
        cursor.execute(
            f"INSERT INTO {qn(event.db_table)} ({event_cols}) "
            f"SELECT {col(sub, 'id')}, %s, %s, %s, %s, %s FROM {qn(sub.db_table)} "
            f"WHERE {col(sub, 'round')} = %s ORDER BY {col(sub, 'id')}",
            [*event_fixed, rnd.pk],
        )


def close_round(rnd: Round) -> None:
    """Close a round: no more entries, transitions or reminders.

    Takes the lock of every report of the round first, so a save already
    under way finishes before the close and any later save sees it closed.
    """
    with transaction.atomic():
        list(Submission.objects.select_for_update().filter(round=rnd).values_list("pk", flat=True))
        Round.objects.filter(pk=rnd.pk, closed_at__isnull=True).update(closed_at=timezone.now())
    rnd.refresh_from_db()


def reopen_round(rnd: Round) -> None:
    """Reopen a closed round (its reports keep their status)."""
    Round.objects.filter(pk=rnd.pk).update(closed_at=None)
    rnd.refresh_from_db()


def days_left(deadline: date, today: date | None = None) -> int:
    """Days until the deadline (negative when late)."""
    today = today or timezone.localdate()
    return (deadline - today).days
