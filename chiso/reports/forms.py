"""The report form: what to export and the document's number, date and signature."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from chiso.accounts.permissions import visible_units
from chiso.engine.periods import PeriodError, parse_period
from chiso.results.models import BASIS_OFFICIAL, BASIS_PROVISIONAL
from chiso.units.models import Unit

from .services import FORMATS, KIND_LABELS, KINDS, default_meta

UNIT_CHOICES_MAX = 5000


def known_periods() -> list[tuple[str, str]]:
    """Periods with figures in any loaded framework, newest first, as (code, label) choices."""
    from chiso.dashboard.data import periods_with_values
    from chiso.frameworks.models import Framework

    seen = set()
    for framework in Framework.objects.all():
        seen.update(periods_with_values(framework, Unit.objects.none()))
    return [(p.code, f"{p.label} ({p.code})") for p in sorted(seen, reverse=True)]


class ExportForm(forms.Form):
    """Query parameters of ``reports:export`` (GET), also used to validate them."""

    framework = forms.CharField(label=_("Bộ chỉ tiêu"), max_length=100)
    period = forms.CharField(label=_("Kỳ"), max_length=16, help_text=_("Kỳ có số liệu; ví dụ 2025-01, 2025-Q1, 2025"))
    unit = forms.CharField(label=_("Đơn vị"), max_length=64, required=False,
                           help_text=_("“Toàn bộ”: mọi đơn vị bạn được xem"))
    kind = forms.ChoiceField(label=_("Loại báo cáo"), choices=[(k, KIND_LABELS[k]) for k in KINDS])
    format = forms.ChoiceField(label=_("Định dạng"), choices=[(f, f.upper()) for f in FORMATS])
    basis = forms.ChoiceField(
        label=_("Số liệu"), required=False, initial=BASIS_OFFICIAL,
        choices=[(BASIS_OFFICIAL, _("Chính thức (báo cáo đã duyệt)")),
                 (BASIS_PROVISIONAL, _("Tạm tính (kể cả chưa duyệt; ghi “SỐ LIỆU TẠM TÍNH”)"))],
    )
    as_of = forms.DateField(
        label=_("Trên đơn vị hiện hành ngày"), required=False, input_formats=["%d/%m/%Y", "%Y-%m-%d"],
        help_text=_("Ví dụ 01/07/2025: số liệu kỳ trước sắp xếp quy đổi sang đơn vị mới, mỗi đơn vị quy đổi "
                    "ghi cách làm và các đơn vị cũ; để trống: đơn vị như trong kỳ"),
    )
    number = forms.CharField(label=_("Số văn bản"), max_length=40, required=False,
                             help_text=_("Ví dụ 15 (gõ 15/BC-STP cũng được: ký hiệu được tách ra); "
                                         "để trống để ghi tay sau khi vào sổ"))
    symbol = forms.CharField(label=_("Ký hiệu"), max_length=40, required=False,
                             help_text=_("Ví dụ BC-STP; để trống: theo đơn vị xuất báo cáo"))
    date = forms.DateField(label=_("Ngày văn bản"), required=False, input_formats=["%d/%m/%Y", "%Y-%m-%d"],
                           help_text=_("dd/mm/yyyy; để trống: hôm nay"))
    signer = forms.CharField(label=_("Người ký"), max_length=100, required=False)
    authority = forms.CharField(label=_("Quyền hạn ký"), max_length=60, required=False,
                                help_text=_("Ví dụ KT. GIÁM ĐỐC, TM. ỦY BAN NHÂN DÂN"))
    position = forms.CharField(label=_("Chức vụ"), max_length=100, required=False)
    recipients = forms.CharField(label=_("Nơi nhận"), required=False, widget=forms.Textarea(attrs={"rows": 4}),
                                 help_text=_("Mỗi dòng một nơi nhận; dòng “Lưu: VT” được thêm tự động"))
    addressee = forms.CharField(label=_("Kính gửi"), max_length=200, required=False,
                                help_text=_("Để trống: không in dòng Kính gửi"))
    next_steps = forms.CharField(label=_("III. Phương hướng, nhiệm vụ thời gian tới"), required=False,
                                 max_length=4000, widget=forms.Textarea(attrs={"rows": 6}),
                                 help_text=_("Mỗi dòng một đoạn; để trống: báo cáo không có mục III"))

    def __init__(self, data: Any = None, *, user: Any = None, initial: dict | None = None) -> None:
        """With ``user``: the unit is chosen from the units they may see and the period from the
        periods that have figures (a code typed by hand, or out of scope, is a form error)."""
        super().__init__(data, initial=initial)
        self.user = user
        if user is None:
            return
        units = visible_units(user).filter(active=True).only("code", "name").order_by("path")[:UNIT_CHOICES_MAX]
        self.fields["unit"].widget = forms.Select(choices=[("", _("— Toàn bộ đơn vị bạn được xem —"))] + [
            (u.code, f"{u.name} ({u.code})") for u in units])
        periods = known_periods()
        current = (data or {}).get("period") or (initial or {}).get("period")
        if current and current not in {code for code, _label in periods}:
            periods.insert(0, (current, current))
        if periods:
            self.fields["period"].widget = forms.Select(choices=periods)

    def clean_period(self) -> str:
        text = (self.cleaned_data.get("period") or "").strip()
        try:
            return parse_period(text).code
        except PeriodError as exc:
            raise forms.ValidationError(str(exc)) from exc

    def clean_unit(self) -> str:
        code = (self.cleaned_data.get("unit") or "").strip()
        # A code that names no unit (a name typed instead of a code, a typo) is a form error; a real
        # unit outside the user's scope stays a 404 in the view, like every out-of-scope object.
        if code and self.user is not None and not Unit.objects.filter(code=code).exists():
            raise forms.ValidationError(_(
                "Không có đơn vị mã “%(code)s”. Hãy chọn đơn vị trong danh sách."
            ) % {"code": code})
        return code

    def meta(self, unit=None):
        """The document metadata: the form's fields over the defaults from settings and ``unit``."""
        data = self.cleaned_data
        recipients = tuple(line.strip(" -;") for line in (data.get("recipients") or "").splitlines()
                           if line.strip(" -;"))
        return default_meta(
            unit,
            number=data.get("number"),
            symbol=data.get("symbol"),
            day=data.get("date"),
            signer=data.get("signer"),
            authority=data.get("authority"),
            position=data.get("position"),
            recipients=recipients or None,
            addressee=data.get("addressee"),
            next_steps=data.get("next_steps"),
        )
