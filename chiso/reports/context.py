"""One context object per report kind, built from the engine's ``Evaluation``.

The XLSX writer and the DOCX templates both read these objects, so the
spreadsheet, the Word file and its PDF always show the same figures. Nothing
here decides whether an indicator is met: verdicts, values and explanations
come from the engine; this module only words and formats them: Vietnamese
numbers through ``chiso.engine.numbers``, every rate through
``chiso.engine.rates.format_rate`` ("65,00%"), the completion goal through
``chiso.engine.forecast.completion_goal``, the ranking through
``chiso.engine.ranking`` and every label (levels, verdicts, statuses) from
``chiso.results.vocabulary`` — the same words and figures the page, the CLI and
the API print.

No database: it can be tested with hand-built results (labels are lazy gettext).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from fractions import Fraction

from chiso.engine.forecast import Milestone
from chiso.engine.forecast import completion_goal as engine_completion_goal
from chiso.engine.model import (
    LEVELS,
    Framework,
    Indicator,
    IndicatorResult,
    Tally,
    UnitResult,
)
from chiso.engine.numbers import format_int, format_number
from chiso.engine.periods import Period
from chiso.engine.ranking import rank_by_level
from chiso.engine.rates import format_rate
from chiso.results.vocabulary import NOT_RANKED as NOT_RANKED_LABEL
from chiso.results.vocabulary import level_agency, level_name, unit_status, verdict

LEVEL_ORDER = {level: i for i, level in enumerate(LEVELS)}
FAILING = frozenset({"not_met", "missing", "invalid"})
ROMAN = {1: "I", 2: "II", 3: "III", 4: "IV"}
MONTHS_WITH_ZERO = {1, 2}  # Decree 30: leading zero for months 1 and 2 only


# --------------------------------------------------------------------------- dates


def date_words(day: date) -> str:
    """``ngày 05 tháng 01 năm 2026`` as Decree 30 writes it (zeros: day < 10, months 1–2)."""
    month = f"{day.month:02d}" if day.month in MONTHS_WITH_ZERO else str(day.month)
    return f"ngày {day.day:02d} tháng {month} năm {day.year}"


DOCUMENT_TYPES = {
    "NQ": "Nghị quyết", "QĐ": "Quyết định", "QD": "Quyết định", "NĐ": "Nghị định", "ND": "Nghị định",
    "TT": "Thông tư", "TTLT": "Thông tư liên tịch", "KH": "Kế hoạch", "CT": "Chỉ thị",
    "HD": "Hướng dẫn", "CV": "Công văn",
}


def document_type(number: str) -> str:
    """The kind of a legal document from its symbol: ``17/NQ-CP`` → Nghị quyết,
    ``51/2025/QĐ-TTg`` → Quyết định; empty when the number has no known symbol."""
    parts = [p.strip() for p in (number or "").split("/")]
    if len(parts) < 2 or not parts[0][:1].isdigit():
        return ""
    return DOCUMENT_TYPES.get(parts[-1].split("-")[0].upper(), "")


def short_date(day: date) -> str:
    """``07/3/2019`` as Decree 30 writes a date in figures (zeros: day < 10, months 1–2)."""
    month = f"{day.month:02d}" if day.month in MONTHS_WITH_ZERO else str(day.month)
    return f"{day.day:02d}/{month}/{day.year}"


def legal_basis_sentence(legal) -> str:
    """``Căn cứ Nghị quyết số 17/NQ-CP ngày 07/3/2019 của Chính phủ về …;`` from the framework's
    document fields (number, date, issuer, title); empty when the number is not a document's."""
    if legal is None:
        return ""
    kind = document_type(legal.number)
    if not kind:
        return ""
    text = f"Căn cứ {kind} số {legal.number.strip()}"
    if legal.date:
        text += f" ngày {short_date(legal.date)}"
    if legal.issuer:
        text += f" của {legal.issuer.strip()}"
    title = " ".join((legal.title or "").split())
    if title.lower().startswith(kind.lower() + " "):
        title = title[len(kind) + 1:]  # "Nghị quyết về …" after "Căn cứ Nghị quyết số …"
    if title:
        title = title[0].lower() + title[1:]
        text += f" {title}" if title.startswith("về ") else f" về {title}"
    return text.rstrip(" .;") + ";"


def period_phrase(period: Period) -> str:
    """The period inside a sentence: ``tháng 01 năm 2025``, ``quý I năm 2025``, ``6 tháng đầu năm 2025``."""
    kind, year, index = period.kind, period.year, getattr(period, "index", 1)
    if kind == "month":
        return f"tháng {index:02d} năm {year}"
    if kind == "quarter":
        return f"quý {ROMAN.get(index, index)} năm {year}"
    if kind == "half":
        return f"6 tháng {'đầu' if index == 1 else 'cuối'} năm {year}"
    return f"năm {year}"


AREA_WORDS = ("tỉnh", "thành phố", "huyện", "quận", "thị xã", "xã", "phường", "thị trấn", "đặc khu")
COUNCIL_PREFIXES = ("ubnd ", "ủy ban nhân dân ", "uỷ ban nhân dân ")


def scope_phrase(name: str) -> str:
    """The covered area inside a title or sentence: `` trên địa bàn huyện Phú Tân``.

    Appending a unit's name to a framework title gave "…tỉnh An Giang Huyện Phú Tân"; an area
    is named in lower case after "trên địa bàn", an agency after "của".
    """
    name = (name or "").strip()
    if not name:
        return ""
    lowered = name.lower()
    for prefix in COUNCIL_PREFIXES:
        if lowered.startswith(prefix):
            name, lowered = name[len(prefix):].strip(), lowered[len(prefix):].strip()
            break
    area = next((w for w in AREA_WORDS if lowered.startswith(w + " ")), None)
    if area is None:
        return f" của {name}"
    return f" trên địa bàn {area}{name[len(area):]}"


# --------------------------------------------------------------------------- metadata


