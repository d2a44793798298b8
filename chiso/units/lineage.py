"""Lineage (kế thừa) between units: who became whom on which date, and with what share.

After the 2025 reform most communes were merged whole into a new one, some were divided between
several new ones, a few kept their territory under a new name. A figure reported by an old unit
can only be carried onto today's units if these links are recorded, so they are imported like
units: from a CSV/XLSX file, all or nothing, every problem located by file, row and column.

File columns: ``predecessor`` (mã đơn vị cũ), ``successor`` (mã đơn vị mới), ``effective``
(ngày hiệu lực), ``kind`` (merge / split / rename, or sáp nhập / chia tách / đổi tên) and
``share`` (tỷ trọng, 0–1, only for a split; blank = 1). A unit split between several successors
must not give away more than the whole of itself: its shares add up to at most 1.
"""

from __future__ import annotations

import os
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from fractions import Fraction
from typing import IO

from django.db import transaction

from chiso.engine.numbers import NumberError, format_number, parse_number
from chiso.tabular import (
    ProblemList,
    Row,
    lower_first,
    normalize_code,
    normalize_header,
    parse_date_cell,
    read_table,
)

from .models import Unit, UnitLineage

FIELDS = ("predecessor", "successor", "effective", "kind", "share", "note")
REQUIRED = ("predecessor", "successor", "effective", "kind")
ALIASES: dict[str, tuple[str, ...]] = {
    "predecessor": ("mã đơn vị cũ", "đơn vị cũ", "đơn vị trước", "tiền thân", "từ đơn vị"),
    "successor": ("mã đơn vị mới", "đơn vị mới", "đơn vị kế thừa", "đơn vị sau", "thành đơn vị"),
    "effective": ("ngày hiệu lực", "hiệu lực", "hiệu lực từ", "từ ngày"),
    "kind": ("loại", "hình thức", "loại thay đổi", "kiểu"),
    "share": ("tỷ trọng", "tỉ trọng", "tỷ lệ", "tỉ lệ", "phần"),
    "note": ("ghi chú", "comment"),
}
COLUMN_LABELS = {
    "predecessor": "mã đơn vị cũ",
    "successor": "mã đơn vị mới",
    "effective": "ngày hiệu lực",
    "kind": "loại",
    "share": "tỷ trọng",
}

KINDS: dict[str, str] = {}
for _kind, _spellings in {
    "merge": ("merge", "sáp nhập", "hợp nhất", "nhập", "gộp"),
    "split": ("split", "chia tách", "chia", "tách", "điều chỉnh một phần"),
    "rename": ("rename", "đổi tên", "giữ nguyên"),
}.items():
    for _s in _spellings:
        KINDS[normalize_header(_s)] = _kind
KIND_WORDS = {"merge": "sáp nhập", "split": "chia tách", "rename": "đổi tên"}

ONE = Fraction(1)
MAX_NOTE = UnitLineage._meta.get_field("note").max_length


def parse_kind(text: str) -> str:
    """``merge``/``split``/``rename`` from English or Vietnamese ("sáp nhập", "chia tách")."""
    kind = KINDS.get(normalize_header(text))
    if kind is None:
        raise ValueError(
            f"loại {text!r} không hợp lệ: dùng merge (sáp nhập), split (chia tách) hoặc rename (đổi tên)"
        )
    return kind


@dataclass(frozen=True)
class Link:
    """One predecessor → successor link as it should be stored."""

    predecessor: str
    successor: str
    kind: str
    effective: date
    share: Fraction = ONE
    note: str = ""


@dataclass
class LineageReport:
    """What an import did (or, in a dry run, would do)."""

    file: str
    dry_run: bool
    created: list[tuple[str, str]] = field(default_factory=list)
    updated: list[tuple[str, str]] = field(default_factory=list)
    unchanged: list[tuple[str, str]] = field(default_factory=list)
    kept: list[tuple[str, str]] = field(default_factory=list)  # differ, but declared by the province

    def summary(self) -> str:
        verb = "Sẽ tạo" if self.dry_run else "Đã tạo"
        head = (f"{self.file}: {verb} {len(self.created)} liên kết kế thừa, "
                f"{'sẽ cập nhật' if self.dry_run else 'cập nhật'} {len(self.updated)}, "
                f"không đổi {len(self.unchanged)}.")
        if self.kept:
            head += (f" Giữ nguyên {len(self.kept)} liên kết đã khai báo khác danh mục "
                     f"(tỷ trọng, loại hoặc ngày do tỉnh nhập).")
        if self.dry_run:
            head += " (Chạy thử: chưa ghi gì vào cơ sở dữ liệu.)"
        return head


