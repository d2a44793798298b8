"""Reminders: the page of units that have not submitted, the button and the command (idempotent per day)."""

from __future__ import annotations

import html
from datetime import timedelta
from io import StringIO

import pytest
from django.core import mail
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils import timezone

from chiso.assessments.models import STATUS_SUBMITTED, Reminder, Round, Submission
from chiso.assessments.tests.workflow_world import *  # noqa: F403 (fixtures)
from chiso.conftest import client_for


def run(*args: str) -> str:
    out = StringIO()
    call_command("send_reminders", *args, stdout=out)
    return out.getvalue()


def test_the_command_emails_reporters_of_units_that_have_not_submitted(world, own_submission, other_submission):
    Submission.objects.filter(pk=other_submission.pk).update(status=STATUS_SUBMITTED)
    output = run()
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["rep_ag_pt_pl@example.gov.vn"]
    assert "UBND xã Phú Lâm" in message.subject and "Năm 2025" in message.subject
    assert own_submission.round.deadline.strftime("%d/%m/%Y") in message.body
    assert "còn 10 ngày" in message.body
    assert f"/danh-gia/bao-cao/{own_submission.pk}/" in message.body
    assert "Đã gửi: AG-PT-PL" in output and "AG-PT-PT" not in output
    assert Reminder.objects.filter(submission=own_submission).count() == 1


def test_running_twice_the_same_day_sends_nothing_more(world, own_submission, other_submission):
    run()
    assert len(mail.outbox) == 2
    output = run()
    assert len(mail.outbox) == 2
    assert "Đã nhắc hôm nay, bỏ qua: AG-PT-PL" in output
    assert Reminder.objects.count() == 2


def test_the_next_day_it_reminds_again(world, own_submission):
    run()
    assert len(mail.outbox) == 2  # both communes of the round
    Reminder.objects.update(sent_on=timezone.localdate() - timedelta(days=1))
    run()
    assert len(mail.outbox) == 4
    assert Reminder.objects.filter(submission=own_submission).count() == 2


def test_dry_run_sends_and_records_nothing(world, own_submission, other_submission):
    output = run("--dry-run")
    assert "Sẽ gửi: AG-PT-PL" in output and "Sẽ gửi: AG-PT-PT" in output
    assert mail.outbox == [] and Reminder.objects.count() == 0


def test_round_option_limits_and_checks_the_round(world, commune_round, test_framework):
    from datetime import date

    from chiso.assessments.workflow import open_round

    other = open_round(test_framework, "2025", date(2026, 1, 10), world.admin, root_unit=world.agency_a)
    run("--round", str(other.pk))
    assert [m.to for m in mail.outbox] == [[world.reporters["AG-STTTT"].email]]
    with pytest.raises(CommandError, match="Không có đợt"):
        run("--round", "999999")


def test_closed_rounds_are_not_reminded(world, commune_round):
    Round.objects.filter(pk=commune_round.pk).update(closed_at=timezone.now())
    run()
    assert mail.outbox == []


def test_the_page_lists_units_with_days_to_deadline_negative_when_late(world, commune_round):
    Round.objects.filter(pk=commune_round.pk).update(deadline=timezone.localdate() - timedelta(days=3))
    r = client_for(world.reviewer).get(reverse("assessments:reminders"))
    assert r.status_code == 200
    page = html.unescape(r.content.decode())
    assert "UBND xã Phú Lâm" in page and "UBND thị trấn Phú Mỹ" in page
    assert "-3" in page and "trễ 3 ngày" in page


def test_the_button_sends_once_and_the_page_then_shows_when(world, commune_round):
    c = client_for(world.reviewer)
    r = c.post(reverse("assessments:reminders"), follow=True)
    assert "Đã gửi nhắc 2 đơn vị" in html.unescape(r.content.decode())
    r = c.post(reverse("assessments:reminders"), follow=True)
    assert "Đã gửi nhắc 0 đơn vị; 2 đơn vị đã được nhắc hôm nay" in html.unescape(r.content.decode())
    assert len(mail.outbox) == 2
    assert Reminder.objects.filter(sent_by=world.reviewer).count() == 2


def test_the_page_is_for_reviewers_and_administrators_in_their_scope(world, commune_round, test_framework):
    from datetime import date

    from chiso.assessments.workflow import open_round

    open_round(test_framework, "2025", date(2026, 1, 10), world.admin, root_unit=world.agency_a)
    assert client_for(world.reporter).get(reverse("assessments:reminders")).status_code == 403
    page = client_for(world.reviewer).get(reverse("assessments:reminders")).content.decode()
    assert "Sở Thông tin và Truyền thông" not in page  # outside the district reviewer's scope
    page = client_for(world.admin).get(reverse("assessments:reminders")).content.decode()
    assert "Sở Thông tin và Truyền thông" in page


def test_a_mail_server_failure_records_nothing_and_holds_no_lock(world, commune_round, monkeypatch):
    from chiso.assessments import reminders
    from chiso.assessments.models import Reminder, Submission

    def refuse(*args, **kwargs):
        raise ConnectionRefusedError("máy chủ thư không trả lời")

    monkeypatch.setattr(reminders, "send_mail", refuse)
    world.reporters["AG-PT-PL"].email = "phulam@example.gov.vn"
    world.reporters["AG-PT-PL"].save()
    subs = Submission.objects.filter(round=commune_round, unit=world.commune_a)
    outcome = reminders.send_reminders(subs)
    assert [s.unit.code for s in outcome.failed] == ["AG-PT-PL"]
    assert not Reminder.objects.exists()
    assert "Máy chủ thư không nhận 1 thư" in outcome.summary()
