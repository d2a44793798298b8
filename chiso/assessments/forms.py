"""Forms of the data-entry pages: the per-submission entry form, rounds, evidence, offline upload.

The entry form is built from the framework: one field per input element
(``v-2.numerator``), a narrative per criterion (element ``<code>.narrative``,
kept as a ``Value`` text row so it shares history and import with the
figures) and, for figures computed from operational exports, a reason field
(``r-<element>``) without which the computed figure cannot be overridden.
Vietnamese numbers ("54.919", "93,6") are read by the engine's parsers.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from fractions import Fraction
from typing import Any

from django import forms
from django.forms.utils import flatatt
from django.utils.html import format_html
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _

from chiso.engine.model import Framework as FrameworkSpec
from chiso.engine.model import Indicator
from chiso.engine.numbers import (
    NumberError,
    format_int,
    format_number,
    parse_bool,
    parse_count,
    parse_number,
)
from chiso.engine.periods import PeriodError, parse_period
from chiso.frameworks.models import Framework
from chiso.results.inputs import row_to_value
from chiso.units.models import LEVEL_CHOICES, Unit

from .evaluation import element_kinds
from .models import Submission, Value
from .workflow import NARRATIVE, ValueChange, to_decimal
from .writes import stored_values

INPUT_LABELS = {
    "numerator": gettext_lazy("Tử số"),
    "denominator": gettext_lazy("Mẫu số"),
    "value": gettext_lazy("Giá trị"),
}


def element_title(element: str) -> str:
    """"Chỉ tiêu 10 · Mẫu số (10.denominator)": a clerk reads the words, a methodologist the id."""
    code, _sep, name = element.rpartition(".")
    if not code or name not in INPUT_LABELS:
        return element
    return _("Chỉ tiêu %(code)s · %(input)s (%(element)s)") % {
        "code": code, "input": INPUT_LABELS[name], "element": element}


def field_name(element: str) -> str:
    return f"v-{element}"


def reason_name(element: str) -> str:
    return f"r-{element}"


def slug(element: str) -> str:
    """An HTML id fragment for an element or code (dots are awkward in CSS selectors)."""
    return element.replace(".", "-")


class DirectTextInput(forms.TextInput):
    """A text input rendered in Python, with the markup of Django's own template.

    A report form has some thirty boxes; through the template engine they took a quarter of the
    time of opening the form, which every reporter does at once on deadline day.
    """

    def render(self, name: str, value: Any, attrs: dict | None = None, renderer: Any = None) -> str:
        widget = self.get_context(name, value, attrs)["widget"]
        shown = format_html(' value="{}"', widget["value"]) if widget["value"] is not None else ""
        return format_html('<input type="{}" name="{}"{}{}>', widget["type"], widget["name"], shown,
                           flatatt(widget["attrs"]))


class DirectTextarea(forms.Textarea):
    """A text area rendered in Python, with the markup of Django's own template (see above)."""

    def render(self, name: str, value: Any, attrs: dict | None = None, renderer: Any = None) -> str:
        widget = self.get_context(name, value, attrs)["widget"]
        return format_html('<textarea name="{}"{}>\n{}</textarea>', widget["name"], flatatt(widget["attrs"]),
                           widget["value"] or "")


class CountField(forms.CharField):
    """A whole count ≥ 0 written the Vietnamese way ("54.919")."""

    def to_python(self, value: Any) -> int | None:
        text = super().to_python(value)
        if not text:
            return None
        try:
            return parse_count(text)
        except NumberError as exc:
            raise forms.ValidationError(str(exc)) from exc


class NumberField(forms.CharField):
    """A number written the Vietnamese way ("1.234,5", "93,6")."""

    def to_python(self, value: Any) -> Fraction | None:
        text = super().to_python(value)
        if not text:
            return None
        try:
            return parse_number(text)
        except NumberError as exc:
            raise forms.ValidationError(str(exc)) from exc