def _share_text(value: Fraction) -> str:
    return format_number(value, 6)


def _read_share(row: Row, problems: ProblemList) -> Fraction | None:
    raw = row.get("share")
    if raw is None:
        return ONE
    try:
        share = parse_number(raw)
    except (NumberError, ValueError) as exc:
        problems.add(row.number, row.column("share"), f"tỷ trọng: {lower_first(exc)}")
        return None
    if share < 0 or share > 1:
        problems.add(
            row.number, row.column("share"),
            f"tỷ trọng {row.text('share')!r} phải nằm trong khoảng 0–1 (ví dụ 0,4 hoặc 40%)",
        )
        return None
    return share


def _read_row(row: Row, problems: ProblemList, units: dict[str, Unit]) -> Link | None:
    ok = True
    codes: dict[str, str] = {}
    for name in ("predecessor", "successor"):
        code = normalize_code(row.text(name))
        codes[name] = code
        if not code:
            problems.add(row.number, row.column(name), f"thiếu {COLUMN_LABELS[name]}")
            ok = False
        elif code not in units:
            problems.add(row.number, row.column(name), f"không có đơn vị mã {code!r} trong hệ thống")
            ok = False
    if ok and codes["predecessor"] == codes["successor"]:
        problems.add(row.number, row.column("successor"), "đơn vị mới trùng với đơn vị cũ")
        ok = False
    effective: date | None = None
    raw = row.get("effective")
    if raw is None:
        problems.add(row.number, row.column("effective"), "thiếu ngày hiệu lực")
        ok = False
    else:
        try:
            effective = parse_date_cell(raw)
        except ValueError as exc:
            problems.add(row.number, row.column("effective"), str(exc))
            ok = False
    kind = ""
    kind_text = row.text("kind")
    if not kind_text:
        problems.add(row.number, row.column("kind"), "thiếu loại (merge / split / rename)")
        ok = False
    else:
        try:
            kind = parse_kind(kind_text)
        except ValueError as exc:
            problems.add(row.number, row.column("kind"), str(exc))
            ok = False
    share = _read_share(row, problems)
    if share is None:
        ok = False
    elif kind in ("merge", "rename") and share != ONE:
        problems.add(
            row.number, row.column("share"),
            f"tỷ trọng chỉ dùng khi chia tách; {KIND_WORDS[kind]} chuyển toàn bộ đơn vị cũ (để trống hoặc ghi 1)",
        )
        ok = False
    note = row.text("note")
    if len(note) > MAX_NOTE:
        problems.add(row.number, row.column("note"), f"ghi chú dài quá {MAX_NOTE} ký tự")
        ok = False
    if not ok or effective is None:
        return None
    return Link(codes["predecessor"], codes["successor"], kind, effective, share or ONE, note)


def _check_links(
    rows: list[tuple[int, Link]], stored: Iterable[Link], problems: ProblemList, columns: dict[str, str],
) -> None:
    """Rules across rows: no pair twice, splits give away at most the whole, merge/rename go to one unit."""
    first_row: dict[tuple[str, str], int] = {}
    for number, link in rows:
        pair = (link.predecessor, link.successor)
        if pair in first_row:
            problems.add(
                number, columns["successor"],
                f"cặp {link.predecessor} → {link.successor} đã có ở dòng {first_row[pair]}",
            )
        else:
            first_row[pair] = number
    # The links after the import: the stored ones, overridden by the file's.
    final: dict[tuple[str, str], tuple[int | None, Link]] = {
        (s.predecessor, s.successor): (None, s) for s in stored
    }
    for number, link in rows:
        if first_row[(link.predecessor, link.successor)] == number:  # a repeat is reported above
            final[(link.predecessor, link.successor)] = (number, link)
    by_predecessor: dict[str, list[tuple[int | None, Link]]] = defaultdict(list)
    for number, link in final.values():
        by_predecessor[link.predecessor].append((number, link))
    for code, links in by_predecessor.items():
        file_rows = sorted(n for n, _ in links if n is not None)
        if not file_rows:
            continue
        where = file_rows[-1]
        split_total = sum((lk.share for _, lk in links if lk.kind == "split"), Fraction(0))
        if split_total > 1:
            shares = " + ".join(_share_text(lk.share) for _, lk in links if lk.kind == "split")
            problems.add(
                where, columns["share"],
                f"đơn vị {code} được chia với tổng tỷ trọng {shares} = {_share_text(split_total)}, "
                f"vượt quá 1 (toàn bộ đơn vị)",
            )
        whole = [(n, lk) for n, lk in links if lk.kind in ("merge", "rename")]
        if whole and len(links) > 1:
            n, lk = whole[0]
            others = ", ".join(sorted(o.successor for _, o in links if o is not lk))
            problems.add(
                n if n is not None else where, columns["kind"],
                f"đơn vị {code} {KIND_WORDS[lk.kind]} trọn vào {lk.successor} nhưng cũng chuyển sang "
                f"{others}; một đơn vị chuyển sang nhiều đơn vị là chia tách (split) với tỷ trọng",
            )


