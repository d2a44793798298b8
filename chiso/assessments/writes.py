"""The one guarded write path for figures: web form, offline XLSX, imports, computed values, API.

Every caller describes the cells it wants (``CellWrite``) and calls
:func:`write_values`, which in one transaction

1. refuses the whole write when any report it touches is submitted or
   approved, or its round is closed (Vietnamese message naming unit, period
   and status; nothing is written);
2. writes only the cells that actually change — and, when the writer says
   what it saw (``seen``), only those it changed itself, so a stale blank
   never overwrites a newer figure; a cell someone else changed meanwhile is
   a conflict, other cells merge;
3. bumps each touched report's ``version``, records history with the source,
   and marks the stored results stale (``chiso.results.store``).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from fractions import Fraction
from functools import cache
from typing import Any

from django.db import connection, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _
from simple_history.utils import bulk_create_with_history, get_history_manager_for_model

from chiso.engine.numbers import format_date, format_number, format_percent
from chiso.engine.periods import parse_period
from chiso.frameworks.models import Framework
from chiso.results.inputs import element_kinds
from chiso.results.store import mark_stale
from chiso.sqlrows import Joined, fetch_joined
from chiso.units.models import Unit

from .models import (
    STATUS_APPROVED,
    STATUS_SUBMITTED,
    Round,
    Submission,
    Value,
)

NARRATIVE = "narrative"
# A cell's content as compared: (number, text).
Content = tuple[Decimal | None, str]


class WriteRefused(Exception):
    """A refused write, with a Vietnamese message and the list of reasons; nothing was written."""

    code = "E_REFUSED"

    def __init__(self, message: str, problems: Sequence[str] = ()) -> None:
        super().__init__(message)
        self.message = message
        self.problems = list(problems)

    def __str__(self) -> str:
        return "\n".join([self.message, *self.problems])


class ReportLocked(WriteRefused):
    """A report the write touches is submitted, approved, or in a closed round."""

    code = "E_REPORT_LOCKED"


@dataclass
class CellWrite:
    """One element of one unit's figures for one period, as a writer wants it stored.

    ``number`` None and ``text`` "" clear the cell. ``comment`` None leaves the
    stored comment alone. ``seen`` is what the writer was shown before typing
    (None: the writer does not say, e.g. an import file).
    """

    unit_id: int
    period: str
    element: str
    number: Decimal | None = None
    text: str = ""
    comment: str | None = None
    source: str = "manual"
    provenance: dict[str, Any] = field(default_factory=dict)
    label: str = ""
    seen: Content | None = None
    row: int = 0  # the file row it came from, for reports

    @property
    def is_empty(self) -> bool:
        return self.number is None and not self.text

    @property
    def content(self) -> Content:
        return (self.number, self.text or "")


@dataclass(frozen=True)
class CellChange:
    """A cell that is (or in a dry run would be) created, changed or cleared."""

    unit_id: int
    period: str
    element: str
    label: str
    old: str  # as a person reads it; "" when there was none
    new: str
    row: int
    created: bool


@dataclass
class WriteOutcome:
    """What a write did (or, in a dry run, would do)."""

    dry_run: bool
    created: int = 0
    updated: int = 0
    deleted: int = 0
    unchanged: int = 0
    changes: list[CellChange] = field(default_factory=list)
    submissions: list[int] = field(default_factory=list)  # ids of the reports whose version went up
    # (unit id, period) → the report as it stands after this write, read under its lock (and its
    # version bumped here): what a form shows next, with no second read of the row.
    reports: dict[tuple[int, str], Submission] = field(default_factory=dict)

    def described(self, unit_id: int | None = None) -> list[dict[str, str]]:
        """The changes as the submission page's history shows them."""
        return [{"element": c.element, "label": c.label, "old": c.old, "new": c.new}
                for c in self.changes if unit_id is None or c.unit_id == unit_id]


class CellConflict(Exception):
    """Someone else changed cells this writer changed too, since the version it saw."""

    code = "E_STALE_VERSION"

    def __init__(self, current: Submission, elements: list[str]) -> None:
        super().__init__(", ".join(elements))
        self.current = current
        self.elements = elements