class YesNoField(forms.ChoiceField):
    def __init__(self, **kwargs: Any) -> None:
        super().__init__(choices=[("", _("— chưa chọn —")), ("1", _("Có")), ("0", _("Không"))], **kwargs)

    def to_python(self, value: Any) -> bool | None:
        text = super().to_python(value)
        if text in ("", None):
            return None
        try:
            return parse_bool(text)
        except NumberError as exc:
            raise forms.ValidationError(str(exc)) from exc

    def validate(self, value: Any) -> None:
        if value is None and self.required:
            raise forms.ValidationError(self.error_messages["required"], code="required")


def input_label(indicator: Indicator, name: str) -> str:
    """The label of one input: the framework's own words when given, else Tử số / Mẫu số / Giá trị."""
    own = (indicator.input_labels or {}).get(name)
    generic = str(INPUT_LABELS.get(name, name))
    if indicator.kind == "boolean" and not own:
        return _("Có / Không")
    if indicator.kind == "text" and not own:
        return _("Nội dung")
    return f"{generic}: {own}" if own else generic


def show_value(kind: str, value: Any) -> str:
    """An engine value as typed into the form: 54.919, 93,6, 1/0 for yes/no."""
    if value is None:
        return ""
    if kind == "boolean":
        return "1" if value else "0"
    if kind == "text":
        return str(value)
    frac = Fraction(value)
    if frac.denominator == 1:
        return format_int(int(frac))
    return format_number(frac, decimals=6)


@dataclass
class InputRow:
    element: str
    label: str
    kind: str
    name: str
    reason_name: str | None = None
    computed: str = ""  # the figure computed from operational data, as shown
    computed_source: str = ""
    source: str = ""
    reason: str = ""


@dataclass
class ElementPlan:
    """Everything the form knows about the elements of one framework, in document order."""

    rows: dict[str, InputRow] = field(default_factory=dict)
    narratives: dict[str, str] = field(default_factory=dict)  # indicator code → element


def plan_elements(spec: FrameworkSpec) -> ElementPlan:
    plan = ElementPlan()
    kinds = element_kinds(spec)

    def walk(ind: Indicator, code: str) -> None:
        if ind.kind == "composite":
            for item in ind.items:
                walk(item, f"{code}.{item.code}")
            return
        for name in ind.inputs:
            element = f"{code}.{name}"
            plan.rows[element] = InputRow(element=element, label=input_label(ind, name),
                                          kind=kinds[element], name=field_name(element))

    for ind in spec.indicators:
        walk(ind, ind.code)
        if ind.kind != "text":
            plan.narratives[ind.code] = f"{ind.code}.{NARRATIVE}"
    return plan


@dataclass
class _FormTemplate:
    """What every entry form of one framework document shares: its plan and a field per element."""

    plan: ElementPlan
    fields: dict[str, forms.Field]


def _form_template(framework: Framework, spec: FrameworkSpec) -> _FormTemplate:
    """Built once per framework document and language (labels are translated), copied per form: a
    deadline-day save builds the form for every request, and building some thirty fields and their
    labels cost more than copying them."""
    key = (framework.checksum, get_language())
    template = _TEMPLATES.get(key)
    if template is None:
        plan = plan_elements(spec)
        fields: dict[str, forms.Field] = {}
        for element, row in plan.rows.items():
            if row.kind == "count":
                f: forms.Field = CountField(required=False, widget=DirectTextInput)
            elif row.kind == "number":
                f = NumberField(required=False, widget=DirectTextInput)
            elif row.kind == "boolean":
                f = YesNoField(required=False)
            else:
                f = forms.CharField(required=False, widget=DirectTextarea(attrs={"rows": 3}))
            if row.kind in ("count", "number"):
                f.widget.attrs.update({"inputmode": "decimal", "autocomplete": "off"})
            f.label = row.label
            f.widget.attrs["aria-describedby"] = f"msg-{slug(element)}"
            fields[row.name] = f
        for element in plan.narratives.values():
            fields[field_name(element)] = forms.CharField(
                required=False, label=_("Nội dung thực hiện"), widget=DirectTextarea(attrs={"rows": 2}))
        if len(_TEMPLATES) > 256:  # bounded: documents × languages in use are few
            _TEMPLATES.clear()
        template = _TEMPLATES[key] = _FormTemplate(plan, fields)
    return template


