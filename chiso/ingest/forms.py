"""The upload form of the operational-data page."""

from __future__ import annotations

from pathlib import Path

from django import forms
from django.utils.translation import gettext_lazy as _

from .models import DEFAULT_SYSTEM, KIND_CHOICES

ALLOWED = (".csv", ".xlsx", ".xlsm")


class UploadForm(forms.Form):
    kind = forms.ChoiceField(label=_("Loại dữ liệu"), choices=KIND_CHOICES)
    system = forms.SlugField(label=_("Hệ thống nguồn"), initial=DEFAULT_SYSTEM, max_length=64,
                             help_text=_("Mã hồ sơ/văn bản là duy nhất trong một hệ thống (ví dụ igate, ioffice)."))
    file = forms.FileField(label=_("Tệp xuất (CSV UTF-8 hoặc XLSX)"))

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if Path(upload.name).suffix.lower() not in ALLOWED:
            raise forms.ValidationError(_("Chỉ nhận tệp .csv hoặc .xlsx"))
        return upload
