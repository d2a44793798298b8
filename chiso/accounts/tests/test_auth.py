"""Login, throttling, password policy and password changes."""

import pytest
from django.contrib.auth import get_user_model
from django.test import Client

from chiso.accounts.models import Profile
from chiso.conftest import WORLD_PASSWORD, client_for

pytestmark = pytest.mark.django_db
LOGIN = "/dang-nhap/"


def test_the_login_page_is_in_vietnamese(anonymous_client):
    html = anonymous_client.get(LOGIN).content.decode()
    assert "Đăng nhập Chỉ Số" in html
    assert '<label for="id_username">Tên đăng nhập' in html
    assert '<label for="id_password">Mật khẩu' in html


def test_a_reporter_logs_in_with_the_right_password(world):
    c = Client()
    resp = c.post(LOGIN, {"username": "rep_ag_pt_pl", "password": WORLD_PASSWORD})
    assert resp.status_code == 302 and resp["Location"] == "/"
    assert "UBND xã Phú Lâm" in c.get("/").content.decode()


def test_a_wrong_password_is_explained_in_vietnamese(world):
    resp = Client().post(LOGIN, {"username": "rep_ag_pt_pl", "password": "sai-mat-khau"})
    assert resp.status_code == 200
    html = resp.content.decode()
    assert "Tên đăng nhập hoặc mật khẩu không đúng." in html
    assert "tạm khóa 15 phút" in html


def test_login_locks_after_five_failures_even_for_the_right_password(world):
    c = Client()
    for attempt in range(1, 5):
        resp = c.post(LOGIN, {"username": "rep_ag_pt_pl", "password": f"sai-{attempt}"})
        assert resp.status_code == 200, attempt
    fifth = c.post(LOGIN, {"username": "rep_ag_pt_pl", "password": "sai-5"})
    assert fifth.status_code == 429
    assert "Tài khoản tạm bị khóa đăng nhập" in fifth.content.decode()
    assert "5 lần liên tiếp" in fifth.content.decode()
    right = c.post(LOGIN, {"username": "rep_ag_pt_pl", "password": WORLD_PASSWORD})
    assert right.status_code == 429
    assert c.get("/").status_code == 302  # still not logged in


def test_a_lockout_of_one_user_does_not_lock_another(world):
    c = Client()
    for attempt in range(5):
        c.post(LOGIN, {"username": "rep_ag_pt_pl", "password": f"sai-{attempt}"})
    resp = c.post(LOGIN, {"username": "viewer", "password": WORLD_PASSWORD})
    assert resp.status_code == 302


def test_an_inactive_account_cannot_log_in(world):
    world.reporter.is_active = False
    world.reporter.save()
    resp = Client().post(LOGIN, {"username": "rep_ag_pt_pl", "password": WORLD_PASSWORD})
    assert resp.status_code == 200
    assert Client().get("/").status_code == 302


def test_a_user_changes_their_password_under_the_policy(world, reporter_client):
    url = "/tai-khoan/doi-mat-khau/"
    weak = reporter_client.post(url, {"old_password": WORLD_PASSWORD,
                                      "new_password1": "12345678", "new_password2": "12345678"})
    assert weak.status_code == 200
    assert not get_user_model().objects.get(pk=world.reporter.pk).check_password("12345678")
    ok = reporter_client.post(url, {"old_password": WORLD_PASSWORD, "new_password1": "Phu-Lam-2025-moi",
                                    "new_password2": "Phu-Lam-2025-moi"})
    assert ok.status_code == 302
    assert get_user_model().objects.get(pk=world.reporter.pk).check_password("Phu-Lam-2025-moi")
    assert reporter_client.get("/").status_code == 200  # session kept after the change


def test_a_temporary_password_must_be_changed_before_anything_else(world):
    Profile.objects.filter(user=world.reporter).update(must_change_password=True)
    c = client_for(world.reporter)
    resp = c.get("/")
    assert resp.status_code == 302 and resp["Location"] == "/tai-khoan/doi-mat-khau/"
    assert "mật khẩu tạm" in c.get("/tai-khoan/doi-mat-khau/").content.decode()
    c.post("/tai-khoan/doi-mat-khau/", {"old_password": WORLD_PASSWORD,
                                        "new_password1": "Phu-Lam-2025-moi",
                                        "new_password2": "Phu-Lam-2025-moi"})
    assert not Profile.objects.get(user=world.reporter).must_change_password
    assert c.get("/").status_code == 200


def test_a_signed_in_page_reads_the_user_with_its_profile_and_old_sessions_stay_signed_in(world):
    """ProfileBackend: the user and its profile in one query; a session made by Django's own
    ModelBackend (before ProfileBackend was installed) still opens the pages."""
    from django.conf import settings
    from django.contrib.sessions.backends.db import SessionStore
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    c = Client()
    assert c.post(LOGIN, {"username": "rep_ag_pt_pl", "password": WORLD_PASSWORD}).status_code == 302
    session = SessionStore(session_key=c.cookies[settings.SESSION_COOKIE_NAME].value)
    assert session["_auth_user_backend"] == "chiso.accounts.backends.ProfileBackend"
    with CaptureQueriesContext(connection) as queries:
        assert "UBND xã Phú Lâm" in c.get("/").content.decode()
    assert not [q for q in queries.captured_queries if 'FROM "accounts_profile"' in q["sql"]]

    user = get_user_model().objects.get(username="rep_ag_pt_pl")
    old = SessionStore()
    old.update({"_auth_user_id": str(user.pk), "_auth_user_backend": "django.contrib.auth.backends.ModelBackend",
                "_auth_user_hash": user.get_session_auth_hash()})
    old.create()
    c2 = Client()
    c2.cookies[settings.SESSION_COOKIE_NAME] = old.session_key
    assert "UBND xã Phú Lâm" in c2.get("/").content.decode()


def test_a_wrong_password_is_hashed_once_not_once_per_backend(world, monkeypatch):
    from django.contrib.auth import base_user

    checked = []
    real = base_user.check_password
    monkeypatch.setattr(base_user, "check_password", lambda *a, **k: checked.append(1) or real(*a, **k))
    resp = Client().post(LOGIN, {"username": "rep_ag_pt_pl", "password": "sai-mat-khau"})
    assert "Tên đăng nhập hoặc mật khẩu không đúng." in resp.content.decode()
    assert len(checked) == 1