@dataclass
class ReportMeta:
    """Who issues the document and how it is numbered, dated and signed.

    Defaults come from settings (see ``chiso.reports.services.default_meta``);
    the CLI options and the web form override them. An empty ``number`` leaves
    the blank the clerk fills in by hand after registering the document, as in
    seed 002 ("Báo cáo số    /BC-STTTT").
    """

    parent_agency: str = "UBND tỉnh An Giang"
    agency: str = "Sở Khoa học và Công nghệ"
    number: str = ""
    symbol: str = "BC-SKHCN"
    place: str = "An Giang"
    day: date = field(default_factory=date.today)
    authority: str = "KT. GIÁM ĐỐC"
    position: str = "PHÓ GIÁM ĐỐC"
    signer: str = ""
    recipients: Sequence[str] = (
        "UBND tỉnh (để báo cáo)",
        "Ban Chỉ đạo chuyển đổi số tỉnh",
        "Các sở, ban, ngành tỉnh",
        "UBND các huyện, thị xã, thành phố",
    )
    archive: str = "Lưu: VT, CNTT."
    annex_label: str = "Phụ lục 1"
    subject: str = ""
    addressee: str = ""  # "Kính gửi: …" under the subject, when the report is sent to one body
    next_steps: str = ""  # section III, written by the officer (one paragraph a line)

    def __post_init__(self) -> None:
        """A number typed with its symbol ("15/BC-STTTT") is split, never printed "15/BC-STTTT/BC-STTTT"."""
        number = (self.number or "").strip()
        if "/" in number:
            number, _, symbol = number.partition("/")
            number = number.strip()
            if symbol.strip():
                self.symbol = symbol.strip()
        self.number = number

    @property
    def parent_agency_caps(self) -> str:
        return self.parent_agency.upper()

    @property
    def agency_caps(self) -> str:
        return self.agency.upper()

    @property
    def number_text(self) -> str:
        """``05`` or a blank wide enough to write a number in by hand."""
        return self.number.strip() or "      "

    @property
    def number_line(self) -> str:
        return f"Số: {self.number_text}/{self.symbol}"

    @property
    def date_text(self) -> str:
        return date_words(self.day)

    @property
    def date_line(self) -> str:
        return f"{self.place}, {self.date_text}"

    @property
    def attached_line(self) -> str:
        """``(Kèm theo Báo cáo số 05/BC-STTTT ngày 05 tháng 01 năm 2026 của Sở …)``."""
        return (
            f"(Kèm theo Báo cáo số {self.number_text}/{self.symbol} "
            f"{self.date_text} của {self.agency})"
        )

    @property
    def recipient_lines(self) -> list[str]:
        """The "Nơi nhận" list as printed: ``- X;`` … ending ``- Lưu: VT, …``."""
        lines = [f"- {r.strip().rstrip(';')};" for r in self.recipients if r.strip()]
        return [*lines, f"- {self.archive}"]


# --------------------------------------------------------------------------- formatting helpers


def _input(ir: IndicatorResult, name: str):
    """An indicator's input by short name, whether keyed ``numerator`` or ``2.numerator``."""
    inputs = ir.inputs or {}
    if name in inputs:
        return inputs[name]
    for key, value in inputs.items():
        if key.endswith("." + name):
            return value
    return None


def _count(value) -> str:
    if isinstance(value, Fraction) and value.denominator == 1:
        return format_int(int(value))
    if isinstance(value, int) and not isinstance(value, bool):
        return format_int(value)
    if isinstance(value, Fraction):
        return format_number(value)
    return str(value)


def result_text(ir: IndicatorResult, decimals: int = 2) -> str:
    """What the "Kết quả" column shows: ``93,61%``, ``Có``, ``4``, ``45/50 điểm``."""
    if ir.status in ("missing", "invalid"):
        return verdict(ir.status)
    value = ir.value
    if ir.kind == "score" and ir.points is not None:
        points = format_number(ir.points, decimals)
        if ir.max_points:
            return f"{points}/{format_number(ir.max_points, decimals)} điểm"
        return f"{points} điểm"
    if ir.kind == "composite":
        return verdict(ir.status)
    if ir.kind == "text":
        return ""
    if isinstance(value, bool):
        return "Có" if value else "Không"
    if ir.kind == "ratio" and isinstance(value, Fraction):
        return format_rate(value, decimals)
    if isinstance(value, Fraction):
        return _count(value)
    if ir.status == "not_applicable":
        return verdict("not_applicable")
    return "" if value is None else str(value)


def stated_rate_lines(ir: IndicatorResult, source: str = "") -> list[str]:
    """What a row says about a stated rate (``<code>.rate``), from the engine's note, never recomputed.

    Alone (no counts): "Tỷ lệ nêu trong báo cáo 98,7%, …" and its source note. Beside
    counts: the check, with "Lưu ý:" when the engine flagged a difference above 0,5 points.
    """
    stated = ir.stated
    if stated is None:
        return []
    note = f"Lưu ý: {stated.note}" if stated.differs else stated.note
    lines = [note + "."]
    if source.strip():
        lines.append(f"Nguồn: {source.strip()}")
    return lines


def flagged_rate_lines(results: Sequence[UnitResult]) -> list[str]:
    """One line per stated rate the engine flagged (more than 0,5 points from its counts), unit by unit."""
    lines = []
    for result in results:
        for ir in result.indicators:
            for item in (ir, *(ir.items or ())):
                if item.stated is not None and item.stated.differs:
                    lines.append(f"- {result.unit.name}, chỉ tiêu {item.code}: {item.stated.note}.")
    return lines


def percent_format(decimals: int) -> str:
    """The spreadsheet number format of a rate with ``decimals`` places (``0.00%``; Excel shows ``93,61%``
    in a Vietnamese locale)."""
    return f"0.{'0' * decimals}%" if decimals > 0 else "0%"


def number_format(value: Fraction | int) -> str:
    """``#,##0`` for a whole number, ``#,##0.00`` otherwise (shown ``54.919`` / ``3,50`` in Vietnamese)."""
    return "#,##0" if Fraction(value).denominator == 1 else "#,##0.00"


def spreadsheet_number(value: Fraction | int | None) -> int | float | None:
    """A whole number as ``int``, any other as ``float``: what a spreadsheet cell stores."""
    if value is None:
        return None
    value = Fraction(value)
    return int(value) if value.denominator == 1 else float(value)