_TEMPLATES: dict[tuple[str, str | None], _FormTemplate] = {}


def _shallow(obj: Any) -> Any:
    """What ``copy.copy`` gives for a plain object (a new instance with the same ``__dict__``), a third
    of its cost: ``copy.copy`` goes through ``__reduce_ex__``, and a deadline-day save copies a field, a
    widget and a row per cell. Only for classes that do not customise copying (checked in the tests)."""
    new = object.__new__(obj.__class__)
    new.__dict__.update(obj.__dict__)
    return new


def _fresh(prototype: forms.Field) -> forms.Field:
    """A form's own copy of a template field: what a form changes (initial value, widget attributes)
    is its own; validators and messages, which nothing changes, stay shared."""
    f = _shallow(prototype)
    f.widget = _shallow(prototype.widget)
    f.widget.attrs = dict(prototype.widget.attrs)
    if hasattr(prototype.widget, "choices"):
        f.widget.choices = list(prototype.widget.choices)
    return f


def seen_json(stored: Iterable[Value]) -> str:
    """Stored rows as the hidden ``seen`` field carries them (element → [number, text])."""
    return json.dumps({v.element: [None if v.number is None else str(v.number), v.text or ""]
                       for v in stored}, ensure_ascii=False, sort_keys=True)


class EntryForm(forms.Form):
    """The entry form of one submission; ``changes()`` gives what to store, ``engine_values()`` what to evaluate."""

    def __init__(self, submission: Submission, data: Any = None) -> None:
        super().__init__(data=data)
        self.submission = submission
        self.spec = submission.framework.spec()
        template = _form_template(submission.framework, self.spec)
        self.plan = ElementPlan(rows={e: _shallow(row) for e, row in template.plan.rows.items()},
                                narratives=template.plan.narratives)
        self.stored: dict[str, Value] = {
            v.element: v for v in stored_values(submission.framework, [(submission.unit_id, submission.period)])}
        for element, row in self.plan.rows.items():
            old = self.stored.get(element)
            f = _fresh(template.fields[row.name])
            if old is not None:
                f.initial = show_value(row.kind, row_to_value(row.kind, old.number, old.text))
                row.source = old.source
                if old.source in ("computed", "override"):
                    computed = old.number if old.source == "computed" else _decimal_or_none(
                        old.provenance.get("computed"))
                    row.computed = show_value(row.kind, row_to_value(row.kind, computed, ""))
                    row.computed_source = str(
                        (old.provenance.get("computed_provenance") if old.source == "override"
                         else old.provenance) or "")
                    row.reason = old.provenance.get("reason", "") if old.source == "override" else ""
                    row.reason_name = reason_name(element)
                    self.fields[row.reason_name] = forms.CharField(
                        required=False, label=_("Lý do điều chỉnh số tính tự động"), initial=row.reason,
                        widget=DirectTextInput(attrs={"autocomplete": "off"}),
                    )
            self.fields[row.name] = f
        for element in self.plan.narratives.values():
            old = self.stored.get(element)
            f = _fresh(template.fields[field_name(element)])
            f.initial = old.text if old is not None else ""
            self.fields[field_name(element)] = f

    # -- what was typed --------------------------------------------------------------------

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        for element, row in self.plan.rows.items():
            old = self.stored.get(element)
            if old is None or old.source not in ("computed", "override") or row.name not in cleaned:
                continue
            new = to_decimal(cleaned.get(row.name))
            computed = old.number if old.source == "computed" else _decimal_or_none(old.provenance.get("computed"))
            reason = (cleaned.get(row.reason_name or "", "") or "").strip()
            if new is None:
                self.add_error(row.name, _(
                    "Số này được tính tự động từ dữ liệu nghiệp vụ; không xoá được. "
                    "Nếu số sai, hãy nhập số đúng và ghi lý do điều chỉnh."))
            elif new != computed and not reason:
                self.add_error(row.reason_name, _(
                    "Số tính tự động là %(computed)s. Muốn dùng số khác, hãy ghi lý do điều chỉnh.") % {
                    "computed": row.computed})
        return cleaned

    def engine_values(self) -> dict[str, Any]:
        """Element id → typed value for every element whose field parsed (None when left empty)."""
        cleaned = getattr(self, "cleaned_data", {}) or {}
        out: dict[str, Any] = {}
        for element, row in self.plan.rows.items():
            if row.name in cleaned:
                value = cleaned[row.name]
                out[element] = value if not (row.kind == "text" and value == "") else None
            else:
                out[element] = None  # unreadable: evaluate as missing, the field shows why
        return out

    # -- what the writer was shown ---------------------------------------------------------

    seen: dict[str, tuple[Decimal | None, str]] | None = None  # set from the posted ``seen`` field

    def stored_rows(self) -> list[tuple[str, Decimal | None, str]]:
        """(element, number, text) of the stored values this form read: what ``evaluate_submission``
        would read again."""
        return [(element, v.number, v.text) for element, v in self.stored.items()]

    def seen_json(self) -> str:
        """The stored content this form shows, for the hidden ``seen`` field (element → [number, text])."""
        return seen_json(self.stored.values())

    def read_seen(self, raw: str | None) -> None:
        """Take the posted ``seen`` field; a missing or unreadable one means "not known"."""
        self.seen = parse_seen(raw)

    def _seen_of(self, element: str) -> tuple[Decimal | None, str] | None:
        if self.seen is None:
            return None
        return self.seen.get(element, (None, ""))

    def changes(self, source: str = "manual", provenance: dict[str, Any] | None = None) -> list[ValueChange]:
        """The values to store (call after ``is_valid()``): figures, overrides with reasons, narratives."""
        out = self._changes(source, provenance)
        for change in out:
            change.seen = self._seen_of(change.element)
        return out

    def _changes(self, source: str, provenance: dict[str, Any] | None) -> list[ValueChange]:
        out: list[ValueChange] = []
        cleaned = self.cleaned_data
        for element, row in self.plan.rows.items():
            value = cleaned.get(row.name)
            old = self.stored.get(element)
            if row.kind == "text":
                out.append(ValueChange(element, text=value or "", source=source,
                                       provenance=dict(provenance or {}), label=self.label_of(element)))
                continue
            number = to_decimal(value)
            change = ValueChange(element, number=number, source=source, provenance=dict(provenance or {}),
                                 label=self.label_of(element))
            if old is not None and old.source in ("computed", "override"):
                computed = old.number if old.source == "computed" else _decimal_or_none(old.provenance.get("computed"))
                computed_prov = old.provenance if old.source == "computed" else old.provenance.get(
                    "computed_provenance", {})
                if number == computed:
                    change.source, change.provenance = "computed", dict(computed_prov or {})
                else:
                    change.source = "override"
                    change.provenance = {
                        "reason": (cleaned.get(row.reason_name or "", "") or "").strip(),
                        "computed": str(computed) if computed is not None else None,
                        "computed_provenance": computed_prov or {},
                    }
            out.append(change)
        for code, element in self.plan.narratives.items():
            out.append(ValueChange(element, text=(cleaned.get(field_name(element)) or "").strip(),
                                   source=source, provenance=dict(provenance or {}),
                                   label=_("%(code)s — Nội dung thực hiện") % {"code": code}))
        return out

    def label_of(self, element: str) -> str:
        code = element.rsplit(".", 1)[0]
        row = self.plan.rows.get(element)
        return f"{code} — {row.label}" if row else element