def _stored_links() -> list[Link]:
    return [
        Link(p, s, kind, eff, Fraction(share) if share is not None else ONE, note)
        for p, s, kind, eff, share, note in UnitLineage.objects.values_list(
            "predecessor__code", "successor__code", "kind", "effective", "share", "note")
    ]


def save_links(
    links: Iterable[Link], report: LineageReport, units: dict[str, Unit] | None = None,
    *, keep_existing: bool = False,
) -> None:
    """Create or update ``links`` by (predecessor, successor); a link already as wanted is left alone.

    With ``keep_existing`` (the registry import) a stored link that differs is kept as it is: a
    share the province declared for a split must survive loading the registry again. The caller
    holds the transaction; ``report`` lists what changed.
    """
    links = list(links)
    if units is None:
        codes = {c for lk in links for c in (lk.predecessor, lk.successor)}
        units = {u.code: u for u in Unit.objects.filter(code__in=codes)}
    existing = {
        (lk.predecessor.code, lk.successor.code): lk
        for lk in UnitLineage.objects.select_related("predecessor", "successor").filter(
            predecessor__code__in={lk.predecessor for lk in links})
    }
    for link in links:
        pair = (link.predecessor, link.successor)
        share = Decimal(link.share.numerator) / Decimal(link.share.denominator)
        share = share.quantize(Decimal("0.000001"))
        wanted = {"kind": link.kind, "effective": link.effective, "share": share, "note": link.note}
        row = existing.get(pair)
        if row is None:
            report.created.append(pair)
            if not report.dry_run:
                UnitLineage.objects.create(
                    predecessor=units[link.predecessor], successor=units[link.successor], **wanted)
            continue
        changed = {k: v for k, v in wanted.items() if getattr(row, k) != v}
        if not changed:
            report.unchanged.append(pair)
            continue
        if keep_existing:
            report.kept.append(pair)
            continue
        report.updated.append(pair)
        if not report.dry_run:
            for key, value in changed.items():
                setattr(row, key, value)
            row.save(update_fields=list(changed))


def import_lineage(
    source: str | os.PathLike | IO[bytes] | bytes,
    *,
    filename: str | None = None,
    sheet: str | None = None,
    dry_run: bool = False,
) -> LineageReport:
    """Create or update lineage links from ``source``; all or nothing.

    Raises :class:`chiso.tabular.ImportError_` listing every problem (file, row, column);
    then nothing is written. Running the same file twice changes nothing.
    """
    table = read_table(source, fields=FIELDS, required=REQUIRED, filename=filename, sheet=sheet,
                       extra_aliases=ALIASES, allow_extra=False)
    problems = ProblemList(table.file)
    wanted = {normalize_code(row.text(n)) for row in table.rows for n in ("predecessor", "successor")}
    units = {u.code: u for u in Unit.objects.filter(code__in=wanted - {""})}
    rows: list[tuple[int, Link]] = []
    for row in table.rows:
        link = _read_row(row, problems, units)
        if link is not None:
            rows.append((row.number, link))
    columns = {name: table.fields.get(name, name) for name in FIELDS}
    _check_links(rows, _stored_links(), problems, columns)
    problems.raise_if_any()

    report = LineageReport(file=table.file, dry_run=dry_run)
    with transaction.atomic():
        save_links([link for _, link in rows], report, units)
    return report


def describe(pair: tuple[str, str]) -> str:
    """"A → B" for a report line."""
    return f"{pair[0]} → {pair[1]}"
