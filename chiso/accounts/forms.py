"""Forms of the administration pages: users, units, framework and unit files."""

from __future__ import annotations

from django import forms
from django.contrib.auth import get_user_model, password_validation
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from chiso.accounts.models import ROLE_ADMIN, ROLE_CHOICES
from chiso.tabular import normalize_code
from chiso.units.models import LEVEL_CHOICES, Unit, path_prefix_q

User = get_user_model()


class UnitChoiceField(forms.ModelMultipleChoiceField):
    """Units shown as an indented tree so an administrator can pick subtree roots."""

    def label_from_instance(self, obj: Unit) -> str:
        indent = "\u00a0\u00a0\u00a0" * max(obj.depth, 0)
        inactive = "" if obj.active else f" ({_('ngừng hoạt động')})"
        return f"{indent}{obj.name} [{obj.code}]{inactive}"


class UserForm(forms.Form):
    """Create or edit a user with a role and the unit subtrees they work on."""

    username = forms.RegexField(
        label=_("Tên đăng nhập"), max_length=150, regex=r"^[\w.@+-]+$",
        help_text=_("Chữ không dấu, số và . @ + - _; ví dụ: phulam.xa"),
        error_messages={"invalid": _("Tên đăng nhập chỉ gồm chữ không dấu, số và . @ + - _")},
    )
    full_name = forms.CharField(label=_("Họ và tên"), max_length=150)
    email = forms.EmailField(label=_("Thư điện tử"), required=False,
                             help_text=_("Dùng để gửi nhắc nộp báo cáo."))
    phone = forms.CharField(label=_("Số điện thoại"), max_length=32, required=False)
    position = forms.CharField(label=_("Chức vụ, đơn vị công tác"), max_length=255, required=False)
    # No role is preselected: the first choice used to be Quản trị, so a hurried "Tạo tài khoản"
    # made every new account an administrator. The blank choice makes the choice explicit.
    role = forms.ChoiceField(label=_("Vai trò"), choices=[("", _("— Chọn vai trò —")), *ROLE_CHOICES],
                             error_messages={"required": _("Hãy chọn vai trò cho tài khoản.")})
    scopes = UnitChoiceField(
        label=_("Phạm vi đơn vị"), queryset=Unit.objects.order_by("path"), required=False,
        help_text=_("Chọn đơn vị gốc: người dùng làm việc với đơn vị đó và mọi đơn vị trực thuộc. "
                    "Giữ Ctrl (hoặc ⌘) để chọn nhiều. Quản trị viên xem được toàn bộ, không cần chọn."),
    )
    password1 = forms.CharField(label=_("Mật khẩu ban đầu"), strip=False,
                                widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}))
    password2 = forms.CharField(label=_("Nhập lại mật khẩu"), strip=False,
                                widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}))

    def __init__(self, *args, instance=None, **kwargs):
        self.instance = instance
        super().__init__(*args, **kwargs)
        self.fields["scopes"].widget.attrs["size"] = 12
        if instance is not None:
            # Passwords of existing users are changed with "Đặt lại mật khẩu", not here.
            del self.fields["password1"]
            del self.fields["password2"]

    def clean_username(self) -> str:
        username = self.cleaned_data["username"]
        qs = User.objects.filter(username__iexact=username)
        if self.instance is not None:
            qs = qs.exclude(pk=self.instance.pk)
        if qs.exists():
            raise ValidationError(_("Tên đăng nhập %(u)s đã có người dùng.") % {"u": username})
        return username

    def clean(self) -> dict:
        data = super().clean()
        if data.get("role") and data["role"] != ROLE_ADMIN and not data.get("scopes"):
            self.add_error("scopes", _("Hãy chọn ít nhất một đơn vị cho vai trò này."))
        p1, p2 = data.get("password1"), data.get("password2")
        if "password1" in self.fields and p1 and p2:
            if p1 != p2:
                self.add_error("password2", _("Hai lần nhập mật khẩu không khớp."))
            else:
                probe = User(username=data.get("username", ""), email=data.get("email", ""),
                             first_name=data.get("full_name", ""))
                try:
                    password_validation.validate_password(p1, probe)
                except ValidationError as e:
                    self.add_error("password1", e)
        return data


class UnitForm(forms.ModelForm):
    """Edit one unit; the parent list leaves out the unit and its own subtree."""

    attributes = forms.JSONField(
        label=_("Thuộc tính"), required=False,
        help_text=_('Dạng JSON, ví dụ {"terrain": "mountain"}; chỉ tiêu có thể phụ thuộc vào đây.'),
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    class Meta:
        model = Unit
        fields = ["code", "name", "level", "kind", "parent", "attributes", "valid_from", "valid_to", "active"]
        widgets = {
            "valid_from": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "valid_to": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["level"].choices = LEVEL_CHOICES
        parents = Unit.objects.order_by("path")
        if self.instance.pk:
            parents = parents.exclude(path_prefix_q(self.instance.path))
        self.fields["parent"].queryset = parents
        self.fields["parent"].label_from_instance = (
            lambda u: f"{chr(0xa0) * 3 * max(u.depth, 0)}{u.name} [{u.code}]"
        )
        self.fields["parent"].empty_label = _("— không có (đơn vị gốc) —")

    def clean_code(self) -> str:
        code = normalize_code(self.cleaned_data["code"])  # NFC, no zero-width/bidi characters
        if not code or "/" in code or any(ch.isspace() for ch in code):
            raise ValidationError(_("Mã đơn vị không được chứa dấu / hoặc khoảng trắng."))
        return code

    def clean_attributes(self) -> dict:
        value = self.cleaned_data.get("attributes")
        if value in (None, ""):
            return {}
        if not isinstance(value, dict):
            raise ValidationError(_('Thuộc tính phải là một đối tượng JSON, ví dụ {"terrain": "mountain"}.'))
        return value

    def clean(self) -> dict:
        data = super().clean()
        start, end = data.get("valid_from"), data.get("valid_to")
        if start and end and end < start:
            self.add_error("valid_to", _("Ngày hết hiệu lực phải sau ngày bắt đầu hiệu lực."))
        return data


class UploadForm(forms.Form):
    """One file to import; "check only" runs every check and writes nothing."""

    file = forms.FileField(label=_("Tệp"))
    dry_run = forms.BooleanField(label=_("Chỉ kiểm tra, chưa ghi vào hệ thống"), required=False)