def parse_seen(raw: str | None) -> dict[str, tuple[Decimal | None, str]] | None:
    """The hidden ``seen`` field back as element → (number, text); None when absent or unreadable."""
    if not raw:
        return None
    try:
        data = json.loads(raw)
        return {str(e): (None if n is None else Decimal(str(n)), str(t or "")) for e, (n, t) in data.items()}
    except (ValueError, TypeError, ArithmeticError):
        return None


def _decimal_or_none(value: Any) -> Decimal | None:
    if value in (None, ""):
        return None
    return Decimal(str(value))


class RoundForm(forms.Form):
    """What an administrator chooses to open a round."""

    framework = forms.ModelChoiceField(
        queryset=Framework.objects.all(), label=gettext_lazy("Bộ chỉ tiêu (phiên bản)"),
    )
    period = forms.CharField(
        label=gettext_lazy("Kỳ đánh giá"), max_length=16,
        help_text=gettext_lazy("Ví dụ: 2025 (năm), 2025-H1 (6 tháng đầu năm), 2025-Q1 (quý I), 2025-01 (tháng 1)."),
    )
    deadline = forms.DateField(
        label=gettext_lazy("Hạn nộp"), input_formats=["%d/%m/%Y", "%Y-%m-%d"],
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    root_unit = forms.ModelChoiceField(
        queryset=Unit.objects.filter(active=True), required=False,
        label=gettext_lazy("Đơn vị gốc (đánh giá đơn vị này và các đơn vị trực thuộc)"),
        empty_label=gettext_lazy("— toàn bộ —"),
    )
    level = forms.ChoiceField(
        choices=[("", gettext_lazy("— mọi cấp —")), *LEVEL_CHOICES], required=False,
        label=gettext_lazy("Chỉ đánh giá cấp"),
    )
    title = forms.CharField(label=gettext_lazy("Tên đợt (không bắt buộc)"), required=False, max_length=255)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        from datetime import timedelta

        from django.utils import timezone

        super().__init__(*args, **kwargs)
        # The date picker starts at tomorrow (the server checks it too).
        self.fields["deadline"].widget.attrs["min"] = (timezone.localdate() + timedelta(days=1)).isoformat()

    def clean_period(self) -> str:
        try:
            return parse_period(self.cleaned_data["period"].strip()).code
        except PeriodError as exc:
            raise forms.ValidationError(str(exc)) from exc

    def clean_deadline(self) -> date:
        """A deadline already past would open a round every unit is late for on day one."""
        from django.utils import timezone

        deadline = self.cleaned_data["deadline"]
        today = timezone.localdate()
        if deadline <= today:
            raise forms.ValidationError(_("Hạn nộp phải sau hôm nay (%(today)s).") % {
                "today": today.strftime("%d/%m/%Y")})
        return deadline

    def clean(self) -> dict[str, Any]:
        """The period must fall (at least partly) within the framework version's validity: a round
        of a repealed or not yet effective framework would judge units by rules not in force."""
        data = super().clean()
        framework, code = data.get("framework"), data.get("period")
        if framework is None or not code:
            return data
        period = parse_period(code)
        starts, ends = framework.effective_from, framework.effective_to
        if (starts and period.end < starts) or (ends and period.start > ends):
            first = starts.strftime("%d/%m/%Y") if starts else "…"
            last = ends.strftime("%d/%m/%Y") if ends else "…"
            validity = f"{first} – {last}"
            self.add_error("period", _(
                "Kỳ %(period)s (%(start)s – %(end)s) nằm ngoài thời gian hiệu lực của bộ chỉ tiêu này "
                "(%(validity)s). Hãy chọn kỳ khác hoặc phiên bản bộ chỉ tiêu khác.") % {
                "period": period.label, "start": period.start.strftime("%d/%m/%Y"),
                "end": period.end.strftime("%d/%m/%Y"), "validity": validity})
        return data


class EvidenceForm(forms.Form):
    file = forms.FileField(label=gettext_lazy("Tệp minh chứng"),
                           help_text=gettext_lazy("PDF, ảnh PNG/JPEG, Word (DOCX) hoặc Excel (XLSX)."))
    indicator = forms.CharField(required=False, max_length=64, widget=forms.HiddenInput)
    description = forms.CharField(required=False, max_length=255, label=gettext_lazy("Mô tả ngắn"))


class OfflineUploadForm(forms.Form):
    file = forms.FileField(label=gettext_lazy("Tệp Excel đã điền (.xlsx)"))
