"""Administration pages (administrator role only) and the user's own password page.

Everything here is a plain server-rendered page: users, units (tree, edit,
deactivate, file import) and frameworks (list, YAML upload, indicators with
their targets per level). Not the Django admin: a UI a Sở TTTT officer can use.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass, field
from datetime import date

from django import forms
from django.contrib import messages
from django.contrib.auth import get_user_model, update_session_auth_hash
from django.contrib.auth.views import PasswordChangeView
from django.db import transaction
from django.db.models import Count, Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse, reverse_lazy
from django.utils import timezone
from django.utils.decorators import method_decorator
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.utils.translation import pgettext
from django.views.decorators.http import require_POST

from chiso.accounts.forms import UnitForm, UploadForm, UserForm
from chiso.accounts.models import ROLE_ADMIN, ROLE_CHOICES, Profile
from chiso.accounts.permissions import is_administrator, role_required
from chiso.frameworks.models import Framework
from chiso.units.models import LEVEL_CHOICES, Unit

User = get_user_model()
admin_only = role_required(ROLE_ADMIN)

# ---------------------------------------------------------------------------
# The user's own password
# ---------------------------------------------------------------------------


@method_decorator(role_required(*[r for r, _label in ROLE_CHOICES]), name="dispatch")
class PasswordChange(PasswordChangeView):
    """Change one's own password (validators from settings); clears "must change"."""

    template_name = "accounts/password_change.html"
    success_url = reverse_lazy("home")

    def form_valid(self, form):
        response = super().form_valid(form)
        Profile.objects.filter(user=self.request.user).update(must_change_password=False)
        messages.success(self.request, _("Đã đổi mật khẩu."))
        return response


# ---------------------------------------------------------------------------
# The user's own API tokens (administrators also see and revoke everyone's)
# ---------------------------------------------------------------------------

any_role = role_required(*[r for r, _label in ROLE_CHOICES])


class ApiTokenForm(forms.Form):
    label = forms.CharField(label=_lazy("Tên gợi nhớ"), max_length=100, required=False,
                            help_text=_lazy("Ví dụ: hệ thống một cửa của huyện"))
    expires = forms.DateField(label=_lazy("Hết hạn sau ngày"), required=False,
                              widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
                              help_text=_lazy("Bỏ trống: không hết hạn"))

    def clean_expires(self):
        day = self.cleaned_data.get("expires")
        if day is not None and day < timezone.localdate():
            raise forms.ValidationError(_("Ngày này đã qua."))
        return day


@any_role
def api_tokens(request: HttpRequest) -> HttpResponse:
    """Create (shown once) and list one's API tokens: a token acts with one's own role and scope."""
    from chiso.api.models import ApiToken

    form = ApiTokenForm(request.POST or None)
    new_token = None
    if request.method == "POST" and form.is_valid():
        _token, new_token = ApiToken.issue(request.user, form.cleaned_data["label"], form.cleaned_data["expires"])
        form = ApiTokenForm()
    others = (ApiToken.objects.usable().exclude(user=request.user).select_related("user")
              if is_administrator(request.user) else [])
    return render(request, "accounts/api_tokens.html", {
        "form": form, "new_token": new_token,
        "tokens": ApiToken.objects.filter(user=request.user), "others": others,
    })


@any_role
@require_POST
def api_token_revoke(request: HttpRequest, pk: int) -> HttpResponse:
    """Revoke one's own token; administrators may revoke anyone's (another's is a 404 otherwise)."""
    from chiso.api.models import ApiToken

    tokens = ApiToken.objects.all() if is_administrator(request.user) else ApiToken.objects.filter(user=request.user)
    token = get_object_or_404(tokens, pk=pk)
    token.revoke(by=request.user)
    messages.success(request, _("Đã thu hồi mã %(t)s: phần mềm dùng mã này không truy cập được nữa.")
                     % {"t": token.shown})
    return redirect("accounts:api_tokens")


# ---------------------------------------------------------------------------
# Users
# ---------------------------------------------------------------------------


