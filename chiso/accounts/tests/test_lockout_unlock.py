"""A locked account is told it is locked and until when; an administrator can lift it (logged)."""

from __future__ import annotations

import html
from datetime import timedelta

import pytest
from axes.models import AccessAttempt
from django.contrib.admin.models import LogEntry
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from chiso.conftest import WORLD_PASSWORD, client_for

pytestmark = pytest.mark.django_db
LOGIN = "/dang-nhap/"


def fail(username: str, times: int, address: str = "203.0.113.7"):
    response = None
    for i in range(times):
        response = Client(REMOTE_ADDR=address).post(LOGIN, {"username": username, "password": f"sai-{i}"})
    return response


def expected_until(username: str) -> str:
    newest = AccessAttempt.objects.filter(username=username).order_by("-attempt_time").first().attempt_time
    return timezone.localtime(newest + timedelta(minutes=15)).strftime("%H:%M ngày %d/%m/%Y")


def test_the_locked_account_is_told_it_is_locked_and_until_when(world):
    r = fail("rep_ag_pt_pl", 5)
    assert r.status_code == 429
    page = html.unescape(r.content.decode())
    until = expected_until("rep_ag_pt_pl")
    assert f"Tài khoản “rep_ag_pt_pl” đang bị tạm khóa đăng nhập đến <strong>{until}</strong>" in page
    assert "Tên đăng nhập hoặc mật khẩu không đúng" not in page
    # The right password from another machine gets the same answer until then.
    r = Client(REMOTE_ADDR="198.51.100.1").post(LOGIN, {"username": "rep_ag_pt_pl", "password": WORLD_PASSWORD})
    assert r.status_code == 429 and until in html.unescape(r.content.decode())


def test_an_administrator_unlocks_from_the_user_page_and_the_history_keeps_it(world):
    fail("rep_ag_pt_pl", 5)
    until = expected_until("rep_ag_pt_pl")
    admin = client_for(world.admin)
    user_page = reverse("accounts:user_edit", args=[world.reporter.pk])
    page = html.unescape(admin.get(user_page).content.decode())
    assert f"Tài khoản đang bị tạm khóa đăng nhập đến <strong>{until}</strong> (5 lần nhập sai mật khẩu)" in page
    r = admin.post(reverse("user_unlock_login", args=[world.reporter.pk]), follow=True)
    page = html.unescape(r.content.decode())
    assert "Đã mở khóa đăng nhập cho rep_ag_pt_pl" in page and 'id="login-lock"' not in page
    entry = LogEntry.objects.get(object_id=str(world.reporter.pk))
    assert entry.user == world.admin
    assert entry.change_message.startswith("Mở khóa đăng nhập (đã nhập sai mật khẩu 5 lần; khóa đến ")
    assert entry.change_message in page  # shown under "Lịch sử quản trị"
    r = Client(REMOTE_ADDR="203.0.113.7").post(LOGIN, {"username": "rep_ag_pt_pl", "password": WORLD_PASSWORD})
    assert r.status_code == 302


def test_only_administrators_unlock(world):
    fail("viewer", 5)
    r = client_for(world.reviewer).post(reverse("user_unlock_login", args=[world.viewer.pk]))
    assert r.status_code == 403
    assert AccessAttempt.objects.filter(username="viewer").exists()