def result_number(ir: IndicatorResult, decimals: int = 2) -> tuple[int | float, str] | None:
    """The "Kết quả" as a spreadsheet number and its format, or ``None`` when it is words.

    A rate is the fraction itself formatted as a percentage (so it sums and sorts), points and
    counts are plain numbers; yes/no, verdicts and missing figures stay text.
    """
    if ir.status in ("missing", "invalid") or ir.kind in ("composite", "text"):
        return None
    value = ir.value
    if ir.kind == "score" and ir.points is not None:
        return spreadsheet_number(ir.points), number_format(ir.points)
    if isinstance(value, bool) or not isinstance(value, Fraction | int):
        return None
    if ir.kind == "ratio":
        return float(value), percent_format(decimals)
    return spreadsheet_number(value), number_format(value)


def counts_text(ir: IndicatorResult, unit_label: str = "") -> str:
    """The counts a ratio rests on: ``54.919 / 58.669 hồ sơ`` (empty when not a ratio)."""
    if ir.kind != "ratio":
        return ""
    num, den = _input(ir, "numerator"), _input(ir, "denominator")
    if num is None or den is None:
        return ""
    text = f"{_count(num)} / {_count(den)}"
    return f"{text} {unit_label}".strip()


def describe_rules(indicator: Indicator) -> str:
    """Every target of an indicator with its level, for a unit none of them applies to."""
    from chiso.engine.targets import describe_target

    parts: list[str] = []
    for rule in indicator.targets:
        text = describe_target(rule.target, indicator.kind)
        if rule.level:
            text = f"{level_agency(rule.level)} {text}"
        if text not in parts:
            parts.append(text)
    return "; ".join(parts)


def completion_goal(framework: Framework, period: Period, level: str | None = None) -> Milestone | None:
    """The goal the period's completion rate is measured against: the engine's one rule
    (``chiso.engine.forecast.completion_goal``), as the dashboard uses it."""
    return engine_completion_goal(framework, period, level)


def _goal_text(goal: Milestone) -> str:
    """"≥ 90%" as the decision writes the goal."""
    from chiso.engine.targets import describe_target

    return describe_target(goal.goal, "ratio")


def _indicator_spec(framework: Framework, code: str) -> Indicator | None:
    try:
        return framework.indicator(code)
    except KeyError:
        return None


def _rate_text(tally: Tally, decimals: int) -> str:
    return format_rate(tally.rate, decimals)


# --------------------------------------------------------------------------- appendix


@dataclass
class AppendixRow:
    tt: str
    name: str
    target: str
    content_lines: list[str]
    result: str
    verdict: str
    status: str
    failing: bool
    sub: bool = False  # a lettered sub-item of a composite criterion
    number: int | float | None = None  # the result as a spreadsheet number (a rate as a fraction)
    number_format: str = ""
    flagged: bool = False  # a stated rate more than 0,5 points from its counts (the engine's flag)

    @property
    def content(self) -> str:
        return "\n".join(self.content_lines)

    @property
    def lines(self) -> list[str]:
        """Content lines for a template loop: never empty, a table cell needs a paragraph."""
        return self.content_lines or [""]


@dataclass
class AppendixContext:
    meta: ReportMeta
    framework_code: str
    framework_title: str
    legal_number: str
    unit_code: str
    unit_name: str
    unit_level: str
    period_code: str
    period_label: str
    year: int
    title: str
    col_name: str
    col_target: str
    col_content: str
    col_result: str
    col_verdict: str
    rows: list[AppendixRow]
    met: int
    applicable: int
    unit_status: str
    summary_line: str
    legend: str = (
        "Dòng in đậm, chữ đỏ, có ghi \"Chưa đạt\" ở cột Đánh giá là chỉ tiêu chưa đạt mục tiêu "
        "(hoặc chưa có số liệu, số liệu không hợp lệ)."
    )
    kind: str = "appendix"

    @property
    def failing_rows(self) -> list[AppendixRow]:
        return [r for r in self.rows if r.failing]


def _appendix_row(
    ir: IndicatorResult,
    spec: Indicator | None,
    tt: str,
    narrative: str,
    decimals: int,
    sub: bool = False,
    letter: str = "",
    source: str = "",
) -> AppendixRow:
    target = ir.target_text or (describe_rules(spec) if spec is not None else "")
    lines = [line.strip() for line in (narrative or "").splitlines() if line.strip()]
    if ir.kind == "text" and isinstance(ir.value, str) and ir.value.strip():
        lines.extend(line.strip() for line in ir.value.splitlines() if line.strip())
    unit_label = spec.unit_label if spec is not None else ""
    counts = counts_text(ir, unit_label)
    stated = stated_rate_lines(ir, source)
    if stated and ir.stated.used:
        lines.extend(stated)  # the figure is the unit's stated rate: say so, with its source
    if counts:
        labels = spec.input_labels if spec is not None else {}
        if labels.get("numerator") and labels.get("denominator"):
            num, den = _input(ir, "numerator"), _input(ir, "denominator")
            lines.append(f"- {labels['numerator']}: {_count(num)} {unit_label}".rstrip())
            lines.append(f"- {labels['denominator']}: {_count(den)} {unit_label}".rstrip())
        lines.append(f"Tỷ lệ: {counts}")
    if stated and not ir.stated.used:
        lines.extend(stated)  # stated beside the counts: checked by the engine, flagged when apart
    if ir.status in ("missing", "invalid") and ir.explanation:
        lines.append(ir.explanation)
    verdict_text = "" if ir.kind == "text" else verdict(ir.status)
    name = f"{letter or ir.code}) {ir.name}" if sub else ir.name
    numeric = result_number(ir, decimals)
    return AppendixRow(
        tt=tt,
        name=name,
        target=target,
        content_lines=lines,
        result=result_text(ir, decimals),
        verdict=verdict_text,
        status=ir.status,
        failing=ir.status in FAILING and ir.kind != "text",
        sub=sub,
        flagged=bool(ir.stated is not None and ir.stated.differs),
        number=numeric[0] if numeric else None,
        number_format=numeric[1] if numeric else "",
    )