@admin_only
def user_list(request: HttpRequest) -> HttpResponse:
    """Every account with its role and scope; search by name, username or unit."""
    q = request.GET.get("q", "").strip()
    role = request.GET.get("role", "")
    users = User.objects.select_related("profile").prefetch_related("profile__scopes").order_by("username")
    if q:
        users = users.filter(
            Q(username__icontains=q) | Q(first_name__icontains=q) | Q(last_name__icontains=q)
            | Q(email__icontains=q) | Q(profile__scopes__name__icontains=q)
            | Q(profile__scopes__code__iexact=q)
        ).distinct()
    if role in dict(ROLE_CHOICES):
        users = users.filter(Q(profile__role=role) | (Q(is_superuser=True) if role == ROLE_ADMIN else Q(pk__in=[])))
    rows = []
    for u in users:
        profile = getattr(u, "profile", None)
        rows.append({
            "user": u,
            "role": pgettext("vai trò", "Quản trị") if u.is_superuser else (profile.get_role_display() if profile else ""),
            "scopes": list(profile.scopes.all()) if profile else [],
        })
    return render(request, "accounts/user_list.html", {
        "rows": rows, "q": q, "role": role, "roles": ROLE_CHOICES,
    })


@admin_only
def user_import(request: HttpRequest) -> HttpResponse:
    """Accounts in bulk from CSV/XLSX, the file and rules of ``chiso import_users``; all or nothing.

    The one-time passwords of new accounts are offered once, as a download link carrying the file in
    this one answer (a data: URL): never stored on the server, never logged, gone when the page is left.
    """
    import base64

    from chiso.accounts.bulk import import_users, passwords_csv
    from chiso.tabular import ImportError_

    form = UploadForm(request.POST or None, request.FILES or None)
    problems = []
    outcome = None
    download = None
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            outcome = import_users(upload.read(), filename=upload.name, dry_run=form.cleaned_data["dry_run"])
        except ImportError_ as e:
            problems = e.problems
        if outcome is not None and outcome.passwords:
            data = base64.b64encode(passwords_csv(outcome).encode("utf-8")).decode("ascii")
            download = {"href": f"data:text/csv;charset=utf-8;base64,{data}", "count": len(outcome.passwords),
                        "name": f"mat-khau-mot-lan-{timezone.localtime():%Y%m%d-%H%M}.csv"}
    response = render(request, "accounts/user_import.html", {
        "form": form, "problems": problems, "outcome": outcome, "download": download,
    })
    if download is not None:
        response["Cache-Control"] = "no-store"  # the passwords must not stay in a cache or the history
    return response


def _save_user(form: UserForm, user=None):
    data = form.cleaned_data
    with transaction.atomic():
        if user is None:
            user = User(username=data["username"])
            user.set_password(data["password1"])
        user.username = data["username"]
        user.first_name = data["full_name"]
        user.last_name = ""
        user.email = data.get("email", "")
        user.save()
        profile, created = Profile.objects.get_or_create(user=user)
        profile.role = data["role"]
        profile.phone = data.get("phone", "")
        profile.position = data.get("position", "")
        if created:
            profile.must_change_password = True
        profile.save()
        profile.scopes.set(data.get("scopes") or [])
    return user


@admin_only
def user_create(request: HttpRequest) -> HttpResponse:
    """A new account; its owner must change the initial password at first login."""
    form = UserForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        user = _save_user(form)
        messages.success(request, _("Đã tạo tài khoản %(u)s.") % {"u": user.username})
        return redirect("accounts:user_list")
    return render(request, "accounts/user_form.html", {"form": form, "creating": True})


@admin_only
def user_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """Change name, contact, role and scope of an account."""
    user = get_object_or_404(User, pk=pk)
    profile = getattr(user, "profile", None)
    initial = {
        "username": user.username,
        "full_name": user.get_full_name(),
        "email": user.email,
        "phone": profile.phone if profile else "",
        "position": profile.position if profile else "",
        "role": ROLE_ADMIN if user.is_superuser else (profile.role if profile else ""),
        "scopes": list(profile.scopes.all()) if profile else [],
    }
    form = UserForm(request.POST or None, instance=user, initial=initial)
    if request.method == "POST" and form.is_valid():
        _save_user(form, user)
        messages.success(request, _("Đã lưu tài khoản %(u)s.") % {"u": user.username})
        return redirect("accounts:user_list")
    return render(request, "accounts/user_form.html", {"form": form, "creating": False, "target": user})


@admin_only
@require_POST
def user_set_active(request: HttpRequest, pk: int) -> HttpResponse:
    """Lock or unlock an account (accounts are never deleted: history keeps their name)."""
    user = get_object_or_404(User, pk=pk)
    active = request.POST.get("active") == "1"
    if user.pk == request.user.pk and not active:
        messages.error(request, _("Bạn không thể tự khóa tài khoản của mình."))
        return redirect("accounts:user_list")
    user.is_active = active
    user.save(update_fields=["is_active"])
    if active:
        messages.success(request, _("Đã mở khóa tài khoản %(u)s.") % {"u": user.username})
    else:
        messages.success(request, _("Đã khóa tài khoản %(u)s: người này không đăng nhập được nữa.")
                         % {"u": user.username})
    return redirect("accounts:user_list")