def stored_content(row: Value | None) -> Content:
    return (None, "") if row is None else (row.number, row.text or "")


def _same_number(a: Decimal | None, b: Decimal | None) -> bool:
    if a is None or b is None:
        return a is None and b is None
    return Decimal(a) == Decimal(b)


def same_content(a: Content, b: Content) -> bool:
    return _same_number(a[0], b[0]) and (a[1] or "") == (b[1] or "")


def show_stored(number: Decimal | None, text: str, kind: str) -> str:
    """A stored value as a person reads it: 54.919, Có/Không, or the text."""
    if kind == "text" or (number is None and text):
        return text
    if number is None:
        return ""
    if kind == "boolean":
        return _("Có") if number != 0 else _("Không")
    if kind == "rate":  # a stated rate (``<code>.rate``): 0,987 is shown as it was written, 98,7%
        return format_percent(Fraction(number), 4)
    return format_number(Fraction(number), decimals=6)


def _kind_of(kinds: dict[str, str], element: str) -> str | None:
    kind = kinds.get(element)
    if kind is None and element.endswith(f".{NARRATIVE}"):
        return "text"
    return kind


def _unchanged(old: Value, cell: CellWrite) -> bool:
    """Equal content is no change, whatever its source, unless an override's reason or the comment differs."""
    if not same_content(stored_content(old), cell.content):
        return False
    if cell.comment is not None and (old.comment or "") != cell.comment:
        return False
    if cell.source == "override":
        return old.source == "override" and (old.provenance or {}).get("reason") == cell.provenance.get("reason")
    return True


def reports_for(framework: Framework, keys: Iterable[tuple[int, str]], lock: bool = False) -> dict[tuple[int, str], Submission]:
    """(unit id, period) → the report of the latest round that asked the unit for that period.

    Each report comes with its round (read after the reports, so after their locks); its unit is
    read only if asked for (a refusal's message). Written as SQL (``chiso.sqlrows``), not built with
    the ORM: this runs inside every save's transaction, and composing the query cost more than
    running it.
    """
    return _reports_and_values(framework, keys, lock, with_values=False)[0]


def _reports_and_values(framework: Framework, keys: Iterable[tuple[int, str]], lock: bool,
                        with_values: bool = True) -> tuple[dict[tuple[int, str], Submission], list[Value]]:
    """``reports_for`` and, with ``with_values``, ``stored_values`` of the same keys: the write path's
    reads, in two statements — the reports (locked), then their rounds with the stored values."""
    keys = set(keys)
    if not keys:
        return {}, []
    periods = sorted({p for _, p in keys})
    unit_ids = sorted({u for u, _ in keys})
    qn = connection.ops.quote_name
    sub_table, round_table = qn(Submission._meta.db_table), qn(Round._meta.db_table)
    lock_clause = ""
    if lock and connection.features.has_select_for_update:
        lock_clause = " FOR UPDATE OF s" if connection.features.has_select_for_update_of else " FOR UPDATE"
    sql = (
        f"FROM {sub_table} s INNER JOIN {round_table} r ON r.id = s.round_id "
        f"WHERE r.framework_id = %s AND r.period IN ({', '.join(['%s'] * len(periods))}) "
        f"AND s.unit_id IN ({', '.join(['%s'] * len(unit_ids))}) ORDER BY r.opened_at, r.id{lock_clause}"
    )
    found = [sub for (sub,) in fetch_joined([_REPORT], sql, [framework.pk, *periods, *unit_ids])]
    if not found:
        return {}, stored_values(framework, keys) if with_values else []
    # The rounds are read after the reports' locks: a close that committed while this write waited
    # for them must be seen (close_round locks them too). The stored values, read after the locks as
    # well, come in the same statement when there is one round: its row beside each value.
    round_ids = sorted({sub.round_id for sub in found})
    in_rounds = f"r.id IN ({', '.join(['%s'] * len(round_ids))})"
    rounds: dict[int, Round] = {}
    values: dict[int, Value] = {}
    if with_values and len(round_ids) == 1:  # the usual case; with more, each value would come once per round
        rows = fetch_joined([_ROUND, _VALUE], (
            f"FROM {round_table} r LEFT OUTER JOIN {qn(Value._meta.db_table)} v ON {_values_where(periods, unit_ids)} "
            f"WHERE {in_rounds}"), [framework.pk, *periods, *unit_ids, *round_ids])
        for round_, value in rows:
            rounds.setdefault(round_.pk, round_)
            if value is not None:
                values.setdefault(value.pk, value)
    else:
        rounds = {r.pk: r for (r,) in fetch_joined([_ROUND], f"FROM {round_table} r WHERE {in_rounds}", round_ids)}
        if with_values:
            values = {v.pk: v for v in stored_values(framework, keys)}
    out: dict[tuple[int, str], Submission] = {}
    for sub in found:
        sub.round = rounds[sub.round_id]
        key = (sub.unit_id, sub.round.period)
        if key in keys:
            out[key] = sub  # later rounds win
    return out, list(values.values())


