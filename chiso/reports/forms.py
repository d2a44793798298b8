"""The report form: what to export and the document's number, date and signature."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from chiso.results.models import BASIS_OFFICIAL, BASIS_PROVISIONAL

from .services import FORMATS, KIND_LABELS, KINDS, default_meta


class ExportForm(forms.Form):
    """Query parameters of ``reports:export`` (GET), also used to validate them."""

    framework = forms.CharField(label=_("Bộ chỉ tiêu"), max_length=100)
    period = forms.CharField(label=_("Kỳ"), max_length=16, help_text=_("Ví dụ 2025-01, 2025-Q1, 2025-H1, 2025"))
    unit = forms.CharField(label=_("Mã đơn vị"), max_length=64, required=False,
                           help_text=_("Để trống: toàn bộ đơn vị bạn được xem"))
    kind = forms.ChoiceField(label=_("Loại báo cáo"), choices=[(k, KIND_LABELS[k]) for k in KINDS])
    format = forms.ChoiceField(label=_("Định dạng"), choices=[(f, f.upper()) for f in FORMATS])
    basis = forms.ChoiceField(
        label=_("Số liệu"), required=False, initial=BASIS_OFFICIAL,
        choices=[(BASIS_OFFICIAL, _("Chính thức (báo cáo đã duyệt)")),
                 (BASIS_PROVISIONAL, _("Tạm tính (kể cả chưa duyệt; ghi “SỐ LIỆU TẠM TÍNH”)"))],
    )
    number = forms.CharField(label=_("Số văn bản"), max_length=20, required=False,
                             help_text=_("Để trống để ghi tay sau khi vào sổ"))
    date = forms.DateField(label=_("Ngày văn bản"), required=False, input_formats=["%d/%m/%Y", "%Y-%m-%d"],
                           help_text=_("dd/mm/yyyy; để trống: hôm nay"))
    signer = forms.CharField(label=_("Người ký"), max_length=100, required=False)
    authority = forms.CharField(label=_("Quyền hạn ký"), max_length=60, required=False,
                                help_text=_("Ví dụ KT. GIÁM ĐỐC, TM. ỦY BAN NHÂN DÂN"))
    position = forms.CharField(label=_("Chức vụ"), max_length=100, required=False)
    recipients = forms.CharField(label=_("Nơi nhận"), required=False, widget=forms.Textarea(attrs={"rows": 4}),
                                 help_text=_("Mỗi dòng một nơi nhận; dòng \u201cLưu: VT\u201d được thêm tự động"))

    def meta(self):
        """The document metadata: the form's fields over the defaults from settings."""
        data = self.cleaned_data
        recipients = tuple(line.strip(" -;") for line in (data.get("recipients") or "").splitlines()
                           if line.strip(" -;"))
        return default_meta(
            number=data.get("number"),
            day=data.get("date"),
            signer=data.get("signer"),
            authority=data.get("authority"),
            position=data.get("position"),
            recipients=recipients or None,
        )