def temporary_password() -> str:
    """A random password that passes the validators, read out once to its owner."""
    return "Cs-" + secrets.token_urlsafe(9)


@admin_only
def user_password_reset(request: HttpRequest, pk: int) -> HttpResponse:
    """Give an account a new temporary password (shown once) that must be changed at login."""
    user = get_object_or_404(User, pk=pk)
    new_password = None
    if request.method == "POST":
        new_password = temporary_password()
        user.set_password(new_password)
        user.save(update_fields=["password"])
        Profile.objects.filter(user=user).update(must_change_password=True)
        if user.pk == request.user.pk:
            update_session_auth_hash(request, user)
    return render(request, "accounts/user_password_reset.html", {
        "target": user, "new_password": new_password,
    })


# ---------------------------------------------------------------------------
# Units
# ---------------------------------------------------------------------------


@dataclass
class TreeNode:
    unit: Unit
    children: list[TreeNode] = field(default_factory=list)

    @property
    def search_text(self) -> str:
        return f"{self.unit.code} {self.unit.name} {self.unit.kind}".lower()


def build_tree(units: list[Unit]) -> list[TreeNode]:
    """Nest units (ordered by path) under their parents; orphans of a filtered list become roots."""
    nodes = {u.pk: TreeNode(u) for u in units}
    roots: list[TreeNode] = []
    for u in units:
        parent = nodes.get(u.parent_id)
        (parent.children if parent else roots).append(nodes[u.pk])
    return roots


@admin_only
def unit_tree(request: HttpRequest) -> HttpResponse:
    """The unit hierarchy, expandable; ``?q=`` searches on the server when JavaScript is off."""
    q = request.GET.get("q", "").strip()
    show_inactive = request.GET.get("inactive") == "1"
    units = Unit.objects.order_by("path")
    if not show_inactive:
        units = units.filter(active=True)
    matches = None
    if q:
        found = list(units.filter(Q(code__icontains=q) | Q(name__icontains=q) | Q(kind__icontains=q)))
        matches = len(found)
        # Keep the ancestors of every match so each sits in its place in the tree.
        wanted = set()
        for u in found:
            parts = [p for p in u.path.split("/") if p]
            wanted.update(parts)
        units = units.filter(code__in=wanted)
    units = list(units)
    counts = dict(Unit.objects.values_list("level").annotate(n=Count("pk")).filter(active=True))
    return render(request, "accounts/unit_tree.html", {
        "tree": build_tree(units),
        "q": q,
        "matches": matches,
        "show_inactive": show_inactive,
        "total": len(units),
        "levels": [(label, counts.get(code, 0)) for code, label in LEVEL_CHOICES],
    })


@admin_only
def unit_create(request: HttpRequest) -> HttpResponse:
    """Add one unit by hand (for many, use the file import)."""
    initial = {}
    parent_code = request.GET.get("parent")
    if parent_code:
        initial["parent"] = Unit.objects.filter(code=parent_code).first()
    form = UnitForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        unit = form.save()
        messages.success(request, _("Đã thêm đơn vị %(name)s.") % {"name": unit.name})
        return redirect(reverse("accounts:unit_tree") + f"#u-{unit.pk}")
    return render(request, "accounts/unit_form.html", {"form": form, "creating": True})


@admin_only
def unit_edit(request: HttpRequest, code: str) -> HttpResponse:
    """Edit a unit; moving it re-roots its whole subtree (``Unit.save``)."""
    unit = get_object_or_404(Unit, code=code)
    form = UnitForm(request.POST or None, instance=unit)
    if request.method == "POST" and form.is_valid():
        with transaction.atomic():
            unit = form.save()
        messages.success(request, _("Đã lưu đơn vị %(name)s.") % {"name": unit.name})
        return redirect(reverse("accounts:unit_tree") + f"#u-{unit.pk}")
    return render(request, "accounts/unit_form.html", {
        "form": form, "creating": False, "unit": unit,
        "children": unit.children.order_by("path"),
    })


@admin_only
@require_POST
def unit_set_active(request: HttpRequest, code: str) -> HttpResponse:
    """Deactivate (or reactivate) a unit; its data stays, it just leaves new rounds and lists."""
    unit = get_object_or_404(Unit, code=code)
    active = request.POST.get("active") == "1"
    unit.active = active
    if not active and unit.valid_to is None:
        unit.valid_to = date.today()
    if active and unit.valid_to is not None and unit.valid_to <= date.today():
        unit.valid_to = None
    unit.save()
    if active:
        messages.success(request, _("Đã cho đơn vị %(name)s hoạt động trở lại.") % {"name": unit.name})
    else:
        messages.success(request, _("Đã ngừng hoạt động đơn vị %(name)s; số liệu cũ vẫn được giữ.")
                         % {"name": unit.name})
    return redirect(reverse("accounts:unit_edit", args=[unit.code]))


