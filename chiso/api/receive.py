"""The receiving side of ``chiso push``: another instance's results become this instance's figures.

Design (see docs/api.md, "Nhận số liệu từ cấp dưới"): the sender sends, per
unit, the figures its stored evaluation was computed from and its verdict.
Here they are written as values of this instance's framework (same code
unless the caller names another) for the units the mapping file names,
through the one guarded write path (``write_values``), source ``import`` with
the push in the provenance. The units a push writes must be outside every
round of this framework and period here: figures outside any round count as
official (the department's own figures, ``chiso.results.inputs``), which is
what a province's approved results are — they were reviewed and approved
there, and are not reviewed a second time here. So this instance's official
evaluation of those units equals the sender's, and every answer checks that.

A push replaces the unit's figures of that framework and period: an element
the sender has no figure for is cleared here. All or nothing: any problem in
the payload or the mapping file (named by file, row and column, in
Vietnamese) and nothing is written. The same data again changes nothing and
leaves no receipt.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils import timezone

from chiso.accounts.permissions import ROLE_ADMIN, role_of, visible_units
from chiso.assessments.importer import (
    E_DUPLICATE,
    E_ELEMENT_UNKNOWN,
    E_FILE,
    E_NOT_A_BOOLEAN,
    E_NOT_A_NUMBER,
    E_OUT_OF_SCOPE,
    E_PERIOD_INVALID,
    E_PERIOD_OUTSIDE_UNIT,
    E_UNIT_MISSING,
    E_UNIT_UNKNOWN,
)
from chiso.assessments.models import Submission
from chiso.assessments.writes import CellWrite, WriteRefused, write_values
from chiso.engine.numbers import format_date
from chiso.engine.periods import PeriodError, parse_period
from chiso.frameworks.models import Framework
from chiso.results.inputs import element_kinds
from chiso.results.models import BASES
from chiso.tabular import ImportError_, lower_first, read_table
from chiso.units.models import Unit

from .exchange import FORMAT, content_hash, decimal_of, unit_hash
from .models import PushedUnit, PushReceipt

PAYLOAD = "payload"
E_PAYLOAD = "E_PAYLOAD_INVALID"
E_UNIT_UNMAPPED = "E_UNIT_UNMAPPED"
E_UNIT_IN_ROUND = "E_UNIT_IN_ROUND"

MAPPING_FIELDS = ("sender", "receiver")
MAPPING_HEADERS = {"sender": "Mã bên gửi", "receiver": "Mã bên nhận"}
MAPPING_ALIASES = {
    "sender": ("sender", "from", "mã bên gửi", "mã nơi gửi", "mã đơn vị bên gửi", "sender_code"),
    "receiver": ("receiver", "to", "mã bên nhận", "mã nơi nhận", "mã đơn vị bên nhận", "receiver_code"),
}


@dataclass
class Mapping:
    """Sender code → (receiver code, mapping file row)."""

    file: str
    rows: dict[str, tuple[str, int]] = field(default_factory=dict)
    column: str = ""


@dataclass
class Problems:
    items: list[dict[str, Any]] = field(default_factory=list)
    unknown: set[str] = field(default_factory=set)

    def add(self, file: str, row: int | None, column: str | None, value: Any, code: str, message: str) -> None:
        shown = "" if value is None else (value if isinstance(value, str) else str(value))
        self.items.append({"file": file, "row": row, "column": column, "value": shown, "code": code,
                           "message": message})


def may_receive(user: Any) -> bool:
    """Administrators, or an account given the permission ``api.receive_push`` (a machine account)."""
    return role_of(user) == ROLE_ADMIN or user.has_perm("api.receive_push")


def _answer(dry_run: bool, problems: Problems | None = None, **extra: Any) -> dict[str, Any]:
    base = {"status": "ERROR" if problems and problems.items else "OK", "dry_run": dry_run,
            "counts": {"units": 0, "created": 0, "updated": 0, "deleted": 0, "unchanged": 0},
            "conflicts": problems.items if problems else [], "unknown": sorted(problems.unknown) if problems else [],
            "receipt": None, "payload_hash": None, "check": None}
    base.update(extra)
    return base


def read_mapping(data: bytes, name: str, problems: Problems) -> Mapping | None:
    """The mapping file (CSV/XLSX: sender code, receiver code); its problems named by row and column."""
    try:
        table = read_table(data, fields=MAPPING_FIELDS, required=MAPPING_FIELDS, filename=name,
                           extra_aliases=MAPPING_ALIASES)
    except ImportError_ as exc:
        for p in exc.problems:
            message = p.message
            for key, header in MAPPING_HEADERS.items():  # the shared reader knows no label for these two
                message = message.replace(f"{key} ({key})", f"“{header}” ({key})")
            problems.add(p.file, p.row, p.column, "", E_FILE, message)
        return None
    mapping = Mapping(table.file, column=table.fields["receiver"])
    taken: dict[str, int] = {}
    for row in table.rows:
        sender, receiver = row.text("sender"), row.text("receiver")
        if not sender:
            problems.add(table.file, row.number, row.column("sender"), "", E_UNIT_MISSING, "thiếu mã đơn vị bên gửi")
        if not receiver:
            problems.add(table.file, row.number, row.column("receiver"), "", E_UNIT_MISSING,
                         "thiếu mã đơn vị bên nhận")
        if not sender or not receiver:
            continue
        if sender in mapping.rows:
            problems.add(table.file, row.number, row.column("sender"), sender, E_DUPLICATE,
                         f"mã bên gửi {sender!r} đã có ở dòng {mapping.rows[sender][1]}")
            continue
        if receiver in taken:
            problems.add(table.file, row.number, row.column("receiver"), receiver, E_DUPLICATE,
                         f"mã bên nhận {receiver!r} đã được gán cho một đơn vị khác ở dòng {taken[receiver]}")
            continue
        taken[receiver] = row.number
        mapping.rows[sender] = (receiver, row.number)
    return mapping


def _value(kind: str, raw: Any) -> tuple[Decimal | None, str]:
    """A machine value of the payload as stored (number, text); ``ValueError`` in Vietnamese."""
    if kind == "text":
        if not isinstance(raw, str):
            raise ValueError("cần một chuỗi văn bản")
        return None, raw
    if kind == "boolean":
        if not isinstance(raw, bool):
            raise ValueError("cần true hoặc false (Có/Không)")
        return Decimal(int(raw)), ""
    number = decimal_of(raw)
    if kind == "count" and (number != number.to_integral_value() or number < 0):
        raise ValueError("số lượng phải là số nguyên ≥ 0")
    return number, ""


def _shape(payload: Any, problems: Problems) -> bool:
    if not isinstance(payload, dict):
        problems.add(PAYLOAD, None, None, "", E_PAYLOAD, "nội dung gửi phải là một đối tượng JSON")
        return False
    if payload.get("format") != FORMAT:
        problems.add(PAYLOAD, None, "format", payload.get("format"), E_PAYLOAD,
                     f"định dạng phải là {FORMAT!r} (gửi bằng lệnh chiso push cùng phiên bản)")
    for key in ("instance", "framework", "period", "pushed_at"):
        if not isinstance(payload.get(key), str) or not payload[key].strip():
            problems.add(PAYLOAD, None, key, payload.get(key), E_PAYLOAD, f"thiếu trường {key}")
    if payload.get("basis") not in BASES:
        problems.add(PAYLOAD, None, "basis", payload.get("basis"), E_PAYLOAD,
                     "cơ sở số liệu phải là official (chính thức) hoặc provisional (tạm tính)")
    if not isinstance(payload.get("units"), list) or not payload["units"]:
        problems.add(PAYLOAD, None, "units", "", E_PAYLOAD, "cần danh sách units, ít nhất một đơn vị")
    elif not all(isinstance(u, dict) for u in payload["units"]):
        problems.add(PAYLOAD, None, "units", "", E_PAYLOAD, "mỗi phần tử của units phải là một đối tượng JSON")
    return not problems.items


def receive_push(payload: Any, user: Any, framework: Framework, *, mapping_data: bytes | None = None,
                 mapping_name: str = "", dry_run: bool = False, token: Any = None) -> dict[str, Any]:
    """Check, and unless ``dry_run`` write, one push; the answer (``status`` ERROR: nothing written)."""
    problems = Problems()
    if not _shape(payload, problems):
        return _answer(dry_run, problems)
    try:
        period = parse_period(payload["period"])
    except PeriodError as exc:
        problems.add(PAYLOAD, None, "period", payload["period"], E_PERIOD_INVALID, lower_first(exc))
        return _answer(dry_run, problems)
    try:
        pushed_at = datetime.fromisoformat(payload["pushed_at"])
    except ValueError:
        problems.add(PAYLOAD, None, "pushed_at", payload["pushed_at"], E_PAYLOAD,
                     "thời điểm gửi phải theo ISO 8601 (2026-12-02T10:00:00+07:00)")
        return _answer(dry_run, problems)
    if timezone.is_naive(pushed_at):
        pushed_at = timezone.make_aware(pushed_at)

    mapping = None
    if mapping_data is not None:
        mapping = read_mapping(mapping_data, mapping_name or "ánh xạ.csv", problems)
        if mapping is None:  # the file could not be read at all: no unit can be placed
            return _answer(dry_run, problems)
    units_sent: list[dict[str, Any]] = payload["units"]
    if mapping is None:
        wanted_codes = {str(u.get("code") or "").strip() for u in units_sent}
    else:
        wanted_codes = {receiver for receiver, _row in mapping.rows.values()}
    here = {u.code: u for u in Unit.objects.filter(code__in=wanted_codes)}
    allowed = None if role_of(user) == ROLE_ADMIN else set(visible_units(user).values_list("pk", flat=True))

    def place(code: str, file: str, row: int | None, column: str) -> Unit | None:
        unit = here.get(code)
        if unit is None:
            problems.unknown.add(code)
            problems.add(file, row, column, code, E_UNIT_UNKNOWN, f"không có đơn vị mã {code!r} ở nơi nhận")
            return None
        if allowed is not None and unit.pk not in allowed:
            problems.add(file, row, column, code, E_OUT_OF_SCOPE, f"bạn không được ghi số liệu cho đơn vị {code!r}")
            return None
        if (unit.valid_from and period.end < unit.valid_from) or (unit.valid_to and period.start > unit.valid_to):
            span = f"{format_date(unit.valid_from) if unit.valid_from else '…'} – " \
                   f"{format_date(unit.valid_to) if unit.valid_to else '…'}"
            problems.add(file, row, column, code, E_PERIOD_OUTSIDE_UNIT,
                         f"đơn vị {code} chỉ có hiệu lực {span}, không nhận số liệu {period.label}")
            return None
        return unit

    placed_by_mapping: dict[str, Unit | None] = {}
    if mapping is not None:
        sent_codes = {str(u.get("code") or "") for u in units_sent}
        for sender, (receiver, row) in mapping.rows.items():
            if sender in sent_codes:
                placed_by_mapping[sender] = place(receiver, mapping.file, row, mapping.column)

    kinds = element_kinds(framework.spec())
    targets: list[tuple[dict[str, Any], Unit, dict[str, tuple[Decimal | None, str]]]] = []
    seen: dict[str, int] = {}
    used: dict[int, int] = {}
    for index, sent in enumerate(units_sent, start=1):
        code = str(sent.get("code") or "").strip()
        column = f"units[{index}].code"
        if not code:
            problems.add(PAYLOAD, index, column, "", E_UNIT_MISSING, "thiếu mã đơn vị")
            continue
        if code in seen:
            problems.add(PAYLOAD, index, column, code, E_DUPLICATE, f"đơn vị {code!r} đã có ở vị trí {seen[code]}")
            continue
        seen[code] = index
        if mapping is not None:
            if code not in mapping.rows:
                problems.unknown.add(code)
                problems.add(PAYLOAD, index, column, code, E_UNIT_UNMAPPED,
                             f"mã bên gửi {code!r} không có trong tệp ánh xạ {mapping.file}")
                continue
            unit = placed_by_mapping.get(code)
        else:
            unit = place(code, PAYLOAD, index, column)
        if unit is None:
            continue
        if unit.pk in used:
            problems.add(PAYLOAD, index, column, code, E_DUPLICATE,
                         f"đơn vị {unit.code} ở nơi nhận đã nhận số liệu của đơn vị ở vị trí {used[unit.pk]}")
            continue
        used[unit.pk] = index
        values = sent.get("values") or {}
        if not isinstance(values, dict):
            problems.add(PAYLOAD, index, f"units[{index}].values", "", E_PAYLOAD, "values phải là một đối tượng JSON")
            continue
        cells: dict[str, tuple[Decimal | None, str]] = {}
        for element, raw in values.items():
            where = f"units[{index}].values.{element}"
            kind = kinds.get(element)
            if kind is None:
                problems.add(PAYLOAD, index, where, element, E_ELEMENT_UNKNOWN,
                             f"phần tử {element!r} không có trong bộ chỉ tiêu {framework.code} "
                             f"(phiên bản {framework.version}) ở nơi nhận")
                continue
            try:
                cells[element] = _value(kind, raw)
            except ValueError as exc:
                problems.add(PAYLOAD, index, where, raw, E_NOT_A_BOOLEAN if kind == "boolean" else E_NOT_A_NUMBER,
                             f"{element}: {exc}")
        targets.append((sent, unit, cells))

    in_rounds = (Submission.objects.filter(round__framework=framework, round__period=period.code,
                                           unit_id__in=[u.pk for _s, u, _c in targets])
                 .select_related("unit", "round", "round__framework").order_by("unit__path"))
    for sub in in_rounds:
        index = used[sub.unit_id]
        problems.add(PAYLOAD, index, f"units[{index}].code", sub.unit.code, E_UNIT_IN_ROUND,
                     f"đơn vị {sub.unit.name} ({sub.unit.code}) được đánh giá trong đợt “{sub.round}” ở nơi nhận: "
                     "số liệu gửi lên chỉ ghi cho đơn vị không thuộc đợt đánh giá nào")
    if problems.items:
        return _answer(dry_run, problems)

    digest = content_hash(payload)
    answer = _write(payload, framework, period.code, targets, kinds, user, token, digest, pushed_at,
                    mapping.file if mapping else "", dry_run)
    if answer["status"] == "ERROR" or dry_run:
        return answer
    answer["check"] = check_against_sender(framework, period.code, targets, payload.get("summary"))
    if not answer["check"]["matches"]:
        answer["status"] = "WARNING"
    return answer


def _write(payload: dict[str, Any], framework: Framework, period: str, targets, kinds: dict[str, str], user: Any,
           token: Any, digest: str, pushed_at: datetime, mapping_file: str, dry_run: bool) -> dict[str, Any]:
    instance = payload["instance"].strip()[:200]
    reason = f"Nhận số liệu từ {instance} (chiso push)"
    with transaction.atomic():
        receipt = None
        if not dry_run:
            receipt = PushReceipt.objects.create(
                framework=framework, period=period, basis=payload["basis"], instance=instance,
                sender_framework_version=str(payload.get("framework_version") or "")[:32], pushed_at=pushed_at,
                payload_hash=digest, mapping_file=mapping_file[:255], received_by=user, token=token,
                units=len(targets), summary=payload.get("summary") if isinstance(payload.get("summary"), dict) else {})
        cells: list[CellWrite] = []
        for sent, unit, values in targets:
            provenance = {"file": f"{instance} (chiso push)", "push": {
                "receipt": receipt.pk if receipt else None, "instance": instance, "unit": sent["code"],
                "pushed_at": pushed_at.isoformat(), "basis": payload["basis"], "hash": digest}}
            for element in kinds:
                number, text = values.get(element, (None, ""))
                cells.append(CellWrite(unit.pk, period, element, number=number, text=text, source="import",
                                       provenance=provenance, label=f"{unit.code} {element}"))
        try:
            outcome = write_values(framework, cells, user, dry_run=dry_run, reason=reason)
        except WriteRefused as exc:
            problems = Problems()
            problems.add(PAYLOAD, None, None, "", exc.code, lower_first(" ".join([exc.message, *exc.problems])))
            return _answer(dry_run, problems)
        changed_units = {c.unit_id for c in outcome.changes}
        counts = {"units": len(targets), "created": outcome.created, "updated": outcome.updated,
                  "deleted": outcome.deleted, "unchanged": outcome.unchanged}
        if dry_run:
            return _answer(dry_run, counts=counts, payload_hash=digest,
                           changes=_changes(outcome, targets))
        known = {p.unit_id: p for p in PushedUnit.objects.filter(framework=framework, period=period,
                                                                 unit_id__in=[u.pk for _s, u, _c in targets])
                 .select_related("receipt")}
        moved = 0
        for sent, unit, values in targets:
            digest_unit = unit_hash(sent)
            old = known.get(unit.pk)
            if old is not None and unit.pk not in changed_units and old.unit_hash == digest_unit \
                    and old.sender_code == sent["code"] and old.receipt.instance == instance:
                continue
            moved += 1
            PushedUnit.objects.update_or_create(
                framework=framework, period=period, unit=unit,
                defaults={"receipt": receipt, "sender_code": sent["code"], "sender_name": str(sent.get("name") or "")[:255],
                          "unit_hash": digest_unit, "status": str(sent.get("status") or "")[:16],
                          "met": _count(sent.get("met")), "applicable": _count(sent.get("applicable")),
                          "cells": len(values)})
        if not moved and not outcome.changes:
            transaction.set_rollback(True)  # the same data again: no receipt, nothing changed
            return _answer(dry_run, counts=counts, payload_hash=digest, changes=[])
        receipt.counts = counts
        receipt.save(update_fields=["counts"])
    return _answer(dry_run, counts=counts, payload_hash=digest, receipt=receipt.pk, changes=_changes(outcome, targets))


def _count(value: Any) -> int:
    return value if isinstance(value, int) and not isinstance(value, bool) and value >= 0 else 0


def _changes(outcome, targets) -> list[dict[str, Any]]:
    codes = {u.pk: (u.code, s["code"]) for s, u, _c in targets}
    return [{"unit": codes[c.unit_id][0], "sender_unit": codes[c.unit_id][1], "element": c.element,
             "old": None if c.created else c.old, "new": c.new or None} for c in outcome.changes]


def check_against_sender(framework: Framework, period: str, targets, summary: Any) -> dict[str, Any]:
    """This instance's official verdicts of the written units next to the sender's; ``matches`` when all agree."""
    from chiso.assessments.evaluation import figures_for
    from chiso.assessments.serialize import tally_to_dict
    from chiso.results.models import BASIS_OFFICIAL

    by_pk = {u.pk: s for s, u, _c in targets}
    figures = figures_for(framework, period, units=Unit.objects.filter(pk__in=list(by_pk)), basis=BASIS_OFFICIAL)
    sender_of = {u.code: s for s, u, _c in targets}
    differences = []
    for result in figures.evaluation.results:
        sent = sender_of.get(result.unit.code)
        if sent is None:
            continue
        mine = {"status": result.status, "met": result.met, "applicable": result.applicable}
        theirs = {k: sent.get(k) for k in mine}
        if mine != theirs:
            differences.append({"unit": result.unit.code, "sender_unit": sent["code"], "here": mine, "sent": theirs})
    evaluated = {r.unit.code for r in figures.evaluation.results}
    for code, sent in sender_of.items():
        if code not in evaluated:  # outside this framework's scope here (level, kind)
            differences.append({"unit": code, "sender_unit": sent["code"], "here": None,
                                "sent": {k: sent.get(k) for k in ("status", "met", "applicable")}})
    here_summary = tally_to_dict(figures.evaluation.summary.overall)
    sent_overall = summary.get("overall") if isinstance(summary, dict) else None
    summary_matches = sent_overall is None or {k: here_summary[k] for k in ("units", "assessed", "not_reported",
                                                                              "complete")} == {
        k: sent_overall.get(k) for k in ("units", "assessed", "not_reported", "complete")}
    return {"matches": not differences and summary_matches, "differences": differences,
            "summary": here_summary, "sent_summary": sent_overall}