def appendix_context(
    framework: Framework,
    period: Period,
    result: UnitResult,
    meta: ReportMeta,
    narratives: Mapping[str, str] | None = None,
    rate_sources: Mapping[str, str] | None = None,
) -> AppendixContext:
    """Rows as seed 002's Phụ lục: TT · Chỉ tiêu · Mục tiêu · Nội dung thực hiện · Kết quả.

    ``narratives`` maps an indicator code (``"2"``, ``"8.4.c"``) to the text the
    unit wrote; the counts the figure rests on are appended from the engine's inputs.
    ``rate_sources`` maps a code to the source note of its stated rate (the comment
    of ``<code>.rate``), printed after it.
    """
    narratives = narratives or {}
    rate_sources = rate_sources or {}
    decimals = framework.decimals
    rows: list[AppendixRow] = []
    for ir in result.indicators:
        spec = _indicator_spec(framework, ir.code)
        rows.append(_appendix_row(ir, spec, ir.code, narratives.get(ir.code, ""), decimals,
                                  source=rate_sources.get(ir.code, "")))
        if ir.items:
            spec_items = {i.code: i for i in (spec.items if spec is not None else ())}
            for item in ir.items:
                # the engine gives items their full code ("8.4.c"); the spec keys them by letter
                letter = item.code.rsplit(".", 1)[-1] if item.code.startswith(ir.code + ".") else item.code
                full = item.code if item.code.startswith(ir.code + ".") else f"{ir.code}.{item.code}"
                rows.append(
                    _appendix_row(
                        item,
                        spec_items.get(letter),
                        "",
                        narratives.get(full, ""),
                        decimals,
                        sub=True,
                        letter=letter,
                        source=rate_sources.get(full, ""),
                    )
                )
    unit = result.unit
    # the document's number heads the column only when it is one ("(mẫu minh hoạ)" is not)
    legal = framework.legal_basis.number.strip() if framework.legal_basis else ""
    legal = legal if document_type(legal) else ""
    not_met = sum(1 for r in result.indicators if r.status in FAILING and r.kind != "text")
    if result.status == "not_reported":
        summary = f"{unit.name} chưa báo cáo số liệu {period_phrase(period)}."
    else:
        summary = (
            f"{unit.name} đạt {result.met}/{result.applicable} chỉ tiêu áp dụng"
            f"{f'; {not_met} chỉ tiêu chưa đạt' if not_met else ''}."
        )
    return AppendixContext(
        meta=meta,
        framework_code=framework.code,
        framework_title=framework.title,
        legal_number=legal,
        unit_code=unit.code,
        unit_name=unit.name,
        unit_level=unit.level,
        period_code=period.code,
        period_label=period.label,
        year=period.year,
        title=f"{framework.title} – {unit.name}".upper(),
        col_name=f"Chỉ tiêu, nhiệm vụ {legal}".strip() if legal else "Chỉ tiêu, nhiệm vụ",
        col_target=f"Mục tiêu năm {period.year}",
        col_content="Nội dung thực hiện",
        col_result=f"Kết quả {period_phrase(period)}",
        col_verdict="Đánh giá",
        rows=rows,
        met=result.met,
        applicable=result.applicable,
        unit_status=result.status,
        summary_line=summary,
    )


# --------------------------------------------------------------------------- blocking criteria


@dataclass
class Blocking:
    code: str
    name: str
    failing: int
    assessed: int
    unit_names: list[str]
    level: str | None = None
    missing_names: list[str] = field(default_factory=list)  # failing only for want of a figure

    @property
    def text(self) -> str:
        """Units not meeting the criterion apart from units without a figure for it."""
        not_met = [n for n in self.unit_names if n not in self.missing_names]
        parts = []
        if not_met:
            parts.append(f"{format_int(len(not_met))}/{format_int(self.assessed)} đơn vị chưa đạt "
                         f"({', '.join(not_met)})")
        if self.missing_names:
            parts.append(f"{format_int(len(self.missing_names))} đơn vị chưa có số liệu "
                         f"({', '.join(self.missing_names)})")
        return f"Tiêu chí {self.code} \u201c{self.name}\u201d: {'; '.join(parts)}."


def blocking_criteria(results: Sequence[UnitResult], limit: int | None = None) -> list[Blocking]:
    """The engine's blocking criteria (most failing first) with the failing units' names.

    Counting is the engine's (``chiso.engine.aggregate.blocking_criteria``):
    only units that reported count, a missing value there fails; the units whose
    figure is missing are named apart (``missing_names``).
    """
    from chiso.engine.aggregate import blocking_criteria as engine_blocking

    names = {r.unit.code: r.unit.name for r in results}
    statuses = {r.unit.code: {ir.code: ir.status for ir in r.indicators} for r in results}
    out = [
        Blocking(b.code, b.name, b.failing, b.assessed, [names.get(c, c) for c in b.units],
                 missing_names=[names.get(c, c) for c in b.units
                                if statuses.get(c, {}).get(b.code) == "missing"])
        for b in engine_blocking(results)
    ]
    return out[:limit] if limit else out


# --------------------------------------------------------------------------- Decree 30 report


@dataclass
class LevelLine:
    level: str
    name: str
    units: int
    complete: int
    not_reported: int
    rate: str
    target: str
    reached: str
    text: str


@dataclass
class Subsection:
    """A numbered part of section I ("1. Kết quả chung") and its paragraphs."""

    title: str
    lines: list[str]


@dataclass
class Previous:
    """The same kind of figures for the period before, to compare with (``None`` when there are none)."""

    period: Period
    summary: object  # the engine's ``Summary``
    results: Sequence[UnitResult]


@dataclass
class ReportContext:
    meta: ReportMeta
    framework_code: str
    framework_title: str
    period_code: str
    period_label: str
    subject: str
    legal_lines: list[str]
    intro: str
    overall_lines: list[str]
    level_lines: list[LevelLine]
    complete_lines: list[str]
    not_reported_lines: list[str]
    difficulty_lines: list[str]
    next_steps_lines: list[str]
    closing: str
    rate_text: str
    blocking: list[Blocking]
    kind: str = "report"
    criterion_lines: list[str] = field(default_factory=list)
    comparison_lines: list[str] = field(default_factory=list)
    sections: list[Subsection] = field(default_factory=list)

    @property
    def level_texts(self) -> list[str]:
        return [line.text for line in self.level_lines]