@admin_only
def unit_import(request: HttpRequest) -> HttpResponse:
    """Import units from CSV/XLSX, all or nothing; every problem shown with its row and column."""
    from chiso.tabular import ImportError_
    from chiso.units.importer import import_units

    form = UploadForm(request.POST or None, request.FILES or None)
    problems = []
    report = None
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            report = import_units(upload.read(), filename=upload.name,
                                  dry_run=form.cleaned_data["dry_run"])
        except ImportError_ as e:
            problems = e.problems
        if report is not None and not report.dry_run:
            messages.success(request, report.summary())
    return render(request, "accounts/unit_import.html", {
        "form": form, "problems": problems, "report": report,
    })


# ---------------------------------------------------------------------------
# Frameworks
# ---------------------------------------------------------------------------


@admin_only
def framework_list(request: HttpRequest) -> HttpResponse:
    """Every loaded framework version, newest first within a code."""
    rows = []
    for fw in Framework.objects.order_by("code", "-effective_from", "-loaded_at"):
        try:
            count = len(fw.spec().indicators)
        except Exception:  # a stored document the current loader rejects
            count = None
        rows.append({"fw": fw, "indicators": count})
    return render(request, "accounts/framework_list.html", {"rows": rows})


@admin_only
def framework_upload(request: HttpRequest) -> HttpResponse:
    """Load a framework YAML; schema errors are listed with their place in the document."""
    from chiso.accounts.framework_ui import describe_framework_error, store_uploaded_framework

    form = UploadForm(request.POST or None, request.FILES or None)
    errors: list[str] = []
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        raw = upload.read()
        try:
            text = raw.decode("utf-8-sig")
        except UnicodeDecodeError:
            errors = [_("%(f)s: tệp không phải văn bản UTF-8 (hãy lưu tệp YAML với bảng mã UTF-8).")
                      % {"f": upload.name}]
        else:
            try:
                fw, status = store_uploaded_framework(text, upload.name,
                                                      dry_run=form.cleaned_data["dry_run"])
            except ValueError as e:  # FrameworkError, FrameworkVersionConflict: shown in the page
                errors = describe_framework_error(e, upload.name)
            else:
                if fw is None:
                    messages.success(request, _("Tệp %(f)s hợp lệ (chỉ kiểm tra, chưa lưu).")
                                     % {"f": upload.name})
                    return redirect("accounts:framework_upload")
                text_by_status = {
                    "loaded": _("Đã tải bộ chỉ tiêu %(c)s phiên bản %(v)s."),
                    "replaced": _("Đã thay nội dung bộ chỉ tiêu %(c)s phiên bản %(v)s (chưa có số liệu nào dùng phiên bản này)."),
                    "unchanged": _("Bộ chỉ tiêu %(c)s phiên bản %(v)s đã có, không thay đổi."),
                }
                messages.success(request, text_by_status.get(status, text_by_status["loaded"])
                                 % {"c": fw.code, "v": fw.version})
                return redirect("accounts:framework_detail", pk=fw.pk)
    return render(request, "accounts/framework_upload.html", {"form": form, "errors": errors})


@admin_only
def framework_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """A framework's indicators with the target that applies at each level in a chosen year."""
    from chiso.accounts.framework_ui import indicator_rows

    fw = get_object_or_404(Framework, pk=pk)
    try:
        spec = fw.spec()
    except Exception as e:
        raise Http404(str(e)) from e
    default_year = date.today().year
    if spec.effective_to and spec.effective_to.year < default_year:
        default_year = spec.effective_to.year
    if spec.effective_from and spec.effective_from.year > default_year:
        default_year = spec.effective_from.year
    try:
        year = int(request.GET.get("nam", default_year))
    except ValueError:
        year = default_year
    level_labels = dict(LEVEL_CHOICES)
    return render(request, "accounts/framework_detail.html", {
        "fw": fw,
        "spec": spec,
        "year": year,
        "levels": [(lv, level_labels.get(lv, lv)) for lv in spec.levels],
        "rows": indicator_rows(spec, year),
        "versions": Framework.objects.filter(code=fw.code).exclude(pk=fw.pk),
    })