def _values_where(periods: Sequence[str], unit_ids: Sequence[int]) -> str:
    """The condition on ``v`` (stored values) of ``stored_values``; parameters: framework id, periods, units."""
    return (f"v.framework_id = %s AND v.period IN ({', '.join(['%s'] * len(periods))}) "
            f"AND v.unit_id IN ({', '.join(['%s'] * len(unit_ids))})")


def stored_values(framework: Framework, keys: Iterable[tuple[int, str]]) -> list[Value]:
    """The stored ``Value`` rows of ``framework`` for these (unit id, period) pairs' units and periods.

    SQL, not the ORM, for the same reason as ``reports_for``: every save reads them twice.
    """
    keys = set(keys)
    if not keys:
        return []
    periods = sorted({p for _, p in keys})
    unit_ids = sorted({u for u, _ in keys})
    sql = f"FROM {connection.ops.quote_name(Value._meta.db_table)} v WHERE {_values_where(periods, unit_ids)}"
    return [value for (value,) in fetch_joined([_VALUE], sql, [framework.pk, *periods, *unit_ids])]


# The columns of the rows the write path reads (``chiso.sqlrows``: spelled and converted once).
_REPORT, _ROUND, _VALUE = Joined(Submission, "s"), Joined(Round, "r"), Joined(Value, "v")


def locked_reason(sub: Submission) -> str | None:
    """Why figures of this report may not be written now (Vietnamese), or None."""
    from .workflow import status_label

    if sub.status not in (STATUS_APPROVED, STATUS_SUBMITTED) and sub.round.is_open:
        return None
    period = parse_period(sub.round.period).label
    names = {"unit": f"{sub.unit.name} ({sub.unit.code})", "period": period, "status": status_label(sub.status)}
    if sub.status == STATUS_APPROVED:
        return _("Đơn vị %(unit)s, %(period)s: báo cáo ở trạng thái “%(status)s”; muốn sửa số liệu, "
                 "quản trị viên phải mở lại báo cáo kèm lý do.") % names
    if sub.status == STATUS_SUBMITTED:
        return _("Đơn vị %(unit)s, %(period)s: báo cáo ở trạng thái “%(status)s”; muốn sửa số liệu, "
                 "người thẩm định phải trả lại báo cáo.") % names
    if not sub.round.is_open:
        return _("Đơn vị %(unit)s, %(period)s: đợt đánh giá đã đóng lúc %(when)s, không nhận thêm số liệu.") % {
            **names, "when": format_date(timezone.localtime(sub.round.closed_at).date())}
    return None