def _tally_sentence(tally: Tally, decimals: int) -> str:
    return (
        f"{format_int(tally.complete)}/{format_int(tally.units)} đơn vị hoàn thành "
        f"(đạt {_rate_text(tally, decimals)})"
    )


def _points(rate_now: Fraction, rate_before: Fraction, decimals: int) -> str:
    """``tăng 3,61 điểm phần trăm`` / ``giảm …`` / ``không đổi``."""
    diff = rate_now - rate_before
    if diff == 0:
        return "không đổi"
    points = format_rate(abs(diff), decimals).rstrip("%")  # the same rounding as every printed rate
    return f"{'tăng' if diff > 0 else 'giảm'} {points} điểm phần trăm"


def _indicator_counts(results: Sequence[UnitResult], code: str) -> tuple[int, int, int]:
    """(met, not met or invalid, without a figure) among the units that reported."""
    met = not_met = missing = 0
    for r in results:
        if r.status == "not_reported":
            continue
        status = next((ir.status for ir in r.indicators if ir.code == code), None)
        if status == "met":
            met += 1
        elif status in ("not_met", "invalid"):
            not_met += 1
        elif status == "missing":
            missing += 1
    return met, not_met, missing


def _criterion_lines(framework: Framework, results: Sequence[UnitResult], decimals: int) -> list[str]:
    """One line per criterion: how many of the units that reported meet it, at what rate."""
    lines = []
    for ind in framework.indicators:
        if ind.kind == "text":
            continue
        met, not_met, missing = _indicator_counts(results, ind.code)
        applicable = met + not_met + missing
        if not applicable:
            continue
        text = (f"- Tiêu chí {ind.code} \u201c{ind.name}\u201d: {format_int(met)}/{format_int(applicable)} "
                f"đơn vị đạt ({format_rate(Fraction(met, applicable), decimals)})")
        if not_met:
            text += f"; {format_int(not_met)} đơn vị chưa đạt"
        if missing:
            text += f"; {format_int(missing)} đơn vị chưa có số liệu"
        lines.append(text + ".")
    return lines


def level_tally_lines(framework: Framework, results: Sequence[UnitResult]) -> list[str]:
    """For a scored framework, per category: how many units are at each Mức and how many are
    "Không xếp hạng", among the units that reported (``- Điều kiện sẵn sàng: Mức 4: 1; …``)."""
    not_ranked = str(NOT_RANKED_LABEL)
    lines = []
    for category in framework.categories:
        counts: dict[str, int] = {}
        for r in results:
            if r.status == "not_reported" or r.score is None:
                continue
            cr = next((c for c in r.score.categories if c.code == category.code), None)
            if cr is None:
                continue
            key = cr.level if cr.ranked and cr.level else not_ranked
            counts[key] = counts.get(key, 0) + 1
        if not counts:
            continue
        order = sorted((k for k in counts if k != not_ranked), reverse=True)
        order += [not_ranked] if not_ranked in counts else []
        lines.append(f"- {category.name}: " + "; ".join(f"{k}: {format_int(counts[k])} đơn vị" for k in order) + ".")
    return lines


def _single_unit_lines(framework: Framework, result: UnitResult, previous: UnitResult | None,
                       previous_phrase: str, decimals: int) -> tuple[list[str], list[str], list[str]]:
    """(overall, per-indicator, difficulties) for a framework that assesses one unit (NQ 17):
    counts of indicators, never "0/1 đơn vị hoàn thành"; no figure is "chưa có số liệu", not "chưa đạt"."""
    shown = [ir for ir in result.indicators if ir.kind != "text" and ir.status != "not_applicable"]
    met = [ir for ir in shown if ir.status == "met"]
    not_met = [ir for ir in shown if ir.status in ("not_met", "invalid")]
    missing = [ir for ir in shown if ir.status == "missing"]
    overall = [f"{result.unit.name} đạt {format_int(len(met))}/{format_int(len(shown))} chỉ tiêu"
               + (f"; {format_int(len(not_met))} chỉ tiêu chưa đạt" if not_met else "")
               + (f"; {format_int(len(missing))} chỉ tiêu chưa có số liệu" if missing else "") + "."]
    before = {ir.code: ir for ir in previous.indicators} if previous is not None else {}
    lines = []
    for ir in shown:
        spec = _indicator_spec(framework, ir.code)
        if ir.status == "missing":  # named once, by code, after the figures (and in section II)
            continue
        value = result_text(ir, decimals)
        counts = counts_text(ir, spec.unit_label if spec is not None else "")
        text = f"- Chỉ tiêu {ir.code} \u201c{ir.name}\u201d: {value}"
        if counts:
            text += f" ({counts})"
        if ir.stated is not None and ir.stated.used:
            text += " (tỷ lệ đơn vị nêu, chưa có số liệu để đối chiếu)"
        if ir.target_text:
            text += f", mục tiêu {ir.target_text}"
        text += f": {verdict(ir.status).lower()}"
        if ir.stated is not None and ir.stated.differs:
            text += f"; lưu ý: {ir.stated.note[0].lower()}{ir.stated.note[1:]}"
        old = before.get(ir.code)
        if (ir.kind == "ratio" and old is not None and isinstance(ir.value, Fraction)
                and isinstance(old.value, Fraction) and old.status != "missing"):
            text += (f"; {previous_phrase}: {format_rate(old.value, decimals)} "
                     f"({_points(ir.value, old.value, decimals)})")
        lines.append(text + ".")
    if missing:
        lines.append(f"- Chưa có số liệu: {format_int(len(missing))} chỉ tiêu ("
                     + ", ".join(ir.code for ir in missing) + ").")
    difficulties = []
    if not_met:
        difficulties.append(f"Các chỉ tiêu chưa đạt mục tiêu ({format_int(len(not_met))}): "
                            + "; ".join(f"{ir.code} ({result_text(ir, decimals)})" for ir in not_met) + ".")
    if missing:
        difficulties.append(f"Các chỉ tiêu chưa có số liệu nên chưa đánh giá được ({format_int(len(missing))}): "
                            + ", ".join(ir.code for ir in missing) + ".")
    return overall, lines, difficulties


