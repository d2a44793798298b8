"""An administrator lifts a login lockout from the user page; the admin log keeps who and when.

Kept apart from ``views.py`` so the lockout parts stay in one small module (the routes live in
``chiso/web/urls.py`` next to the login page).
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.admin.models import CHANGE, LogEntry
from django.contrib.auth import get_user_model
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from chiso.accounts.permissions import ROLE_ADMIN, role_required
from chiso.web.lockout import account_lock, unlock_account

User = get_user_model()


def record(actor, target, message: str) -> None:
    """One line of the account's history (Django's admin log: who, when, what)."""
    LogEntry.objects.log_actions(actor.pk, User.objects.filter(pk=target.pk), CHANGE, change_message=message,
                                 single_object=True)


def account_history(target, limit: int = 20) -> list[LogEntry]:
    """The latest administrative actions recorded on an account, newest first."""
    from django.contrib.contenttypes.models import ContentType

    return list(LogEntry.objects.filter(content_type=ContentType.objects.get_for_model(User),
                                        object_id=str(target.pk)).select_related("user")[:limit])


@role_required(ROLE_ADMIN)
@require_POST
def user_unlock_login(request: HttpRequest, pk: int) -> HttpResponse:
    """Lift the lockout of one account now (failed logins of that username forgotten)."""
    target = get_object_or_404(User, pk=pk)
    lock = account_lock(target.username)
    unlock_account(target.username)
    if lock is None:
        messages.info(request, _("Tài khoản %(u)s không bị tạm khóa đăng nhập.") % {"u": target.username})
    else:
        record(request.user, target, _("Mở khóa đăng nhập (đã nhập sai mật khẩu %(n)d lần; khóa đến %(t)s)") % {
            "n": lock.failures, "t": _local(lock.until)})
        messages.success(request, _("Đã mở khóa đăng nhập cho %(u)s: người này đăng nhập lại được ngay.") % {
            "u": target.username})
    return redirect("accounts:user_edit", pk=target.pk)


def _local(moment) -> str:
    from django.utils import timezone

    return timezone.localtime(moment).strftime("%H:%M %d/%m/%Y")