def not_applicable(framework: Framework, unit_ids: Iterable[int], period: str,
                   known: Sequence[Unit] = ()) -> dict[int, set[str]]:
    """Unit id → codes of the criteria (and composite items) that do not apply to the unit.

    Asks the engine (an evaluation with no figures), once per distinct unit shape. ``known``:
    unit rows the caller already holds (with their parent), not read again.
    """
    from chiso.engine.evaluate import evaluate_unit
    from chiso.units.models import unit_infos

    # A save asks twice (the guard, then the answer's cell list) with the same framework row:
    # kept on that row, which lives for one request, so the units are read once.
    unit_ids = frozenset(unit_ids)
    memo = framework.__dict__.setdefault("_not_applicable_memo", {})
    memo_key = (unit_ids, period)
    if memo_key in memo:
        return {unit_id: set(codes) for unit_id, codes in memo[memo_key].items()}
    spec = framework.spec()
    held = {u.pk: u for u in known if u.pk in unit_ids and (u.parent_id is None or "parent" in u._state.fields_cache)}
    units = [*held.values(), *(Unit.objects.filter(pk__in=unit_ids - held.keys()).select_related("parent")
                               if unit_ids - held.keys() else ())]
    infos = {info.code: info for info in unit_infos(units)}
    out: dict[int, set[str]] = {}
    for unit in units:
        info = infos[unit.code]
        shape = (info.level, info.kind, tuple(sorted((k, repr(v)) for k, v in info.attributes.items())),
                 info.has_children)
        key = (framework.pk, framework.checksum, period, shape)
        codes = _NOT_APPLICABLE.get(key)
        if codes is None:
            codes = set()
            for r in evaluate_unit(spec, info, {}, period).indicators:
                # A narrative-only criterion has no verdict at all (the engine marks it not
                # applicable everywhere), yet its text is what the unit is asked to write.
                if r.status == "not_applicable" and r.kind != "text":
                    codes.add(r.code)
                codes.update(f"{r.code}.{item.code}" for item in r.items or () if item.status == "not_applicable")
            if len(_NOT_APPLICABLE) > 10_000:  # bounded: shapes are few, frameworks and periods many
                _NOT_APPLICABLE.clear()
            _NOT_APPLICABLE[key] = frozenset(codes)
        out[unit.pk] = set(codes)
    memo[memo_key] = {unit_id: frozenset(codes) for unit_id, codes in out.items()}
    return out


# (framework id, checksum, period, unit shape) → codes that do not apply. Applicability depends only
# on these (the framework is immutable for its checksum), so a deadline-day save does not ask the
# engine again for every commune of the same shape.
_NOT_APPLICABLE: dict[tuple, frozenset[str]] = {}


def _refuse_not_applicable(framework: Framework, cells: Sequence[CellWrite], known: Sequence[Unit] = ()) -> None:
    wanted = [c for c in cells if not c.is_empty]
    if not wanted:
        return
    names: dict[int, str] = {}

    def name_of(unit_id: int) -> str:  # read only when a refusal needs it (a usual save refuses nothing)
        if not names:
            names.update(Unit.objects.filter(pk__in={c.unit_id for c in wanted}).values_list("pk", "name"))
        return names.get(unit_id, "")

    problems = []
    for period in {c.period for c in wanted}:
        skip = not_applicable(framework, {c.unit_id for c in wanted if c.period == period}, period, known)
        for cell in wanted:
            if cell.period == period and any(cell.element.startswith(f"{code}.") for code in skip[cell.unit_id]):
                problems.append(_("%(label)s: chỉ tiêu không áp dụng cho %(unit)s, không nhận số liệu.") % {
                    "label": cell.label or cell.element, "unit": name_of(cell.unit_id)})
    if problems:
        raise WriteRefused(_("Không ghi số liệu nào: có ô thuộc chỉ tiêu không áp dụng."), problems)