def report_context(
    framework: Framework,
    period: Period,
    evaluation_summary,
    results: Sequence[UnitResult],
    meta: ReportMeta,
    scope_name: str = "",
    previous: Previous | None = None,
) -> ReportContext:
    """Sections of the Decree 30 report: I. results, II. difficulties (from the data), III. next steps.

    ``evaluation_summary`` is the engine's ``Summary`` for ``results``; ``previous`` the figures of
    the period before (compared with when some unit reported then).
    """
    decimals = framework.decimals
    # units are named province agencies first, then districts, then communes (tree order within)
    results = sorted(results, key=lambda r: LEVEL_ORDER.get(r.unit.level, 9))
    phrase = period_phrase(period)
    previous_phrase = period_phrase(previous.period) if previous is not None else ""
    where = scope_phrase(scope_name)
    subject = meta.subject or f"Kết quả thực hiện {framework.title}{where} {phrase}"
    sentence = legal_basis_sentence(framework.legal_basis)
    legal_lines: list[str] = [sentence] if sentence else []
    intro = f"{meta.agency} báo cáo kết quả thực hiện {framework.title}{where} {phrase} như sau:"
    closing = f"Trên đây là báo cáo kết quả thực hiện {framework.title}{where} {phrase} của {meta.agency}./."
    next_steps = [line.strip() for line in (meta.next_steps or "").splitlines() if line.strip()]
    overall: Tally = evaluation_summary.overall
    common = dict(
        meta=meta, framework_code=framework.code, framework_title=framework.title,
        period_code=period.code, period_label=period.label, subject=subject, legal_lines=legal_lines,
        intro=intro, next_steps_lines=next_steps, closing=closing, rate_text=_rate_text(overall, decimals),
    )

    if len(results) == 1:  # one assessed unit (NQ 17: the province): indicators, not units, are counted
        before = None
        if previous is not None:
            before = next((r for r in previous.results if r.unit.code == results[0].unit.code), None)
            before = before if before is not None and before.status != "not_reported" else None
        overall_lines, criterion_lines, difficulty_lines = _single_unit_lines(
            framework, results[0], before, previous_phrase, decimals)
        if not difficulty_lines:
            difficulty_lines = ["Tất cả chỉ tiêu áp dụng đều đạt mục tiêu."]
        return ReportContext(
            **common, overall_lines=overall_lines, level_lines=[], complete_lines=[], not_reported_lines=[],
            difficulty_lines=difficulty_lines, blocking=[], criterion_lines=criterion_lines,
            sections=[Subsection("1. Kết quả chung", overall_lines),
                      Subsection("2. Kết quả từng chỉ tiêu", criterion_lines)],
        )

    goal = completion_goal(framework, period)
    overall_lines = [
        f"Tổng số đơn vị được đánh giá: {format_int(overall.units)}; đã báo cáo số liệu: "
        f"{format_int(overall.assessed)}; chưa báo cáo: {format_int(overall.not_reported)}.",
    ]
    sentence = f"Kết quả: {_tally_sentence(overall, decimals)}"
    if goal is not None and overall.rate is not None:
        reached = "đạt" if goal.met_by(overall.rate) else "chưa đạt"
        sentence += f", so với mục tiêu {_goal_text(goal)} năm {goal.year}: {reached}"
    overall_lines.append(sentence + ".")
    comparison_lines: list[str] = []
    if previous is not None:
        old: Tally = previous.summary.overall
        if old.assessed and old.rate is not None and overall.rate is not None:
            comparison_lines.append(
                f"So với {previous_phrase}: {format_int(old.complete)}/{format_int(old.units)} đơn vị hoàn thành "
                f"(đạt {format_rate(old.rate, decimals)}); tỷ lệ hoàn thành "
                f"{_points(overall.rate, old.rate, decimals)}."
            )

    level_lines: list[LevelLine] = []
    for level in ("province", "district", "commune"):
        tally = evaluation_summary.by_level.get(level)
        if tally is None or not tally.units:
            continue
        goal = completion_goal(framework, period, level)
        target_text = reached = ""
        if goal is not None and tally.rate is not None:
            target_text = _goal_text(goal)
            reached = "đạt" if goal.met_by(tally.rate) else "chưa đạt"
        text = f"- {level_name(level)}: {_tally_sentence(tally, decimals)}"
        if target_text:
            text += f", mục tiêu {target_text}: {reached}"
        if tally.not_reported:
            text += f"; {format_int(tally.not_reported)} đơn vị chưa báo cáo"
        level_lines.append(
            LevelLine(
                level=level,
                name=level_name(level),
                units=tally.units,
                complete=tally.complete,
                not_reported=tally.not_reported,
                rate=_rate_text(tally, decimals),
                target=target_text,
                reached=reached,
                text=text + ".",
            )
        )

    complete = [r.unit.name for r in results if r.status == "complete"]
    complete_lines = (
        [f"Các đơn vị đã hoàn thành ({format_int(len(complete))}): {', '.join(complete)}."]
        if complete
        else ["Chưa có đơn vị nào hoàn thành tất cả tiêu chí áp dụng."]
    )
    incomplete = [r.unit.name for r in results if r.status not in ("complete", "not_reported")]
    if incomplete:
        complete_lines.append(
            f"Các đơn vị đã báo cáo nhưng chưa đạt đủ tiêu chí ({format_int(len(incomplete))}): "
            f"{', '.join(incomplete)}.")
    missing = [r.unit.name for r in results if r.status == "not_reported"]
    not_reported_lines = (
        [
            f"Các đơn vị chưa báo cáo số liệu ({format_int(len(missing))}): {', '.join(missing)}; "
            "các đơn vị này được tính là chưa hoàn thành."
        ]
        if missing
        else []
    )

    blocking = blocking_criteria(results)
    difficulty_lines: list[str] = []
    if blocking:
        difficulty_lines.append(
            "Các tiêu chí nhiều đơn vị chưa đạt nhất (theo số liệu báo cáo):"
        )
        difficulty_lines.extend(f"- {b.text}" for b in blocking[:5])
    if missing:
        # the names are listed in section I.4; here only how many could not be assessed
        difficulty_lines.append(
            f"- {format_int(len(missing))} đơn vị chưa báo cáo số liệu nên chưa đánh giá được."
        )
    flagged = flagged_rate_lines(results)
    if flagged:
        difficulty_lines.append("Tỷ lệ đơn vị nêu khác tỷ lệ tính từ số liệu quá 0,5 điểm phần trăm (cần kiểm tra lại):")
        difficulty_lines.extend(flagged)
    if not difficulty_lines:
        difficulty_lines.append("Các đơn vị được đánh giá đều đạt tất cả tiêu chí áp dụng.")

    criterion_lines = _criterion_lines(framework, results, decimals)
    sections = [Subsection("Kết quả chung", overall_lines + comparison_lines)]
    if len(level_lines) > 1:
        sections.append(Subsection("Kết quả theo cấp", [line.text for line in level_lines]))
    sections.append(Subsection("Kết quả theo tiêu chí", criterion_lines))
    if framework.kind == "score":
        sections.append(Subsection("Xếp hạng theo hạng mục (đơn vị đã báo cáo)",
                                   level_tally_lines(framework, results)))
    sections.append(Subsection("Đơn vị hoàn thành, chưa hoàn thành, chưa báo cáo",
                               complete_lines + not_reported_lines))
    sections = [s for s in sections if s.lines]
    sections = [Subsection(f"{i}. {s.title}", s.lines) for i, s in enumerate(sections, start=1)]
    return ReportContext(
        **common, overall_lines=overall_lines, level_lines=level_lines, complete_lines=complete_lines,
        not_reported_lines=not_reported_lines, difficulty_lines=difficulty_lines, blocking=blocking,
        criterion_lines=criterion_lines, comparison_lines=comparison_lines, sections=sections,
    )


