"""Export a report: evaluate through the shared entry point, build the context, render.

The CLI (``chiso export``) and the web view (``reports:export``) both call
``export_report`` so a file downloaded from the page and one made on the
command line are identical.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass, replace
from datetime import date
from typing import Any

from django.conf import settings

from chiso.assessments.evaluation import figures_for
from chiso.assessments.models import Value
from chiso.engine.aggregate import in_scope
from chiso.engine.model import STATED_RATE
from chiso.engine.periods import Period, PeriodError, parse_period
from chiso.frameworks.models import Framework
from chiso.results.models import BASIS_OFFICIAL
from chiso.units.models import Unit

from . import carried
from . import context as ctx
from .basis import add_basis_to_docx, basis_lines
from .operations import NoRecords, operations_context, operations_xlsx
from .pdf import PdfError, PdfUnavailable, docx_to_pdf
from .statistics import statistics_context, statistics_xlsx
from .word import render_docx
from .xlsx import WRITERS

KINDS = ("appendix", "report", "matrix", "ranking", "statistics", "dossiers", "documents")
# Seed 001's tables from the ingested exports (``chiso.reports.operations``): no framework needed.
OPERATION_KINDS = ("dossiers", "documents")
FORMATS = ("xlsx", "docx", "pdf")
KIND_LABELS = {
    "appendix": "Phụ lục chỉ tiêu",
    "report": "Báo cáo (Nghị định 30)",
    "matrix": "Bảng tiêu chí theo đơn vị",
    "ranking": "Bảng xếp hạng",
    "statistics": "Bảng thống kê theo cấp",
    "dossiers": "Thống kê hồ sơ thủ tục hành chính (dữ liệu nghiệp vụ)",
    "documents": "Thống kê văn bản đi, đến có ký số (dữ liệu nghiệp vụ)",
}
KIND_SLUGS = {"appendix": "phu-luc", "report": "bao-cao", "matrix": "bang-tieu-chi", "ranking": "xep-hang",
              "statistics": "thong-ke", "dossiers": "thong-ke-ho-so", "documents": "thong-ke-van-ban"}
CONTENT_TYPES = {
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "pdf": "application/pdf",
}
NARRATIVE = "narrative"  # element ``<code>.narrative`` holds the "Nội dung thực hiện" text

__all__ = [
    "KINDS", "FORMATS", "ReportError", "PdfUnavailable", "ExportedFile", "default_meta",
    "export_report", "build_context", "formats_for",
]


class ReportError(ValueError):
    """A request for a report that cannot be made; the message is Vietnamese and names the cause."""


@dataclass(frozen=True)
class ExportedFile:
    content: bytes
    filename: str
    content_type: str


def formats_for(kind: str) -> tuple[str, ...]:
    """The report (Decree 30) is a Word document; the annex tables (and the statistics by level)
    also come as XLSX."""
    return ("docx", "pdf") if kind == "report" else FORMATS


def _setting(name: str, default: str) -> str:
    value = getattr(settings, name, None)
    return str(value) if value not in (None, "") else default


def agency_initials(name: str) -> str:
    """``Sở Tư pháp`` → ``STP``, ``Sở Thông tin và Truyền thông`` → ``STTTT`` (the symbol's issuer part)."""
    letters = []
    for word in name.split():
        if word.lower() == "và":
            continue
        first = unicodedata.normalize("NFD", word[0])[0]
        letters.append(first.upper())
    return "".join(letters)


def unit_identity(unit: Unit | None) -> dict[str, str]:
    """The issuer of a report exported for ``unit``: its own name, parent agency and symbol.

    A unit's attributes ``report_agency``, ``report_parent_agency``, ``report_symbol`` and
    ``report_archive`` win; otherwise a province agency (Sở Tư pháp) issues "…/BC-STP" under the
    province's People's Committee, and a district or commune People's Committee "…/BC-UBND".
    The province itself (the root) keeps the settings (the ICT department reports for it).
    """
    if unit is None or unit.parent_id is None:
        return {}
    attrs = unit.attributes or {}
    if unit.level == "province":
        derived = {"agency": unit.name, "symbol": f"BC-{agency_initials(unit.name)}", "archive": "Lưu: VT."}
    else:
        derived = {"agency": unit.name, "parent_agency": "", "symbol": "BC-UBND", "archive": "Lưu: VT."}
    for key in ("agency", "parent_agency", "symbol", "archive"):
        given = attrs.get(f"report_{key}")
        if given not in (None, ""):
            derived[key] = str(given)
    return derived


def issuing_unit(user) -> Unit | None:
    """The unit a web user reports for, which issues what they export (Sở Tư pháp → …/BC-STP):
    their only scope; ``None`` (the settings' issuer) for several scopes or none."""
    profile = getattr(user, "profile", None)
    scopes = list(profile.scopes.all()[:2]) if profile is not None else []
    return scopes[0] if len(scopes) == 1 else None


def default_meta(unit: Unit | None = None, **overrides: Any) -> ctx.ReportMeta:
    """Document header, number and signature from settings, overridden by the given fields.

    Settings: ``CHISO_PROVINCE_NAME`` (An Giang), ``CHISO_PARENT_AGENCY``
    (UBND tỉnh <province>), ``CHISO_AGENCY`` (Sở Khoa học và Công nghệ, which took over the
    ICT department in 2025), ``CHISO_REPORT_SYMBOL`` (BC-SKHCN), ``CHISO_SIGNER_AUTHORITY`` (KT. GIÁM ĐỐC),
    ``CHISO_SIGNER_POSITION`` (PHÓ GIÁM ĐỐC), ``CHISO_SIGNER_NAME`` (empty).
    ``unit``, the exporting unit, replaces the issuer (``unit_identity``).
    Empty overrides are ignored so a blank form field keeps the default.
    """
    province = _setting("CHISO_PROVINCE_NAME", "An Giang")
    meta = ctx.ReportMeta(
        parent_agency=_setting("CHISO_PARENT_AGENCY", f"UBND tỉnh {province}"),
        agency=_setting("CHISO_AGENCY", "Sở Khoa học và Công nghệ"),
        symbol=_setting("CHISO_REPORT_SYMBOL", "BC-SKHCN"),
        place=province,
        day=date.today(),
        authority=_setting("CHISO_SIGNER_AUTHORITY", "KT. GIÁM ĐỐC"),
        position=_setting("CHISO_SIGNER_POSITION", "PHÓ GIÁM ĐỐC"),
        signer=_setting("CHISO_SIGNER_NAME", ""),
    )
    given = {**unit_identity(unit), **{k: v for k, v in overrides.items() if v not in (None, "", [], ())}}
    return replace(meta, **given) if given else meta


def _framework(code_or_obj: Framework | str) -> Framework:
    if isinstance(code_or_obj, Framework):
        return code_or_obj
    try:
        return Framework.objects.latest_of(code_or_obj)
    except Framework.DoesNotExist as exc:
        raise ReportError(f"Không có bộ chỉ tiêu mã \u201c{code_or_obj}\u201d (hãy nạp bằng chiso load_frameworks)") from exc


def _period(text: str) -> Period:
    try:
        return parse_period(text)
    except PeriodError as exc:
        raise ReportError(str(exc)) from exc


def narratives_for(framework: Framework, period: str, unit: Unit) -> dict[str, str]:
    """Indicator code → the "Nội dung thực hiện" text the unit wrote (elements ``<code>.narrative``)."""
    rows = Value.objects.filter(
        framework=framework, period=period, unit=unit, element__endswith=f".{NARRATIVE}"
    ).values_list("element", "text")
    return {element[: -len(NARRATIVE) - 1]: text for element, text in rows if text}


def rate_sources_for(framework: Framework, period: str, unit: Unit) -> dict[str, str]:
    """Indicator code → the source note of the rate the unit stated (the comment of ``<code>.rate``)."""
    rows = Value.objects.filter(
        framework=framework, period=period, unit=unit, element__endswith=f".{STATED_RATE}"
    ).values_list("element", "comment")
    return {element[: -len(STATED_RATE) - 1]: comment for element, comment in rows if comment}


def _scope_units(unit: Unit | None, units):
    """Units to evaluate: the unit's subtree, limited to what the caller may see."""
    if unit is None:
        return units
    subtree = Unit.objects.subtree_of(unit).filter(active=True)
    if units is not None:
        subtree = subtree.filter(pk__in=units.values("pk"))
    return subtree


def _appendix(framework: Framework, period: Period, unit: Unit | None, units, meta: ctx.ReportMeta,
              basis: str = BASIS_OFFICIAL):
    spec = framework.spec()
    if unit is None:
        figures = figures_for(framework, period.code, units=units, basis=basis)
        evaluation = figures.evaluation
        if len(evaluation.results) != 1:
            raise ReportError(
                f"Bộ chỉ tiêu {framework.code} đánh giá {len(evaluation.results)} đơn vị: "
                "phụ lục cần chọn một đơn vị (ô Mã đơn vị trên trang, --unit MÃ trên dòng lệnh)"
            )
        result = evaluation.results[0]
        unit = Unit.objects.get(code=result.unit.code)
    else:
        if not in_scope(spec, unit.to_info()):
            raise ReportError(
                f"Đơn vị {unit.code} ({unit.name}) không thuộc phạm vi đánh giá của bộ chỉ tiêu {framework.code}"
            )
        figures = figures_for(framework, period.code, unit=unit, basis=basis)
        result = figures.evaluation.result(unit.code)
    _require_figures(framework, period, figures, basis)
    return _with_basis(ctx.appendix_context(spec, period, result, meta,
                                            narratives_for(framework, period.code, unit),
                                            rate_sources_for(framework, period.code, unit)), figures)


def build_context(
    kind: str,
    framework: Framework | str | None,
    period: str,
    unit: Unit | None = None,
    meta: ctx.ReportMeta | None = None,
    units=None,
    basis: str = BASIS_OFFICIAL,
    as_of: date | None = None,
):
    """The context object of ``kind`` for a framework, period and (optionally) a unit.

    ``as_of``: the period on the units in force on that date, figures of merged units carried
    from their predecessors (``chiso.reports.carried``); the context gains ``carried``.

    ``unit``: for the appendix, the unit reported on (default: the single unit a
    province-scoped framework assesses); for the other kinds, the subtree to
    cover (a district → its communes). ``units`` limits what is covered to a
    queryset (the units a web user may see).
    """
    if kind not in KINDS:
        raise ReportError(f"Loại báo cáo \u201c{kind}\u201d không có: chọn một trong {', '.join(KINDS)}")
    if kind in OPERATION_KINDS:
        return _operations(kind, period, unit, meta, units)
    if not framework:
        raise ReportError(f"{KIND_LABELS[kind]} cần một bộ chỉ tiêu (--framework MÃ trên dòng lệnh)")
    fw = _framework(framework)
    per = _period(period)
    meta = meta or default_meta(unit)
    spec = fw.spec()
    if kind == "ranking" and spec.kind != "score":
        raise ReportError(
            f"Bộ chỉ tiêu {fw.code} không phải bộ chấm điểm nên không có bảng xếp hạng; "
            "hãy chọn phụ lục, báo cáo hoặc bảng tiêu chí"
        )
    if kind == "appendix":
        if as_of is not None:
            raise ReportError("Phụ lục là số liệu của một đơn vị như đã báo cáo: không quy đổi theo đơn vị mới "
                              "(bỏ --as-of, hoặc chọn báo cáo, bảng tiêu chí, xếp hạng, thống kê)")
        return _appendix(fw, per, unit, units, meta, basis)
    scope = _scope_units(unit, units)
    if as_of is not None:
        figures = carried.figures_as_of(fw, per.code, as_of, scope, basis)
    else:
        figures = figures_for(fw, per.code, units=scope, basis=basis)
    _require_figures(fw, per, figures, basis)
    evaluation = figures.evaluation
    # a district or commune subtree is named in the title; the province root is already in it
    scope_name = unit.name if unit is not None and unit.parent_id is not None else ""
    if scope_name and scope_name.lower() in fw.title.lower():
        scope_name = ""
    if kind == "report":
        built = ctx.report_context(spec, per, evaluation.summary, evaluation.results, meta, scope_name,
                                   previous=_previous(fw, per, scope, basis))
    elif kind == "statistics":
        built = statistics_context(spec, per, evaluation.results, meta, scope_name)
    elif kind == "matrix":
        built = ctx.matrix_context(spec, per, evaluation.results, meta, scope_name)
    else:
        built = ctx.ranking_context(spec, per, evaluation.results, meta, scope_name)
    return _with_basis(built, figures)


def _operations(kind: str, period: str, unit: Unit | None, meta: ctx.ReportMeta | None, units):
    """Seed 001's dossier or document table of the units in scope (a unit's subtree, what the user may see)."""
    per = _period(period)
    meta = meta or default_meta(unit)
    scope = _scope_units(unit, units)
    if scope is None:
        scope = Unit.objects.filter(active=True)
    scope_name = unit.name if unit is not None and unit.parent_id is not None else ""
    try:
        return operations_context(kind, per, scope, meta, scope_name)
    except NoRecords as exc:
        raise ReportError(str(exc)) from exc


def _reported(figures) -> bool:
    return any(r.status != "not_reported" for r in figures.evaluation.results)


def _require_figures(framework: Framework, period: Period, figures, basis: str) -> None:
    """No file when nobody in scope has figures: a report of 62 units "chưa báo cáo" is not sent."""
    if _reported(figures):
        return
    results = figures.evaluation.results
    if not results:
        raise ReportError(
            f"Phạm vi đã chọn không có đơn vị nào được đánh giá theo bộ chỉ tiêu {framework.code}: "
            "chưa xuất báo cáo"
        )
    official = basis == BASIS_OFFICIAL
    message = (
        f"Chưa có số liệu{' chính thức' if official else ''} kỳ {period.label} của bộ chỉ tiêu "
        f"{framework.code} trong phạm vi đã chọn ({len(results)} đơn vị đều chưa báo cáo): chưa xuất báo cáo"
    )
    if official and figures.left_out:
        message += (f". {len(figures.left_out)} đơn vị đã nhập số liệu nhưng chưa được duyệt: "
                    "có thể xuất số liệu tạm tính")
    raise ReportError(message)


def _previous(framework: Framework, period: Period, scope, basis: str) -> ctx.Previous | None:
    """The period before on the same basis and scope, when some unit reported then (to compare with)."""
    before = period.previous()
    figures = figures_for(framework, before.code, units=scope, basis=basis)
    if not _reported(figures):
        return None
    return ctx.Previous(before, figures.evaluation.summary, figures.evaluation.results)


def _with_basis(context, figures):
    """Attach the basis lines every format prints under the title (``basis_lines``)."""
    object.__setattr__(context, "basis", figures.basis)
    object.__setattr__(context, "basis_lines", basis_lines(figures))
    object.__setattr__(context, "carried", figures if isinstance(figures, carried.CarriedFigures) else None)
    return context


def filename_for(kind: str, framework_code: str, period: str, unit_code: str | None, fmt: str) -> str:
    parts = [KIND_SLUGS.get(kind, kind), *([framework_code] if framework_code else []), period]
    if unit_code:
        parts.append(unit_code)
    return "-".join(parts) + f".{fmt}"


def export_report(
    kind: str,
    fmt: str,
    framework: Framework | str | None,
    period: str,
    unit: Unit | None = None,
    meta: ctx.ReportMeta | None = None,
    units=None,
    basis: str = BASIS_OFFICIAL,
    as_of: date | None = None,
) -> ExportedFile:
    """Make the file. Raises ``ReportError`` for a bad request and ``PdfUnavailable``
    (a ``PdfError``) when PDF is asked for on a server without LibreOffice. ``as_of``: on the
    units in force on that date, with a note per re-aggregated unit (``chiso.reports.carried``).
    """
    if fmt not in FORMATS:
        raise ReportError(f"Định dạng \u201c{fmt}\u201d không có: chọn một trong {', '.join(FORMATS)}")
    if kind in KINDS and fmt not in formats_for(kind):
        if kind == "report":
            raise ReportError("Báo cáo theo Nghị định 30 chỉ xuất được DOCX hoặc PDF, không có XLSX")
        raise ReportError(f"{KIND_LABELS[kind]} chỉ xuất được "
                          f"{', '.join(f.upper() for f in formats_for(kind))}, không có {fmt.upper()}")
    if as_of is not None and kind in OPERATION_KINDS:
        raise ReportError(f"{KIND_LABELS[kind]} lấy từ dữ liệu nghiệp vụ đã nhập: không quy đổi theo đơn vị mới")
    context = build_context(kind, framework, period, unit=unit, meta=meta, units=units, basis=basis, as_of=as_of)
    fw_code = context.framework_code
    unit_code = unit.code if unit is not None else getattr(context, "unit_code", None)
    name = filename_for(kind, fw_code, context.period_code, unit_code, fmt)
    if fmt == "xlsx":
        if kind == "statistics":
            content = statistics_xlsx(context)
        elif kind in OPERATION_KINDS:
            content = operations_xlsx(context)
        else:
            content = WRITERS[kind](context)
        if as_of is not None:
            content = carried.add_notes_to_xlsx(content, as_of, context.carried.notes)
    else:
        override = getattr(settings, "CHISO_REPORT_TEMPLATES_DIR", None) or None
        content = add_basis_to_docx(render_docx(kind, context, override),
                                    getattr(context, "title", None) or "BÁO CÁO", context.basis_lines)
        if as_of is not None:
            content = carried.add_notes_to_docx(content, as_of, context.carried.notes)
        if fmt == "pdf":
            content = docx_to_pdf(
                content, name.rsplit(".", 1)[0], soffice=getattr(settings, "CHISO_SOFFICE", None) or None
            )
    return ExportedFile(content=content, filename=name, content_type=CONTENT_TYPES[fmt])


__all__ += ["PdfError", "KIND_LABELS", "OPERATION_KINDS", "filename_for", "narratives_for", "rate_sources_for"]