def write_values(
    framework: Framework,
    cells: Sequence[CellWrite],
    user: Any = None,
    *,
    expected_versions: dict[int, int] | None = None,
    reason: str = "",
    dry_run: bool = False,
    applicable_only: bool = False,
    known_units: Sequence[Unit] = (),
) -> WriteOutcome:
    """Store ``cells`` of ``framework`` through the guard; all or nothing.

    Raises ``ReportLocked`` (a touched report is submitted, approved or in a
    closed round), ``WriteRefused`` (an element the framework does not have) or
    ``CellConflict`` (a report's version is not the one in
    ``expected_versions`` and a cell this writer changed was changed by
    someone else meanwhile). Nothing is written then. ``applicable_only``
    (forms) also refuses figures for criteria that do not apply to the unit;
    ``known_units``: unit rows the caller holds, so that check does not read them again.
    """
    kinds = element_kinds(framework.spec())
    outcome = WriteOutcome(dry_run=dry_run)
    unknown = sorted({c.element for c in cells if _kind_of(kinds, c.element) is None})
    if unknown:
        raise WriteRefused(_("Bộ chỉ tiêu %(fw)s không có phần tử %(e)s.") % {
            "fw": framework.code, "e": ", ".join(unknown)})
    if applicable_only:
        _refuse_not_applicable(framework, cells, known_units)
    with transaction.atomic():
        keys = {(c.unit_id, c.period) for c in cells}
        reports, stored = _reports_and_values(framework, keys, lock=not dry_run)
        outcome.reports = reports
        refusals = [why for sub in reports.values() if (why := locked_reason(sub))]
        if refusals:
            raise ReportLocked(_("Không ghi số liệu nào: %(n)d báo cáo không nhận số liệu lúc này.") % {
                "n": len(refusals)}, refusals)
        existing = {(v.unit_id, v.period, v.element): v for v in stored}
        plan: list[tuple[CellWrite, Value | None]] = []
        for cell in cells:
            old = existing.get((cell.unit_id, cell.period, cell.element))
            if cell.seen is not None and same_content(cell.seen, cell.content) and (
                    cell.comment is None and cell.source != "override"):
                outcome.unchanged += 1  # the writer left this cell as it was shown
                continue
            if old is None and cell.is_empty:
                continue
            if old is not None and _unchanged(old, cell):
                outcome.unchanged += 1
                continue
            plan.append((cell, old))
        _check_versions(plan, reports, expected_versions or {})
        for cell, old in plan:
            kind = _kind_of(kinds, cell.element) or "text"
            outcome.changes.append(CellChange(
                cell.unit_id, cell.period, cell.element, cell.label or cell.element,
                show_stored(old.number, old.text, kind) if old is not None else "",
                show_stored(cell.number, cell.text, kind), cell.row, old is None,
            ))
        if dry_run or not plan:
            _count(outcome, plan)
            return outcome
        writes = Statements()
        _store(framework, plan, user, reason, writes)
        _count(outcome, plan)
        outcome.submissions = _bump_versions(plan, reports, outcome, user, writes)
        by_period: dict[str, set[int]] = defaultdict(set)
        for cell, _old in plan:
            by_period[cell.period].add(cell.unit_id)
        # A save of a few cells (the web form's) sends its writes with the revision's in one statement
        # where the database can (``mark_stale``); an import's thousands run as they are.
        along = writes.one_per_row() if _small(plan) else writes.run()
        for period, unit_ids in by_period.items():
            mark_stale(framework.pk, period, unit_ids, framework=framework, along=along)
            along = []
    return outcome


# Cells written at most for a save's writes to go with the revision's statement (``mark_stale``).
ALONG_AT_MOST = 50


def _small(plan: list[tuple[CellWrite, Value | None]]) -> bool:
    """A save whose writes may go in one statement: few cells, each written once (one statement must
    not change a row twice)."""
    cells = {(cell.unit_id, cell.period, cell.element) for cell, _old in plan}
    return len(plan) <= ALONG_AT_MOST and len(cells) == len(plan)


class Statements:
    """Write statements of one transaction whose results nobody reads: each SQL with its rows of
    parameters, run later, all at once (``run``) or handed to ``mark_stale`` (``one_per_row``)."""

    def __init__(self) -> None:
        self.items: list[tuple[str, list[list[Any]]]] = []

    def add(self, sql: str, params: list[list[Any]]) -> None:
        if params:
            self.items.append((sql, params))

    def one_per_row(self) -> list[tuple[str, list[Any]]]:
        return [(sql, row) for sql, params in self.items for row in params]

    def run(self) -> list[tuple[str, list[Any]]]:
        """Run them now (``_execute_each``); nothing is left to send along."""
        for sql, params in self.items:
            _execute_each(sql, params)
        self.items = []
        return []


