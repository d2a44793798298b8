"""Reminders to reporters whose unit has not submitted in an open round.

Safe to run twice: a submission is reminded at most once per (local) day, and
each sending is recorded in ``Reminder`` so the page can show when.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from chiso.accounts.permissions import ROLE_REPORTER, users_in_scope_of
from chiso.engine.numbers import format_date
from chiso.engine.periods import parse_period

from .models import OPEN_STATUSES, Reminder, Submission
from .workflow import days_left, status_label


def pending_submissions(queryset=None):
    """Submissions of open rounds not yet handed in (draft or returned), soonest deadline first."""
    qs = queryset if queryset is not None else Submission.objects.all()
    return (
        qs.open().filter(status__in=OPEN_STATUSES)
        .select_related("round__framework", "unit")
        .order_by("round__deadline", "unit__path")
    )


def reporters_of(submission: Submission) -> list[Any]:
    """The reporters closest to the unit: those whose scope root is the unit itself, else its nearest ancestor.

    A district reporter whose scope also covers the communes is not mailed about
    a commune that has its own reporter; only users with an e-mail address count.
    """
    unit_path = submission.unit.path
    best: list[tuple[int, Any]] = []
    for user in users_in_scope_of([submission.unit], role=ROLE_REPORTER).prefetch_related("profile__scopes"):
        if not user.email:
            continue
        depth = max((len(s.path) for s in user.profile.scopes.all() if unit_path.startswith(s.path)), default=0)
        best.append((depth, user))
    if not best:
        return []
    deepest = max(depth for depth, _user in best)
    return [user for depth, user in best if depth == deepest]


@dataclass
class ReminderOutcome:
    sent: list[tuple[Submission, list[str]]] = field(default_factory=list)
    skipped_today: list[Submission] = field(default_factory=list)
    no_recipient: list[Submission] = field(default_factory=list)
    failed: list[Submission] = field(default_factory=list)  # the mail server refused: nothing recorded

    def summary(self) -> str:
        return _("Đã gửi nhắc %(sent)d đơn vị; %(today)d đơn vị đã được nhắc hôm nay; "
                 "%(none)d đơn vị chưa có người báo cáo có email.") % {
            "sent": len(self.sent), "today": len(self.skipped_today), "none": len(self.no_recipient)} + (
            _(" Máy chủ thư không nhận %(n)d thư: chưa ghi là đã nhắc, có thể gửi lại.") % {"n": len(self.failed)}
            if self.failed else "")


def send_reminders(
    submissions: Iterable[Submission], sent_by: Any = None, dry_run: bool = False, base_url: str = "",
) -> ReminderOutcome:
    """E-mail the reporters of each submission not yet reminded today; record each sending."""
    today = timezone.localdate()
    outcome = ReminderOutcome()
    for sub in submissions:
        if Reminder.objects.filter(submission=sub, sent_on=today).exists():
            outcome.skipped_today.append(sub)
            continue
        recipients = reporters_of(sub)
        if not recipients:
            outcome.no_recipient.append(sub)
            continue
        emails = [u.email for u in recipients]
        if dry_run:
            outcome.sent.append((sub, emails))
            continue
        try:
            with transaction.atomic():
                # The row is claimed first, in its own short transaction: a second run (or a
                # concurrent one) on the same day stops here, and no database lock is held
                # while the mail server answers.
                claim = Reminder.objects.create(submission=sub, sent_on=today, recipients=", ".join(emails),
                                                sent_by=sent_by)
        except IntegrityError:
            outcome.skipped_today.append(sub)
            continue
        try:
            send_mail(reminder_subject(sub), reminder_body(sub, base_url),
                      settings.DEFAULT_FROM_EMAIL, emails)
        except Exception:
            claim.delete()  # not sent: a later run may try again today
            outcome.failed.append(sub)
            continue
        outcome.sent.append((sub, emails))
    return outcome


def round_and_period(sub: Submission) -> str:
    """“Round title” with its period once: a round's default title already ends with the period
    ("… — Năm 2025"), so the period is added only when the title does not say it."""
    label = parse_period(sub.period).label
    title = sub.round.title or sub.round.framework.title
    return f"“{title}”" if label in title else _("“%(title)s” (kỳ %(period)s)") % {"title": title, "period": label}


def reminder_subject(sub: Submission) -> str:
    return _("[Chỉ Số] Nhắc nộp báo cáo %(period)s — %(unit)s") % {
        "period": parse_period(sub.period).label, "unit": sub.unit.name}


def reminder_body(sub: Submission, base_url: str = "") -> str:
    left = days_left(sub.round.deadline)
    when = (_("còn %(n)d ngày") % {"n": left}) if left > 0 else (
        _("hôm nay là hạn") if left == 0 else _("đã trễ %(n)d ngày") % {"n": -left})
    link = base_url.rstrip("/") + reverse("assessments:submission", args=[sub.pk])
    return _(
        "Kính gửi cán bộ phụ trách báo cáo của %(unit)s,\n\n"
        "Đơn vị chưa nộp báo cáo %(round)s.\n"
        "Trạng thái hiện tại: %(status)s.\n"
        "Hạn nộp: %(deadline)s (%(when)s).\n\n"
        "Mở biểu mẫu để nhập và nộp: %(link)s\n\n"
        "Thư này được gửi tự động từ hệ thống Chỉ Số; mỗi ngày gửi nhiều nhất một lần."
    ) % {
        "unit": sub.unit.name, "round": round_and_period(sub), "status": status_label(sub.status),
        "deadline": format_date(sub.round.deadline), "when": when, "link": link,
    }