# --------------------------------------------------------------------------- commune matrix


MATRIX_MET = "Đ"
MATRIX_NA = "—"
MATRIX_UNKNOWN = "*"


@dataclass
class MatrixRow:
    stt: str
    code: str
    name: str
    year: str
    marks: list[str]
    upgraded: str
    note: str
    status: str


@dataclass
class RowGroup:
    """The rows of one level under a heading with the level's subtotal ("Cấp xã: 1/3 đơn vị đạt …")."""

    level: str
    heading: str
    rows: list


@dataclass
class MatrixContext:
    meta: ReportMeta
    framework_code: str
    framework_title: str
    period_code: str
    period_label: str
    title: str
    criteria: list[str]
    criteria_names: list[str]
    rows: list[MatrixRow]
    complete: int
    units: int
    rate: str
    summary_line: str
    legend: str = (
        "Đ: đạt; ô trống: chưa đạt; *: chưa có số liệu hoặc số liệu không hợp lệ; "
        "—: không áp dụng. Nâng chất: Đ khi đơn vị đạt tất cả tiêu chí áp dụng trong kỳ."
    )
    kind: str = "matrix"
    groups: list[RowGroup] = field(default_factory=list)

    @property
    def column_count(self) -> int:
        """Columns of the table: STT, Đơn vị, Năm công nhận, the criteria, Nâng chất, Phụ ghi."""
        return len(self.criteria) + 5


RECOGNIZED_KEYS = ("recognized_year", "nam_cong_nhan", "recognition_year", "year_recognized")


def recognized_year(attributes: Mapping[str, object]) -> str:
    """The year a commune was recognised (unit attribute ``recognized_year`` or an alias)."""
    for key in RECOGNIZED_KEYS:
        value = (attributes or {}).get(key)
        if value not in (None, ""):
            text = str(value)
            return text[:-2] if text.endswith(".0") else text
    return ""


def _mark(status: str) -> str:
    if status == "met":
        return MATRIX_MET
    if status == "not_applicable":
        return MATRIX_NA
    if status in ("missing", "invalid"):
        return MATRIX_UNKNOWN
    return ""


def matrix_context(
    framework: Framework,
    period: Period,
    results: Sequence[UnitResult],
    meta: ReportMeta,
    scope_name: str = "",
) -> MatrixContext:
    """Seed 003's table: STT · Đơn vị · Năm công nhận · one column per criterion · Nâng chất."""
    criteria = [ind for ind in framework.indicators if ind.kind != "text"]
    codes = [ind.code for ind in criteria]
    # grouped by level (province agencies, districts, communes); tree order within a level
    results = sorted(results, key=lambda r: LEVEL_ORDER.get(r.unit.level, 9))
    rows: list[MatrixRow] = []
    for i, res in enumerate(results, start=1):
        statuses = {ir.code: ir.status for ir in res.indicators}
        marks = [_mark(statuses.get(code, "not_applicable")) for code in codes]
        failing = [code for code in codes if statuses.get(code) in FAILING]
        if res.status == "not_reported":
            note = unit_status("not_reported")
        elif failing:
            note = f"{verdict('not_met')}: " + ", ".join(failing)
        else:
            note = ""
        rows.append(
            MatrixRow(
                stt=f"{i:02d}",
                code=res.unit.code,
                name=res.unit.name,
                year=recognized_year(res.unit.attributes),
                marks=marks,
                upgraded=MATRIX_MET if res.status == "complete" else "",
                note=note,
                status=res.status,
            )
        )
    complete = sum(1 for r in results if r.status == "complete")
    units = len(results)
    rate = format_rate(Fraction(complete, units) if units else None, framework.decimals)
    where = scope_phrase(scope_name)
    groups: list[RowGroup] = []
    for res, row in zip(results, rows, strict=True):
        if not groups or groups[-1].level != res.unit.level:
            groups.append(RowGroup(res.unit.level, "", []))
        groups[-1].rows.append(row)
    for group in groups:
        done = sum(1 for r in group.rows if r.status == "complete")
        group.heading = (f"{level_name(group.level)}: {format_int(done)}/{format_int(len(group.rows))} "
                         "đơn vị đạt tất cả tiêu chí")
    return MatrixContext(
        meta=meta,
        framework_code=framework.code,
        framework_title=framework.title,
        period_code=period.code,
        period_label=period.label,
        title=f"Kết quả thực hiện {framework.title}{where} {period_phrase(period)}".upper(),
        criteria=codes,
        criteria_names=[ind.name for ind in criteria],
        rows=rows,
        complete=complete,
        units=units,
        rate=rate,
        summary_line=(
            f"Có {format_int(complete)}/{format_int(units)} đơn vị đạt tất cả tiêu chí (tỷ lệ {rate})."
        ),
        groups=groups,
    )