def _count(outcome: WriteOutcome, plan: list[tuple[CellWrite, Value | None]]) -> None:
    for cell, old in plan:
        if old is None:
            outcome.created += 1
        elif cell.is_empty:
            outcome.deleted += 1
        else:
            outcome.updated += 1


def _check_versions(plan, reports: dict[tuple[int, str], Submission], expected: dict[int, int]) -> None:
    """A stale version is a conflict only for cells someone else changed since the writer saw them."""
    for sub in {id(s): s for s in reports.values()}.values():
        want = expected.get(sub.pk)
        if want is None or want == sub.version:
            continue
        clashing = [
            cell.label or cell.element for cell, old in plan
            if (cell.unit_id, cell.period) == (sub.unit_id, sub.round.period)
            and (cell.seen is None or not same_content(cell.seen, stored_content(old)))
        ]
        if clashing:
            current = Submission.objects.select_related("updated_by", "round").get(pk=sub.pk)
            raise CellConflict(current, clashing)


def _store(framework: Framework, plan, user: Any, reason: str, writes: Statements) -> None:
    """New values are inserted now (their ids are the history's); updates go to ``writes``."""
    now = timezone.now()
    to_create: list[Value] = []
    to_update: list[Value] = []
    to_delete: list[Value] = []
    for cell, old in plan:
        if cell.is_empty:
            if old is not None:
                to_delete.append(old)
            continue
        row = old or Value(framework=framework, unit_id=cell.unit_id, period=cell.period, element=cell.element)
        row.number, row.text = cell.number, cell.text
        if cell.comment is not None:
            row.comment = cell.comment
        row.source, row.provenance = cell.source, cell.provenance
        row.updated_by, row.updated_at = user, now
        (to_update if old is not None else to_create).append(row)
    why = reason or _("Ghi số liệu")
    if to_create:
        bulk_create_with_history(to_create, Value, batch_size=500, default_user=user,
                                 default_change_reason=why)
    if to_update:
        _update_rows(to_update, ["number", "text", "comment", "source", "provenance", "updated_by", "updated_at"],
                     writes)
        _insert_update_history(to_update, user, why, writes)
    for row in to_delete:
        row._history_user = user
        row._change_reason = why
        row.delete()


def _update_rows(rows: list[Value], fields: list[str], writes: Statements) -> None:
    """One ``UPDATE … WHERE id = %s`` per row, added to ``writes``.

    Django's ``bulk_update`` builds a ``CASE WHEN id = … THEN …`` per field and row; compiling it
    cost more than anything else in a deadline-day save of two cells. The values go through each
    field's own conversion to the database (decimals, JSON, time zones), as the ORM's would.
    """
    meta = Value._meta
    columns = [meta.get_field(name) for name in fields]
    qn = connection.ops.quote_name
    sql = "UPDATE {} SET {} WHERE {} = %s".format(
        qn(meta.db_table), ", ".join(f"{qn(f.column)} = %s" for f in columns), qn(meta.pk.column))
    params = [[f.get_db_prep_save(getattr(row, f.attname), connection) for f in columns] + [row.pk]
              for row in rows]
    writes.add(sql, params)


def _insert_update_history(rows: list[Value], user: Any, reason: str, writes: Statements) -> None:
    """The history rows (type ``~``) of updated values: what simple_history's ``bulk_history_create(…,
    update=True, default_user=user, default_change_reason=reason)`` writes — the same columns, user
    and reason rules — as one multi-row INSERT: building and composing its model instances cost
    more than writing them. With history switched off (``SIMPLE_HISTORY_ENABLED``), nothing."""
    from django.conf import settings
    from simple_history.utils import get_change_reason_from_object

    if not rows or not getattr(settings, "SIMPLE_HISTORY_ENABLED", True):
        return
    history = _value_history_model()
    tracked = list(history.tracked_fields)
    extra = ["history_date", "history_user", "history_change_reason", "history_type"]
    fields = [*tracked, *(history._meta.get_field(name) for name in extra)]
    if hasattr(history, "history_relation"):
        fields.append(history._meta.get_field("history_relation"))
    qn = connection.ops.quote_name
    head = "INSERT INTO {} ({}) VALUES ".format(
        qn(history._meta.db_table), ", ".join(qn(history._meta.get_field(f.name).column) for f in fields))
    one = "(" + ", ".join(["%s"] * len(fields)) + ")"
    now = timezone.now()
    params = []
    for row in rows:
        by = getattr(row, "_history_user", user or history.get_default_history_user(row))
        values = {f.attname: getattr(row, f.attname) for f in tracked}
        values.update(history_date=getattr(row, "_history_date", now), history_user_id=getattr(by, "pk", None),
                      history_change_reason=get_change_reason_from_object(row) or reason, history_type="~",
                      history_relation_id=row.pk)
        params.append([history._meta.get_field(f.name).get_db_prep_save(values[f.attname], connection)
                       for f in fields])
    per_statement = max(1, 900 // len(fields))  # rows per INSERT: under SQLite's oldest limit of 999 parameters
    for start in range(0, len(params), per_statement):
        chunk = params[start:start + per_statement]
        writes.add(head + ", ".join([one] * len(chunk)), [[v for row in chunk for v in row]])


@cache
def _value_history_model() -> type:
    """simple_history's model of ``Value``'s history. Asked once: its manager descriptor builds a new
    manager class on every access."""
    return get_history_manager_for_model(Value).model


def _execute_each(sql: str, params: list[list[Any]]) -> None:
    """``sql`` once per parameter list: one execute for one row (a web save's usual case; on
    PostgreSQL executemany runs a pipeline, an extra round trip), executemany for more."""
    with connection.cursor() as cursor:
        if len(params) == 1:
            cursor.execute(sql, params[0])
        elif params:
            cursor.executemany(sql, params)


def _bump_versions(plan, reports: dict[tuple[int, str], Submission], outcome: WriteOutcome,
                   user: Any, writes: Statements) -> list[int]:
    touched: dict[int, Submission] = {}
    for cell, _old in plan:
        sub = reports.get((cell.unit_id, cell.period))
        if sub is not None:
            touched[sub.pk] = sub
    if not touched:
        return []
    now = timezone.now()
    many = [{"label": _("Nhập số liệu hàng loạt"), "old": "", "new": ""}]
    if len(touched) <= 50:
        # One ``UPDATE … WHERE id = %s`` per report (SQL, as ``_update_rows``).
        meta = Submission._meta
        qn = connection.ops.quote_name
        at, changes = meta.get_field("updated_at"), meta.get_field("last_changes")
        version = qn(meta.get_field("version").column)
        sql = (f"UPDATE {qn(meta.db_table)} SET {version} = {version} + 1, {qn(at.column)} = %s, "
               f"{qn(meta.get_field('updated_by').column)} = %s, {qn(changes.column)} = %s "
               f"WHERE {qn(meta.pk.column)} = %s")
        when = at.get_db_prep_save(now, connection)
        writes.add(sql, [
            [when, getattr(user, "pk", None),
             changes.get_db_prep_save(outcome.described(sub.unit_id)[:50], connection), sub.pk]
            for sub in touched.values()])
    else:
        Submission.objects.filter(pk__in=list(touched)).update(
            version=F("version") + 1, updated_at=now, updated_by=user, last_changes=many)
    # The rows are locked by this transaction, so what they hold now is known without reading them.
    for sub in touched.values():
        sub.version += 1
        sub.updated_at, sub.updated_by = now, user
        sub.updated_by_id = getattr(user, "pk", None)
        sub.last_changes = outcome.described(sub.unit_id)[:50] if len(touched) <= 50 else many
    return list(touched)


def unit_ids_by_code(codes: Iterable[str]) -> dict[str, int]:
    """code → unit id for ``codes`` that exist, in one query."""
    return dict(Unit.objects.filter(code__in=set(codes)).values_list("code", "pk"))