# --------------------------------------------------------------------------- ranking


@dataclass
class RankingCell:
    code: str
    name: str
    points: str
    max_points: str
    level: str  # "Mức 3" or "Không xếp hạng"
    ranked: bool
    reason: str
    points_value: int | float | None = None

    @property
    def text(self) -> str:
        return f"{self.points} điểm – {self.level}"


@dataclass
class RankingRow:
    stt: str
    code: str
    name: str
    level_name: str
    cells: list[RankingCell]
    total: str
    max_total: str
    share: str
    note: str
    ranked_all: bool
    rank: str = ""  # the engine's position within the level ("2" for both of two tied units)
    note_ref: str = ""  # "(1)": the DOCX prints the note under the table, keeping the rows short
    total_value: int | float | None = None
    max_total_value: int | float | None = None
    share_value: float | None = None


@dataclass
class RankingContext:
    meta: ReportMeta
    framework_code: str
    framework_title: str
    period_code: str
    period_label: str
    title: str
    categories: list[str]
    category_codes: list[str]
    rows: list[RankingRow]
    not_reported: list[str]
    not_reported_line: str
    summary_line: str
    kind: str = "ranking"
    share_format: str = "0.00%"  # the spreadsheet format of the share column
    groups: list[RowGroup] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)  # "(1) Sở Nội vụ – …": the reasons, under the table

    @property
    def column_count(self) -> int:
        """Columns of the DOCX table: STT, Đơn vị, Cấp, the categories, Tổng điểm, Tỷ lệ, Ghi chú."""
        return len(self.categories) + 6


def _note_ref(footnotes: Mapping[str, list[str]], note: str) -> str:
    """The number of ``note`` under the ranking table: the next one, or the one already given to it."""
    for i, known in enumerate(footnotes, start=1):
        if known == note:
            return f"({i})"
    return f"({len(footnotes) + 1})"


def ranking_context(
    framework: Framework,
    period: Period,
    results: Sequence[UnitResult],
    meta: ReportMeta,
    scope_name: str = "",
) -> RankingContext:
    """Points per category, level or "Không xếp hạng" with its reason, total and share of the level's maximum.

    The order is the engine's ranking (``chiso.engine.ranking``: per level, most
    points first, ties share a position); rows are grouped by level (province,
    district, commune) and numbered through. Units that did not report are not
    ranked: they are listed apart, as seed 004 does (14/150).
    """
    decimals = framework.decimals
    categories = list(framework.categories)
    not_ranked = str(NOT_RANKED_LABEL)
    levels = rank_by_level(results)
    assessed = [entry for lv in levels for entry in lv.ranked]
    rows: list[RankingRow] = []
    footnotes: dict[str, list[str]] = {}  # note → names of the units it is about, in order of first use
    groups: list[RowGroup] = []
    for i, entry in enumerate(assessed, start=1):
        res, score = entry.result, entry.score
        by_code = {c.code: c for c in score.categories}
        cells: list[RankingCell] = []
        notes: list[str] = []
        for cat in categories:
            cr = by_code.get(cat.code)
            if cr is None:
                cells.append(RankingCell(cat.code, cat.name, "", "", not_ranked, False, ""))
                continue
            level = cr.level if cr.ranked and cr.level else not_ranked
            if not cr.ranked:
                notes.append(f"{cr.name}: {cr.reason}" if cr.reason else cr.name)
            cells.append(
                RankingCell(
                    code=cr.code,
                    name=cr.name,
                    points=format_number(cr.points, decimals),
                    max_points=format_number(cr.max_points, decimals),
                    level=level,
                    ranked=cr.ranked,
                    reason=cr.reason,
                    points_value=spreadsheet_number(cr.points),
                )
            )
        share = score.share
        rows.append(
            RankingRow(
                stt=str(i),
                code=res.unit.code,
                name=res.unit.name,
                level_name=level_name(res.unit.level),
                cells=cells,
                total=format_number(score.points, decimals),
                max_total=format_number(score.max_points, decimals),
                share=format_rate(share, decimals),
                note="; ".join(notes),
                ranked_all=all(c.ranked for c in cells),
                rank=str(entry.position),
                note_ref=_note_ref(footnotes, "; ".join(notes)) if notes else "",
                total_value=spreadsheet_number(score.points),
                max_total_value=spreadsheet_number(score.max_points),
                share_value=float(share) if share is not None else None,
            )
        )
        if rows[-1].note_ref:
            footnotes.setdefault(rows[-1].note, []).append(res.unit.name)
        if not groups or groups[-1].level != res.unit.level:
            groups.append(RowGroup(res.unit.level, level_name(res.unit.level), []))
        groups[-1].rows.append(rows[-1])
    missing = [r.unit.name for lv in levels for r in lv.not_reported]
    total = len(results)
    # the names follow as a list (DOCX) or on their own sheet (XLSX): not repeated in this line
    not_reported_line = f"Đơn vị chưa báo cáo, không đánh giá được: {format_int(len(missing))}/{format_int(total)}."
    ranked_all = sum(1 for r in rows if r.ranked_all)
    where = scope_phrase(scope_name)
    return RankingContext(
        meta=meta,
        framework_code=framework.code,
        framework_title=framework.title,
        period_code=period.code,
        period_label=period.label,
        title=f"Bảng xếp hạng {framework.title}{where} {period_phrase(period)}".upper(),
        categories=[c.name for c in categories],
        category_codes=[c.code for c in categories],
        rows=rows,
        not_reported=missing,
        not_reported_line=not_reported_line,
        summary_line=(
            f"Đánh giá {format_int(len(rows))}/{format_int(total)} đơn vị; "
            f"{format_int(ranked_all)} đơn vị được xếp hạng ở tất cả hạng mục."
        ),
        share_format=percent_format(decimals),
        groups=groups,
        # units with the same reason share one note: "(1) Sở A, Sở B – …"
        notes=[f"({i}) {', '.join(names)} – {note}" for i, (note, names) in enumerate(footnotes.items(), start=1)],
    )
